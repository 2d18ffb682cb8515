"""The recovery key: a 32-byte secret-storage key as a person can copy it, and back.

Client-server spec, appendix "Cryptographic key representation": ``0x8B 0x01`` + the key + a
parity byte (XOR of the bytes before it), base58 with Bitcoin's alphabet, shown with a space
every 4 characters. base58 is an encoding, not a cipher, so it is written here; the ciphers of
secret storage are in ``secret_storage.py`` (from ``cryptography``). Kept apart so the config
can check a typed key without loading any cryptography.
"""

from __future__ import annotations

from pathlib import Path

KEY_LENGTH = 32
RECOVERY_PREFIX = b"\x8b\x01"
_DECODED_LENGTH = len(RECOVERY_PREFIX) + KEY_LENGTH + 1  # prefix, key, parity
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {c: i for i, c in enumerate(BASE58_ALPHABET)}


class SecretStorageError(ValueError):
    """Base class; ``str(exc)`` is one sentence an admin can act on (never the key itself)."""


class RecoveryKeyError(SecretStorageError):
    """A recovery key that cannot be read: bad character, length, prefix or parity (a typo)."""


def _b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, digit = divmod(number, 58)
        out.append(BASE58_ALPHABET[digit])
    zeros = len(data) - len(data.lstrip(b"\0"))  # each leading zero byte is a leading "1"
    return "1" * zeros + "".join(reversed(out))


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            raise RecoveryKeyError(
                f"The recovery key contains {char!r}, which is not a base58 character "
                "(0, O, I and l never occur): check it was copied exactly."
            )
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def _parity(data: bytes) -> int:
    parity = 0
    for byte in data:
        parity ^= byte
    return parity


def encode_recovery_key(key: bytes) -> str:
    """The recovery key shown to a person: ``EsT… …`` in groups of 4 characters."""
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_LENGTH:
        raise SecretStorageError(f"A secret-storage key is {KEY_LENGTH} bytes.")
    raw = RECOVERY_PREFIX + bytes(key)
    encoded = _b58encode(raw + bytes([_parity(raw)]))
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def decode_recovery_key(text: str) -> bytes:
    """The 32-byte key from a recovery key; whitespace anywhere is ignored.

    Raises :class:`RecoveryKeyError` on a character outside base58, a wrong length, a wrong
    prefix (not a Matrix recovery key) or a wrong parity byte (most typos land here).
    """
    compact = "".join(text.split())
    if not compact:
        raise RecoveryKeyError("The recovery key is empty.")
    raw = _b58decode(compact)
    if len(raw) != _DECODED_LENGTH:
        raise RecoveryKeyError(
            f"The recovery key decodes to {len(raw)} bytes instead of {_DECODED_LENGTH}: "
            "a character is missing or extra."
        )
    if raw[:2] != RECOVERY_PREFIX:
        raise RecoveryKeyError(
            "The recovery key does not decode to a Matrix recovery key (wrong prefix): "
            "a character is missing or extra, or this is another kind of key."
        )
    if _parity(raw[:-1]) != raw[-1]:
        raise RecoveryKeyError(
            "The recovery key's check byte does not match: a character was mistyped."
        )
    return raw[2:-1]



def default_key_file(store_path: Path) -> Path:
    """Where the first start writes the recovery key: beside the store, not in it, so that a
    lost store does not take the key away with it."""
    return store_path.parent / f"{store_path.name}-recovery-key.txt"

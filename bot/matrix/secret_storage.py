"""Secret storage (`m.secret_storage.v1.aes-hmac-sha2`) and the recovery key, as the spec says.

Pure functions over bytes and JSON-shaped dicts: no network, no nio. The client-server spec,
"Secrets" (Storage, Key representation, Deriving keys from passphrases) and the appendix
"Cryptographic key representation":

- a secret-storage key is 32 random bytes; it is shown to an admin once as a *recovery key*
  (``0x8B 0x01`` + key + parity byte, base58 with Bitcoin's alphabet, a space every 4 chars);
- its description goes to account data ``m.secret_storage.key.<key id>``, with ``iv`` and the
  ``mac`` of 32 zero bytes encrypted under it, so a typed key can be checked before use;
- each secret (``m.cross_signing.master``…) is encrypted under a pair of keys derived with
  HKDF-SHA-256 (32 zero bytes of salt, the secret's name as info, 64 bytes: AES key then
  HMAC key), AES-CTR-256 with an IV whose bit 63 is 0, HMAC-SHA-256 over the ciphertext.

Every primitive comes from ``cryptography`` (AES-CTR, HMAC, HKDF, PBKDF2); base58 and the
recovery key's layout, an encoding rather than a cipher, are in ``recovery_key.py`` (re-exported
here). Output base64 is unpadded; input accepts both. The start-up flow that uses all this
against the homeserver is ``recovery.py``.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from bot.matrix.recovery_key import BASE58_ALPHABET as BASE58_ALPHABET
from bot.matrix.recovery_key import KEY_LENGTH as KEY_LENGTH
from bot.matrix.recovery_key import RecoveryKeyError as RecoveryKeyError
from bot.matrix.recovery_key import SecretStorageError as SecretStorageError
from bot.matrix.recovery_key import _b58decode as _b58decode
from bot.matrix.recovery_key import _b58encode as _b58encode
from bot.matrix.recovery_key import decode_recovery_key as decode_recovery_key
from bot.matrix.recovery_key import encode_recovery_key as encode_recovery_key

ALGORITHM = "m.secret_storage.v1.aes-hmac-sha2"
PASSPHRASE_ALGORITHM = "m.pbkdf2"
KEY_EVENT_PREFIX = "m.secret_storage.key."
DEFAULT_KEY_EVENT = "m.secret_storage.default_key"
#: the three cross-signing private keys, each stored as unpadded base64 of its 32-byte seed
CROSS_SIGNING_SECRETS = (
    "m.cross_signing.master",
    "m.cross_signing.self_signing",
    "m.cross_signing.user_signing",
)

IV_LENGTH = 16
MAC_LENGTH = 32
_ZERO_SALT = bytes(32)
_ZERO_MESSAGE = bytes(32)


class WrongKeyError(SecretStorageError):
    """The MAC does not match: another key, another secret name, or data changed on the way."""


class MalformedError(SecretStorageError):
    """Account data that is not what the algorithm describes (missing field, bad base64…)."""


# --------------------------------------------------------------------------- encodings


def encode_base64(data: bytes) -> str:
    """Unpadded standard base64, as the spec asks for."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def decode_base64(text: str, *, field: str = "value") -> bytes:
    """Standard base64 with or without padding (the spec says to accept both)."""
    if not isinstance(text, str):
        raise MalformedError(f"The {field} should be a base64 string.")
    stripped = text.strip().rstrip("=")
    try:
        return base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedError(f"The {field} is not valid base64.") from exc



# --------------------------------------------------------------------------- keys


def generate_key() -> bytes:
    """A new 32-byte secret-storage key from the operating system's random source."""
    return os.urandom(KEY_LENGTH)


def new_key_id(length: int = 32) -> str:
    """A random key id (letters and digits), as Element and the Rust SDK make them."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def key_event_type(key_id: str) -> str:
    """Account-data type of a key's description: ``m.secret_storage.key.<key id>``."""
    return KEY_EVENT_PREFIX + key_id


def default_key_content(key_id: str) -> dict[str, str]:
    """Content of ``m.secret_storage.default_key`` naming ``key_id``."""
    return {"key": key_id}


@dataclass(frozen=True)
class PassphraseInfo:
    """The ``passphrase`` property: PBKDF2-SHA-512 over a passphrase a person chose."""

    salt: str
    iterations: int
    bits: int = 256
    algorithm: str = PASSPHRASE_ALGORITHM

    def to_json(self) -> dict[str, Any]:
        return {"algorithm": self.algorithm, "salt": self.salt,
                "iterations": self.iterations, "bits": self.bits}

    @classmethod
    def from_json(cls, content: Mapping[str, Any]) -> PassphraseInfo:
        salt, iterations = content.get("salt"), content.get("iterations")
        bits = content.get("bits", 256)
        algorithm = content.get("algorithm")
        if algorithm != PASSPHRASE_ALGORITHM:
            raise MalformedError(f"Unknown passphrase algorithm {algorithm!r}.")
        if (not isinstance(salt, str) or not isinstance(iterations, int)
                or not isinstance(bits, int) or isinstance(iterations, bool)
                or isinstance(bits, bool)):
            raise MalformedError("The passphrase needs a string salt and integer iterations.")
        if iterations < 1 or bits < 8 or bits % 8:
            raise MalformedError("The passphrase's iterations or bits are out of range.")
        return cls(salt=salt, iterations=iterations, bits=bits)


def derive_key_from_passphrase(passphrase: str, info: PassphraseInfo) -> bytes:
    """The key behind a passphrase: PBKDF2 with SHA-512, the salt as UTF-8, ``bits`` long."""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA512(), length=info.bits // 8,
                     salt=info.salt.encode("utf-8"), iterations=info.iterations)
    return kdf.derive(passphrase.encode("utf-8"))


@dataclass(frozen=True)
class KeyDescription:
    """Content of ``m.secret_storage.key.<key id>`` for this algorithm."""

    iv: str | None
    mac: str | None
    name: str | None = None
    algorithm: str = ALGORITHM
    passphrase: PassphraseInfo | None = None

    def to_json(self) -> dict[str, Any]:
        content: dict[str, Any] = {"algorithm": self.algorithm}
        if self.name is not None:
            content["name"] = self.name
        if self.iv is not None:
            content["iv"] = self.iv
        if self.mac is not None:
            content["mac"] = self.mac
        if self.passphrase is not None:
            content["passphrase"] = self.passphrase.to_json()
        return content

    @classmethod
    def from_json(cls, content: Mapping[str, Any]) -> KeyDescription:
        algorithm = content.get("algorithm")
        if algorithm != ALGORITHM:
            raise MalformedError(
                f"The secret-storage key uses {algorithm!r}; only {ALGORITHM} is supported."
            )
        iv, mac, name = content.get("iv"), content.get("mac"), content.get("name")
        for field, value in (("iv", iv), ("mac", mac), ("name", name)):
            if value is not None and not isinstance(value, str):
                raise MalformedError(f"The key description's {field} should be a string.")
        raw_passphrase = content.get("passphrase")
        if raw_passphrase is not None and not isinstance(raw_passphrase, Mapping):
            raise MalformedError("The key description's passphrase should be an object.")
        passphrase = None if raw_passphrase is None else PassphraseInfo.from_json(raw_passphrase)
        return cls(iv=iv, mac=mac, name=name, passphrase=passphrase)


@dataclass(frozen=True)
class EncryptedSecret:
    """One key's entry under ``encrypted`` in a secret's account data."""

    iv: str
    ciphertext: str
    mac: str

    def to_json(self) -> dict[str, str]:
        return {"iv": self.iv, "ciphertext": self.ciphertext, "mac": self.mac}

    @classmethod
    def from_json(cls, content: Mapping[str, Any]) -> EncryptedSecret:
        values = {field: content.get(field) for field in ("iv", "ciphertext", "mac")}
        missing = [field for field, value in values.items() if not isinstance(value, str)]
        if missing:
            raise MalformedError(f"The encrypted secret lacks {', '.join(missing)}.")
        return cls(iv=str(values["iv"]), ciphertext=str(values["ciphertext"]),
                   mac=str(values["mac"]))


@dataclass(frozen=True)
class _Keys:
    aes: bytes
    mac: bytes


def _derive(key: bytes, info: str) -> _Keys:
    if not isinstance(key, bytes | bytearray) or not key:
        raise SecretStorageError("A secret-storage key is a non-empty byte string.")
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=_ZERO_SALT,
               info=info.encode("utf-8")).derive(bytes(key))
    return _Keys(aes=okm[:32], mac=okm[32:])


def _new_iv() -> bytes:
    iv = bytearray(os.urandom(IV_LENGTH))
    iv[8] &= 0x7F  # bit 63 to 0: AES-CTR counters of every implementation agree
    return bytes(iv)


def _aes_ctr(keys: _Keys, iv: bytes, data: bytes) -> bytes:
    if len(iv) != IV_LENGTH:
        raise MalformedError(f"The iv is {len(iv)} bytes instead of {IV_LENGTH}.")
    cipher = Cipher(algorithms.AES(keys.aes), modes.CTR(iv)).encryptor()
    return cipher.update(data) + cipher.finalize()


def _mac(keys: _Keys, ciphertext: bytes) -> bytes:
    tag = hmac.HMAC(keys.mac, hashes.SHA256())
    tag.update(ciphertext)
    return tag.finalize()


def _verify_mac(keys: _Keys, ciphertext: bytes, mac: bytes) -> bool:
    tag = hmac.HMAC(keys.mac, hashes.SHA256())
    tag.update(ciphertext)
    try:
        tag.verify(mac)  # constant time
    except InvalidSignature:
        return False
    return True


def describe_key(key: bytes, *, name: str | None = None, iv: bytes | None = None,
                 passphrase: PassphraseInfo | None = None) -> KeyDescription:
    """The description to store as ``m.secret_storage.key.<id>``: ``iv`` and the MAC of 32 zero
    bytes encrypted under ``key`` with HKDF info "" (``iv`` is random unless given, for tests)."""
    keys = _derive(key, "")
    iv = _new_iv() if iv is None else iv
    mac = _mac(keys, _aes_ctr(keys, iv, _ZERO_MESSAGE))
    return KeyDescription(iv=encode_base64(iv), mac=encode_base64(mac), name=name,
                          passphrase=passphrase)


def check_key(key: bytes, description: KeyDescription) -> bool:
    """True when ``key`` is the one ``description`` was made with.

    A description without ``iv`` or ``mac`` accepts any key, as the spec requires; an ``iv``
    or ``mac`` that is not base64 of the right length raises :class:`MalformedError`.
    """
    if description.algorithm != ALGORITHM:
        raise MalformedError(f"Only {ALGORITHM} keys can be checked.")
    if not description.iv or not description.mac:
        return True
    iv = decode_base64(description.iv, field="key description's iv")
    mac = decode_base64(description.mac, field="key description's mac")
    if len(mac) != MAC_LENGTH:
        raise MalformedError(f"The key description's mac is {len(mac)} bytes, not {MAC_LENGTH}.")
    keys = _derive(key, "")
    return _verify_mac(keys, _aes_ctr(keys, iv, _ZERO_MESSAGE), mac)


# --------------------------------------------------------------------------- secrets


def encrypt_secret(key: bytes, name: str, secret: str, *,
                   iv: bytes | None = None) -> EncryptedSecret:
    """Encrypt one secret (a string, as the spec defines secrets) stored under type ``name``."""
    keys = _derive(key, name)
    iv = _new_iv() if iv is None else iv
    ciphertext = _aes_ctr(keys, iv, secret.encode("utf-8"))
    return EncryptedSecret(iv=encode_base64(iv), ciphertext=encode_base64(ciphertext),
                           mac=encode_base64(_mac(keys, ciphertext)))


def decrypt_secret(key: bytes, name: str, encrypted: EncryptedSecret) -> str:
    """The secret back; the MAC is checked before anything is decrypted.

    Raises :class:`WrongKeyError` for another key, another ``name`` or changed data, and
    :class:`MalformedError` for fields that are not base64 of the right size.
    """
    iv = decode_base64(encrypted.iv, field="secret's iv")
    ciphertext = decode_base64(encrypted.ciphertext, field="secret's ciphertext")
    mac = decode_base64(encrypted.mac, field="secret's mac")
    keys = _derive(key, name)
    if len(mac) != MAC_LENGTH or not _verify_mac(keys, ciphertext, mac):
        raise WrongKeyError(
            f"The secret {name} cannot be decrypted with this key: the recovery key is not the "
            "one it was stored with, or the stored data was changed."
        )
    plaintext = _aes_ctr(keys, iv, ciphertext)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError as exc:  # pragma: no cover - the MAC matched, so never in practice
        raise MalformedError(f"The secret {name} is not text.") from exc


def secret_account_data(key_id: str, encrypted: EncryptedSecret) -> dict[str, Any]:
    """Account-data content of a secret encrypted under one key: ``{"encrypted": {id: …}}``."""
    return {"encrypted": {key_id: encrypted.to_json()}}


def encrypted_for(content: Mapping[str, Any], key_id: str) -> EncryptedSecret:
    """The entry for ``key_id`` in a secret's account data, or :class:`WrongKeyError`."""
    entries = content.get("encrypted")
    if not isinstance(entries, Mapping):
        raise MalformedError("The secret's account data has no 'encrypted' object.")
    entry = entries.get(key_id)
    if entry is None:
        raise WrongKeyError(f"The secret is not encrypted for the key {key_id}.")
    if not isinstance(entry, Mapping):
        raise MalformedError(f"The secret's entry for the key {key_id} is not an object.")
    return EncryptedSecret.from_json(entry)

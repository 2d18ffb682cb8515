"""Secret storage and the recovery key (bot/matrix/secret_storage.py), pure, no homeserver.

Known vectors come from three independent implementations (public test suites, values only):
- mautrix-go, crypto/ssss/meta_test.go and key_test.go: a recovery key, its key description
  (iv, mac, PBKDF2 passphrase) and the `m.cross_signing.master` secret encrypted under it,
  with the decrypted 32 bytes;
- matrix-rust-sdk, crates/matrix-sdk-crypto/src/secret_storage.rs tests: base58 parsing with
  stray whitespace, a description checked against a recovery key, a 10-iteration passphrase;
- matrix-js-sdk, spec/test-utils/crypto-test-data (generate-test-data.py): two raw keys and
  their recovery keys.
"""

from __future__ import annotations

import base64
import random
from dataclasses import FrozenInstanceError, replace

import pytest

from bot.matrix import secret_storage as ss
from bot.matrix.secret_storage import (
    ALGORITHM,
    BASE58_ALPHABET,
    EncryptedSecret,
    KeyDescription,
    MalformedError,
    PassphraseInfo,
    RecoveryKeyError,
    SecretStorageError,
    WrongKeyError,
    check_key,
    decode_recovery_key,
    decrypt_secret,
    describe_key,
    encode_recovery_key,
    encrypt_secret,
    encrypted_for,
    generate_key,
)

# --- mautrix-go crypto/ssss (meta_test.go, key_test.go)
MAUTRIX_KEY_ID = "gEJqbfSEMnP5JXXcukpXEX1l0aI3MDs0"
MAUTRIX_RECOVERY_KEY = "EsTE s92N EtaX s2h6 VQYF 9Kao tHYL mkyL GKMh isZb KJ4E tvoC"
MAUTRIX_PASSPHRASE = "correct horse battery staple"
MAUTRIX_DESCRIPTION = {
    "algorithm": "m.secret_storage.v1.aes-hmac-sha2",
    "passphrase": {"algorithm": "m.pbkdf2", "iterations": 500000,
                   "salt": "y863BOoqOadgDp8S3FtHXikDJEalsQ7d"},
    "iv": "xxkTK0L4UzxgAFkQ6XPwsw",
    "mac": "MEhooO0ZhFJNxUhvRMSxBnJfL20wkLgle3ocY0ee/eA",
}
MAUTRIX_OTHER_RECOVERY_KEY = "EsUC xSxt XJgQ dz19 8WBZ rHdE GZo7 ybsn EFmG Y5HY MDAG GNWe"
MAUTRIX_MASTER_ACCOUNT_DATA = {
    "encrypted": {
        MAUTRIX_KEY_ID: {
            "iv": "BpKP9nQJTE9jrsAssoxPqQ==",
            "ciphertext": "fNRiiiidezjerTgV+G6pUtmeF3izzj5re/mVvY0hO2kM6kYGrxLuIu2ej80=",
            "mac": "/gWGDGMyOLmbJp+aoSLh5JxCs0AdS6nAhjzpe+9G2Q0=",
        }
    }
}
MAUTRIX_MASTER_SEED = bytes.fromhex(
    "68f97fd1922eecf6b82bb890d24d0652984e7a1d703b9e867b7ebaf7feb95b6f"
)


def test_mautrix_vector_key_check_and_master_key() -> None:
    key = decode_recovery_key(MAUTRIX_RECOVERY_KEY)
    description = KeyDescription.from_json(MAUTRIX_DESCRIPTION)
    assert check_key(key, description)
    assert encode_recovery_key(key) == MAUTRIX_RECOVERY_KEY
    secret = decrypt_secret(key, "m.cross_signing.master",
                            encrypted_for(MAUTRIX_MASTER_ACCOUNT_DATA, MAUTRIX_KEY_ID))
    assert base64.b64decode(secret) == MAUTRIX_MASTER_SEED


def test_mautrix_vector_refuses_other_key_and_other_secret_name() -> None:
    key = decode_recovery_key(MAUTRIX_RECOVERY_KEY)
    other = decode_recovery_key(MAUTRIX_OTHER_RECOVERY_KEY)
    description = KeyDescription.from_json(MAUTRIX_DESCRIPTION)
    encrypted = encrypted_for(MAUTRIX_MASTER_ACCOUNT_DATA, MAUTRIX_KEY_ID)
    assert not check_key(other, description)
    with pytest.raises(WrongKeyError):
        decrypt_secret(other, "m.cross_signing.master", encrypted)
    with pytest.raises(WrongKeyError):  # HKDF info is the name: self-signing ≠ master
        decrypt_secret(key, "m.cross_signing.self_signing", encrypted)
    with pytest.raises(WrongKeyError):
        encrypted_for(MAUTRIX_MASTER_ACCOUNT_DATA, "another-key-id")


def test_mautrix_vector_passphrase() -> None:
    description = KeyDescription.from_json(MAUTRIX_DESCRIPTION)
    assert description.passphrase is not None
    derived = ss.derive_key_from_passphrase(MAUTRIX_PASSPHRASE, description.passphrase)
    assert derived == decode_recovery_key(MAUTRIX_RECOVERY_KEY)
    wrong = ss.derive_key_from_passphrase("incorrect horse battery staple",
                                          description.passphrase)
    assert not check_key(wrong, description)


def test_rust_sdk_vectors() -> None:
    # base58_parsing: whitespace anywhere does not matter
    parsed = decode_recovery_key(
        "EsT           pRvZTnjck8    YrhRAtw XLS84Nr2r9S9LGAWDaExVAPBvLRK   "
    )
    assert list(parsed) == [
        159, 189, 70, 187, 52, 81, 113, 198, 246, 2, 44, 154, 37, 213, 104, 27, 165, 78, 236,
        106, 108, 73, 83, 243, 173, 192, 185, 110, 157, 145, 173, 163,
    ]
    with pytest.raises(RecoveryKeyError, match="check byte"):  # last letter's case changed
        decode_recovery_key("EsTpRvZTnjck8YrhRAtwXLS84Nr2r9S9LGAWDaExVAPBvLRk")
    with pytest.raises(RecoveryKeyError, match="prefix"):
        decode_recovery_key("AATpRvZTnjck8YrhRAtwXLS84Nr2r9S9LGAWDaExVAPBvLRk")
    with pytest.raises(RecoveryKeyError, match="bytes instead of 35"):
        decode_recovery_key("AATpRvZTnjck8YrhRAtwXLS84Nr2r9S9")
    with pytest.raises(RecoveryKeyError, match="not a base58 character"):
        decode_recovery_key("AATpRvZTnjck8YrhRAtwXLS84Nr0OIl")
    # from_account_data_and_base58 (padded base64 in the description)
    key = decode_recovery_key("EsTj 3yST y93F SLpB jJsz eAXc 2XzA ygD3 w69H fGaN TKBj jXEd")
    assert check_key(key, KeyDescription.from_json({
        "algorithm": ALGORITHM,
        "iv": "xv5b6/p3ExEw++wTyfSHEg==",
        "mac": "ujBBbXahnTAMkmPUX2/0+VTfUh63pGyVRuBcDMgmJC8=",
    }))
    # from_account_data_and_passphrase
    description = KeyDescription.from_json({
        "algorithm": ALGORITHM,
        "iv": "gH2iNpiETFhApvW6/FFEJQ",
        "mac": "9Lw12m5SKDipNghdQXKjgpfdj1/K7HFI2brO+UWAGoM",
        "passphrase": {"algorithm": "m.pbkdf2", "salt": "IuLnH7S85YtZmkkBJKwNUKxWF42g9O1H",
                       "iterations": 10},
    })
    assert description.passphrase is not None
    assert check_key(ss.derive_key_from_passphrase("It's a secret to everybody",
                                                   description.passphrase), description)


def test_js_sdk_recovery_key_vectors() -> None:
    for raw, recovery in (
        ("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
         "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d"),
        ("DwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
         "EsT5 Sd5m mEXs NQYE ibRe 3q9E 4aXW rHih 5f9J 6rU6 AfwY mASR"),
    ):
        key = base64.b64decode(raw)
        assert encode_recovery_key(key) == recovery
        assert decode_recovery_key(recovery) == key
    # recovery-key.spec.ts: the key 0..31 starts with "EsSz"
    assert encode_recovery_key(bytes(range(32))).startswith("EsSz ")


# --------------------------------------------------------------------------- round trips


def test_recovery_key_round_trip_and_format() -> None:
    for _ in range(50):
        key = generate_key()
        assert len(key) == 32
        text = encode_recovery_key(key)
        groups = text.split(" ")
        assert all(len(g) == 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4
        assert set(text.replace(" ", "")) <= set(BASE58_ALPHABET)
        assert len(text.replace(" ", "")) == 48  # 35 bytes always give 48 base58 characters
        assert text.startswith("Es")  # what the 0x8B 0x01 prefix looks like
        raw = ss._b58decode(text.replace(" ", ""))
        assert raw[:2] == b"\x8b\x01" and raw[2:34] == key
        parity = 0
        for byte in raw[:34]:
            parity ^= byte
        assert raw[34] == parity
        assert decode_recovery_key(text) == key
        assert decode_recovery_key(text.replace(" ", "")) == key
        assert decode_recovery_key(f"  {text.replace(' ', chr(10))}\t ") == key


def test_recovery_key_refuses_what_is_not_one() -> None:
    key = bytes(range(32))
    text = encode_recovery_key(key).replace(" ", "")
    with pytest.raises(RecoveryKeyError, match="empty"):
        decode_recovery_key("   ")
    for shorter_or_longer in (text[:-1], text[1:], text + "z", "E" + text):
        with pytest.raises(RecoveryKeyError, match="missing or extra"):
            decode_recovery_key(shorter_or_longer)  # a wrong length or, mostly, a wrong prefix
    with pytest.raises(RecoveryKeyError, match="bytes instead of 35"):
        decode_recovery_key(text[:-3])
    with pytest.raises(RecoveryKeyError, match="'0'"):
        decode_recovery_key(text[:10] + "0" + text[11:])
    other_prefix = ss._b58encode(b"\x8b\x02" + key + bytes([0x8B ^ 0x02 ^ _xor(key)]))
    with pytest.raises(RecoveryKeyError, match="prefix"):
        decode_recovery_key(other_prefix)
    bad_parity = ss._b58encode(b"\x8b\x01" + key + bytes([0x8B ^ 0x01 ^ _xor(key) ^ 1]))
    with pytest.raises(RecoveryKeyError, match="check byte"):
        decode_recovery_key(bad_parity)
    assert issubclass(RecoveryKeyError, SecretStorageError)
    assert issubclass(SecretStorageError, ValueError)
    with pytest.raises(SecretStorageError):
        encode_recovery_key(b"short")


def test_recovery_key_error_never_repeats_the_key() -> None:
    text = encode_recovery_key(generate_key()).replace(" ", "")
    with pytest.raises(RecoveryKeyError) as caught:
        decode_recovery_key(text[:-2] + ("a" if text[-2] != "a" else "b") + text[-1])
    assert text[:8] not in str(caught.value)


def test_typos_are_caught_by_parity_or_by_the_key_check() -> None:
    """Every single-character substitution and adjacent swap of a recovery key is refused:
    the parity byte catches about 255 in 256 of them, the key description's MAC the rest."""
    rng = random.Random(12)
    substitutions = caught_by_parity = swaps = 0
    for _ in range(4):
        key = bytes(rng.randrange(256) for _ in range(32))
        description = describe_key(key)
        text = encode_recovery_key(key).replace(" ", "")
        typos = [text[:i] + c + text[i + 1:] for i in range(len(text))
                 for c in BASE58_ALPHABET if c != text[i]]
        substitutions += len(typos)
        swapped = [text[:i] + text[i + 1] + text[i] + text[i + 2:]
                   for i in range(len(text) - 1) if text[i] != text[i + 1]]
        swaps += len(swapped)
        for typo in typos + swapped:
            try:
                decoded = decode_recovery_key(typo)
            except RecoveryKeyError:
                caught_by_parity += 1
                continue
            assert decoded != key
            assert not check_key(decoded, description)
    assert caught_by_parity / (substitutions + swaps) > 0.99


def test_key_description_round_trip() -> None:
    key = generate_key()
    description = describe_key(key, name="Relais")
    content = description.to_json()
    assert content["algorithm"] == ALGORITHM and content["name"] == "Relais"
    assert "=" not in content["iv"] and "=" not in content["mac"]  # unpadded base64
    iv = base64.b64decode(content["iv"] + "==")
    assert len(iv) == 16 and iv[8] & 0x80 == 0  # bit 63 cleared
    assert len(base64.b64decode(content["mac"] + "=")) == 32
    again = KeyDescription.from_json(content)
    assert again == description
    assert check_key(key, again)
    assert not check_key(generate_key(), again)
    assert ss.key_event_type("abc") == "m.secret_storage.key.abc"
    assert ss.default_key_content("abc") == {"key": "abc"}
    assert len(ss.new_key_id()) == 32 and ss.new_key_id() != ss.new_key_id()


def test_key_description_mac_is_that_of_32_zero_bytes() -> None:
    """Recomputed here with cryptography directly, step by step as the spec lists them."""
    from cryptography.hazmat.primitives import hashes, hmac
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = bytes(range(32))
    iv = bytes(16)
    description = describe_key(key, iv=iv)
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=bytes(32), info=b"").derive(key)
    enc = Cipher(algorithms.AES(okm[:32]), modes.CTR(iv)).encryptor()
    ciphertext = enc.update(bytes(32)) + enc.finalize()
    tag = hmac.HMAC(okm[32:], hashes.SHA256())
    tag.update(ciphertext)
    assert description.iv == "AAAAAAAAAAAAAAAAAAAAAA"
    assert base64.b64decode(description.mac + "=") == tag.finalize()


def test_description_without_iv_or_mac_accepts_any_key() -> None:
    assert check_key(generate_key(), KeyDescription.from_json({"algorithm": ALGORITHM}))
    assert check_key(generate_key(),
                     KeyDescription.from_json({"algorithm": ALGORITHM, "iv": "AAAA", "mac": ""}))


def test_key_description_malformed() -> None:
    with pytest.raises(MalformedError, match=r"only m\.secret_storage"):
        KeyDescription.from_json({"algorithm": "m.secret_storage.custom"})
    with pytest.raises(MalformedError):
        KeyDescription.from_json({"algorithm": ALGORITHM, "iv": 3})
    with pytest.raises(MalformedError):
        KeyDescription.from_json({"algorithm": ALGORITHM,
                                  "passphrase": {"algorithm": "m.other", "salt": "x",
                                                 "iterations": 1}})
    with pytest.raises(MalformedError):
        PassphraseInfo.from_json({"algorithm": "m.pbkdf2", "salt": "x", "iterations": True})
    key = bytes(32)
    short_iv = KeyDescription(iv=ss.encode_base64(bytes(14)), mac=ss.encode_base64(bytes(32)))
    with pytest.raises(MalformedError, match="iv"):
        check_key(key, short_iv)
    short_mac = KeyDescription(iv=ss.encode_base64(bytes(16)), mac=ss.encode_base64(bytes(10)))
    with pytest.raises(MalformedError, match="mac"):
        check_key(key, short_mac)
    with pytest.raises(MalformedError, match="base64"):
        check_key(key, KeyDescription(iv="not base64!", mac="AAAA"))


def test_secret_round_trip() -> None:
    key = generate_key()
    for name, secret in (
        ("m.cross_signing.master", ss.encode_base64(generate_key())),
        ("m.cross_signing.self_signing", ""),
        ("org.example.text", "é ✓ العربية " * 40),
    ):
        encrypted = encrypt_secret(key, name, secret)
        assert len(base64.b64decode(encrypted.iv + "==")) == 16
        assert base64.b64decode(encrypted.iv + "==")[8] & 0x80 == 0
        assert not any("=" in v for v in encrypted.to_json().values())
        content = ss.secret_account_data("kid", encrypted)
        assert content == {"encrypted": {"kid": encrypted.to_json()}}
        assert decrypt_secret(key, name, encrypted_for(content, "kid")) == secret
    first = encrypt_secret(key, "m.cross_signing.master", "same")
    second = encrypt_secret(key, "m.cross_signing.master", "same")
    assert first.iv != second.iv and first.ciphertext != second.ciphertext


def test_padded_base64_is_accepted() -> None:
    key = generate_key()
    encrypted = encrypt_secret(key, "n", "a secret of some length")
    padded = EncryptedSecret(*(v + "=" * (-len(v) % 4) for v in
                               (encrypted.iv, encrypted.ciphertext, encrypted.mac)))
    assert decrypt_secret(key, "n", padded) == "a secret of some length"


def test_wrong_key_refused() -> None:
    key = generate_key()
    encrypted = encrypt_secret(key, "m.cross_signing.master", "seed")
    with pytest.raises(WrongKeyError, match="recovery key is not the one"):
        decrypt_secret(generate_key(), "m.cross_signing.master", encrypted)


def test_tampered_secret_refused() -> None:
    key = generate_key()
    encrypted = encrypt_secret(key, "m.cross_signing.master", "seed seed seed")
    mac = bytearray(base64.b64decode(encrypted.mac + "="))
    mac[0] ^= 1
    with pytest.raises(WrongKeyError):
        decrypt_secret(key, "m.cross_signing.master",
                       replace(encrypted, mac=ss.encode_base64(bytes(mac))))
    with pytest.raises(WrongKeyError):
        decrypt_secret(key, "m.cross_signing.master", replace(encrypted, mac=encrypted.mac[:20]))
    ciphertext = bytearray(base64.b64decode(encrypted.ciphertext + "=="))
    ciphertext[-1] ^= 0x80
    with pytest.raises(WrongKeyError):
        decrypt_secret(key, "m.cross_signing.master",
                       replace(encrypted, ciphertext=ss.encode_base64(bytes(ciphertext))))
    with pytest.raises(MalformedError):
        decrypt_secret(key, "m.cross_signing.master", replace(encrypted, iv="%%%"))
    with pytest.raises(MalformedError, match="lacks mac"):
        EncryptedSecret.from_json({"iv": "AAAA", "ciphertext": "AAAA"})


def test_values_are_frozen() -> None:
    description = describe_key(generate_key())
    with pytest.raises(FrozenInstanceError):
        description.mac = "x"  # type: ignore[misc]


def _xor(data: bytes) -> int:
    out = 0
    for byte in data:
        out ^= byte
    return out

"""The recovery key and the token's device in the config, and the start-up sentences (pure)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.app import _explain_start
from bot.config import ConfigError, parse
from bot.matrix import secret_storage as ss
from bot.matrix.errors import (
    AccessTokenRefused,
    IdentityFailure,
    StoreOfAnotherAccount,
    TokenRejected,
)
from bot.matrix.recovery import RecoverySettings


def _data(tmp_path: Path, **matrix: Any) -> dict[str, Any]:
    return {
        "matrix": {"homeserver": "http://127.0.0.1:9", "user_id": "@relais:test",
                   "password": "secret", "store_path": str(tmp_path / "store"), **matrix},
        "mediators": {"room": "!mediators:test"},
        "dialogues": {"path": str(tmp_path)},
        "storage": {"database": str(tmp_path / "db.sqlite3")},
    }


def test_the_key_file_defaults_beside_the_store_and_a_key_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELAIS_RECOVERY_KEY", raising=False)
    config = parse(_data(tmp_path), tmp_path).matrix
    assert config.recovery_key is None
    assert config.recovery_key_file == tmp_path / "store-recovery-key.txt"
    assert config.recovery_key_file.parent == config.store_path.parent  # not inside the store

    key = ss.encode_recovery_key(ss.generate_key())
    config = parse(_data(tmp_path, recovery_key=key, recovery_key_file="keys/r.txt"),
                   tmp_path).matrix
    assert config.recovery_key == key and config.recovery_key_file == tmp_path / "keys/r.txt"

    from_env = ss.encode_recovery_key(ss.generate_key())
    monkeypatch.setenv("RELAIS_RECOVERY_KEY", from_env)
    assert parse(_data(tmp_path, recovery_key=key), tmp_path).matrix.recovery_key == from_env


def test_a_mistyped_recovery_key_is_named_before_any_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELAIS_RECOVERY_KEY", raising=False)
    key = ss.encode_recovery_key(ss.generate_key())
    typo = key[:-1] + ("2" if key[-1] != "2" else "3")
    with pytest.raises(ConfigError) as err:
        parse(_data(tmp_path, recovery_key=typo), tmp_path)
    sentence = str(err.value)
    assert "'matrix.recovery_key'" in sentence and typo not in sentence
    assert sentence.count(". ") == 0 and sentence.endswith(".")

    monkeypatch.setenv("RELAIS_RECOVERY_KEY", "not a key at all 0OIl")
    with pytest.raises(ConfigError, match="RELAIS_RECOVERY_KEY"):
        parse(_data(tmp_path), tmp_path)


def test_device_id_goes_with_a_token(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'matrix\.device_id' goes with 'matrix\.access_token'"):
        parse(_data(tmp_path, device_id="RELAISBOT"), tmp_path)
    config = parse(_data(tmp_path, password=None, access_token="syt_x", device_id="RELAISBOT"),
                   tmp_path).matrix
    assert config.device_id == "RELAISBOT" and config.access_token == "syt_x"


def test_the_key_file_is_read_and_a_broken_one_named(tmp_path: Path) -> None:
    key = ss.generate_key()
    path = tmp_path / "key.txt"
    settings = RecoverySettings(None, path)
    assert settings.given() is None  # first start: nothing there yet
    path.write_text("  " + ss.encode_recovery_key(key) + "\n", encoding="utf-8")
    assert settings.given() == (key, "matrix.recovery_key_file")
    path.write_text("EsT not a key", encoding="utf-8")
    with pytest.raises(IdentityFailure) as err:
        settings.given()
    assert (err.value.problem, err.value.setting) == ("unreadable-key", "matrix.recovery_key_file")
    typed = ss.encode_recovery_key(key)
    assert RecoverySettings(typed, path).given() == (key, "matrix.recovery_key")  # config first


@pytest.mark.parametrize(("error", "words"), [
    (AccessTokenRefused("expired"), ["'matrix.access_token'", "mas-cli manage "
                                     "issue-compatibility-token"]),
    (TokenRejected("account"), ["another account", "'matrix.user_id'"]),
    (TokenRejected("device"), ["another device", "'matrix.device_id'"]),
    (TokenRejected("no-device"), ["has no device", "'matrix.device_id'"]),
    (StoreOfAnotherAccount("x"), ["'matrix.store_path'", "another account"]),
    (IdentityFailure("needs-key"), ["'matrix.recovery_key'", "RELAIS_RECOVERY_KEY",
                                    "docs/deploy.md"]),
    (IdentityFailure("wrong-key", "matrix.recovery_key_file"), ["'matrix.recovery_key_file'",
                                                                "does not open"]),
    (IdentityFailure("unreadable-key"), ["'matrix.recovery_key'", "cannot be read"]),
    (IdentityFailure("not-stored"), ["not in its secret storage", "'matrix.store_path'"]),
    (IdentityFailure("mismatch"), ["other keys", "'matrix.store_path'"]),
])
def test_each_failure_is_one_sentence_saying_what_to_do(
    tmp_path: Path, error: Exception, words: list[str]
) -> None:
    sentence = _explain_start(parse(_data(tmp_path), tmp_path), error)
    assert "\n" not in sentence and sentence.endswith(".")
    assert not sentence.startswith("Relais could not connect")  # a sentence of its own
    for word in words:
        assert word in sentence, sentence

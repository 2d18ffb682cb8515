"""Start-up failures become one sentence naming the setting, chosen by the error's type."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import ClientConnectionError

from bot.app import _explain_start
from bot.config import parse
from bot.matrix.errors import AccessTokenRefused, LoginRefused, MediatorsRoomUnavailable
from bot.matrix.http import MatrixHTTPError


@pytest.fixture
def config(tmp_path: Path) -> object:
    return parse({
        "matrix": {"homeserver": "http://127.0.0.1:9", "user_id": "@relais:test",
                   "password": "secret", "store_path": str(tmp_path / "store")},
        "mediators": {"room": "!mediators:test"},
        "dialogues": {"path": str(tmp_path)},
        "storage": {"database": str(tmp_path / "db.sqlite3")},
    }, tmp_path)


@pytest.mark.parametrize(("error", "key"), [
    (LoginRefused("login failed: M_FORBIDDEN", "M_FORBIDDEN"), "matrix.password"),
    (LoginRefused("the saved access token was revoked and no password is set"),
     "matrix.password"),
    (AccessTokenRefused("the configured access token is not valid"), "matrix.access_token"),
    (MatrixHTTPError(401, {"errcode": "M_UNKNOWN_TOKEN"}), "matrix.access_token"),
    (MatrixHTTPError(403, {"errcode": "M_FORBIDDEN"}), "matrix.password"),
    (ClientConnectionError("boom"), "matrix.homeserver"),
    (TimeoutError(), "matrix.homeserver"),
    (MediatorsRoomUnavailable("the mediators' room alias does not resolve"), "mediators.room"),
])
def test_each_failure_names_its_setting(config: object, error: Exception, key: str) -> None:
    sentence = _explain_start(config, error)  # type: ignore[arg-type]
    assert key in sentence and "\n" not in sentence


def test_a_local_file_error_is_not_blamed_on_the_homeserver(config: object) -> None:
    sentence = _explain_start(config, PermissionError(13, "Permission denied"))  # type: ignore[arg-type]
    assert "cannot be reached" not in sentence
    assert sentence.startswith("Relais could not connect to Matrix")

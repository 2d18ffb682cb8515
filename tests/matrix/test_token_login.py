"""Token login, as on a homeserver behind the Matrix Authentication Service, on a real Synapse.

MAS gives a bot a compatibility token for a device the admin names (`mas-cli manage
issue-compatibility-token USER DEVICE`); the nearest Synapse equivalent is a login that names
its device id, done here by hand. Synapse's admin API ("login as") gives tokens without a
device, and with `valid_until_ms` tokens that expire: both must stop the bot with one
sentence saying what to do.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from bot.app import App, StartupError
from bot.config import parse
from bot.matrix import advice
from tests.support.app import config_dict, open_dm, say
from tests.support.matrix import PASSWORD

pytestmark = pytest.mark.matrix


async def _post(base: str, path: str, body: dict[str, Any], token: str | None = None
                ) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as http, http.post(
        base + path, json=body, headers=headers
    ) as resp:
        payload: dict[str, Any] = await resp.json()
        assert resp.status == 200, payload
        return payload


async def _get(base: str, path: str, token: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(
        base + path, headers={"Authorization": f"Bearer {token}"}
    ) as resp:
        return resp.status, await resp.json()


async def device_token(base: str, user_id: str, device_id: str) -> str:
    """A token bound to `device_id`, as a MAS compatibility token is."""
    payload = await _post(base, "/_matrix/client/v3/login", {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": user_id},
        "password": PASSWORD,
        "device_id": device_id,
        "initial_device_display_name": "Relais (token)",
    })
    assert payload["device_id"] == device_id
    return str(payload["access_token"])


def token_config(tmp_path: Path, synapse: Any, bot: Any, token: str,
                 device_id: str | None) -> dict[str, Any]:
    matrix: dict[str, Any] = {"password": None, "access_token": token}
    if device_id is not None:
        matrix["device_id"] = device_id
    return config_dict(tmp_path, synapse, bot.user_id, bot.mediators_room, matrix=matrix)


async def refused(data: dict[str, Any], base: Path) -> str:
    with pytest.raises(StartupError) as err:
        await App.create(parse(data, base))
    sentence = str(err.value)
    assert "\n" not in sentence and "Traceback" not in sentence, sentence
    return sentence


async def test_the_bot_runs_on_the_device_of_its_token(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    token = await device_token(synapse.base_url, bot_account.user_id, "RELAISMAS")
    app = await run_app(token_config(tmp_path, synapse, bot_account, token, "RELAISMAS"),
                        tmp_path)
    assert app.transport.device_id == "RELAISMAS"
    assert app.transport.cross_signed

    person = await make_person("masperson")
    room = await open_dm(person, bot_account.user_id)
    reply = await say(person, room, bot_account.user_id, "bonjour")
    assert reply.decrypted and "Je suis un robot" in reply.body
    sender_device = person.client.device_store[bot_account.user_id].get("RELAISMAS")
    assert sender_device is not None  # the person's client knows the bot by that device

    status, devices = await _get(synapse.base_url, "/_matrix/client/v3/devices", token)
    assert status == 200
    assert [d["device_id"] for d in devices["devices"]] == ["RELAISMAS"]  # no device of its own

    await app.stop()
    status, who = await _get(synapse.base_url, "/_matrix/client/v3/account/whoami", token)
    assert status == 200 and who["device_id"] == "RELAISMAS"  # never logged out


async def test_tokens_that_cannot_serve_stop_with_one_sentence(
    synapse: Any, bot_account: Any, register_user: Any, tmp_path: Path
) -> None:
    base = synapse.base_url
    bot = bot_account.user_id

    # not a token at all
    sentence = await refused(token_config(tmp_path, synapse, bot_account, "syt_nope", None),
                             tmp_path)
    assert sentence == advice.TOKEN_REFUSED
    assert "mas-cli manage issue-compatibility-token" in sentence
    assert "matrix.access_token" in sentence

    # the admin API's "login as": no device, then expired
    admin = register_user("admin", admin=True)
    admin_token = (await _post(base, "/_matrix/client/v3/login", {
        "type": "m.login.password", "identifier": {"type": "m.id.user", "user": admin},
        "password": PASSWORD}))["access_token"]
    login_as = f"/_synapse/admin/v1/users/{quote(bot, safe='')}/login"
    puppet = (await _post(base, login_as, {}, admin_token))["access_token"]
    sentence = await refused(token_config(tmp_path, synapse, bot_account, puppet, None),
                             tmp_path)
    assert "has no device" in sentence and "matrix.device_id" in sentence, sentence

    soon = int(time.time() * 1000) + 1500
    short = (await _post(base, login_as, {"valid_until_ms": soon}, admin_token))["access_token"]
    await asyncio.sleep(2.5)
    sentence = await refused(token_config(tmp_path, synapse, bot_account, short, None),
                             tmp_path)
    assert sentence == advice.TOKEN_REFUSED  # expired: how to get a new one

    # another account's token, and a token of another device than the configured one
    person = register_user("notthebot")
    theirs = await device_token(base, person, "PERSONDEV")
    sentence = await refused(token_config(tmp_path, synapse, bot_account, theirs, None),
                             tmp_path)
    assert "another account" in sentence and "matrix.user_id" in sentence, sentence

    mine = await device_token(base, bot, "RELAISONE")
    sentence = await refused(token_config(tmp_path, synapse, bot_account, mine, "RELAISTWO"),
                             tmp_path)
    assert "another device" in sentence and "matrix.device_id" in sentence, sentence

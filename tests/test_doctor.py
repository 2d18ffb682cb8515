"""``python -m bot doctor`` on the real Synapse of the test suite: it passes on a deployment
that runs, and names the fault on broken ones, one line each, with a non-zero exit."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from nio import RoomCreateResponse

from bot.matrix import advice
from tests.support.app import config_dict, write_config
from tests.support.matrix import PASSWORD, REPO, Person, preset

pytestmark = pytest.mark.matrix

CHECKS = ("config keys", "dialogues valid", "catalogs compiled", "database writable and migrated",
          "homeserver reachable", "login valid", "device keys uploaded and cross-signed",
          "recovery key present and matching", "mediators' room joined",
          "mediators' room encrypted", "power level to edit and redact its messages")


async def doctor(config: Path) -> tuple[int, dict[str, str], str]:
    """(exit code, line per check name, the whole output), without blocking the loop."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "doctor", "--config", str(config), cwd=REPO,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=180)
    text = out.decode() + err.decode()
    assert "Traceback" not in text, text
    lines: dict[str, str] = {}
    for line in out.decode().splitlines():
        assert line[:2] in ("✓ ", "✗ "), line
        name = next((c for c in CHECKS if line[2:].startswith(c)), line[2:])
        lines[name] = line
    assert proc.returncode is not None
    return proc.returncode, lines, text


async def _devices(base: str, token: str) -> set[str]:
    async with aiohttp.ClientSession() as http, http.get(
        f"{base}/_matrix/client/v3/devices", headers={"Authorization": f"Bearer {token}"}
    ) as resp:
        body = await resp.json()
    return {d["device_id"] for d in body["devices"]}


async def _login(base: str, user: str) -> str:
    async with aiohttp.ClientSession() as http, http.post(
        f"{base}/_matrix/client/v3/login",
        json={"type": "m.login.password", "identifier": {"type": "m.id.user", "user": user},
              "password": PASSWORD, "initial_device_display_name": "test"},
    ) as resp:
        body = await resp.json()
    return str(body["access_token"])


@pytest.fixture
async def deployment(synapse: Any, bot_account: Any, run_app: Any,
                     tmp_path: Path) -> tuple[dict[str, Any], Person, Any]:
    """The test deployment: an encrypted mediators' room, the bot started once and running."""
    mediator: Person = bot_account.mediator
    room = await mediator.create_dm(bot_account.user_id, encrypted=True, direct=False)
    data = config_dict(tmp_path, synapse, bot_account.user_id, room)
    app = await run_app(data, tmp_path)
    assert app.transport.ready.is_set()
    await mediator.wait_joined(room, bot_account.user_id, timeout=60)
    return data, mediator, app


async def test_doctor_passes_on_the_test_deployment(
    deployment: tuple[dict[str, Any], Person, Any], tmp_path: Path, synapse: Any
) -> None:
    data, _, _ = deployment
    code, lines, text = await doctor(write_config(tmp_path / "good.yaml", data))
    assert code == 0, text
    assert set(lines) == set(CHECKS), text
    assert all(line.startswith("✓ ") for line in lines.values()), text
    assert "saved device" in lines["login valid"]
    assert "opens the account's secret storage" in lines["recovery key present and matching"]
    assert "m.megolm.v1.aes-sha2" in lines["mediators' room encrypted"]


async def test_doctor_names_a_wrong_password_and_an_invalid_token(
    deployment: tuple[dict[str, Any], Person, Any], tmp_path: Path, synapse: Any
) -> None:
    data, _, _ = deployment
    fresh = {**data["matrix"], "store_path": str(tmp_path / "empty-store"),
             "recovery_key_file": str(tmp_path / "none.txt")}
    wrong = write_config(tmp_path / "wrong.yaml", {**data, "matrix": {**fresh,
                                                                       "password": "not it"}})
    code, lines, text = await doctor(wrong)
    assert code == 1, text
    assert lines["login valid"].startswith("✗ login valid: The homeserver refused the login")
    assert "'matrix.password'" in lines["login valid"]
    assert lines["homeserver reachable"].startswith("✓"), text

    token = write_config(tmp_path / "token.yaml", {**data, "matrix": {
        **{k: v for k, v in fresh.items() if k != "password"}, "access_token": "syt_not_a_token"}})
    code, lines, text = await doctor(token)
    assert code == 1, text
    assert lines["login valid"] == f"✗ login valid: {advice.TOKEN_REFUSED}"


async def test_doctor_never_leaves_a_device_behind(
    deployment: tuple[dict[str, Any], Person, Any], tmp_path: Path, synapse: Any
) -> None:
    """With nothing saved it logs in with the password on a device of its own, then logs that
    device out; the bot's own device is untouched."""
    data, _, _ = deployment
    watcher = await _login(synapse.base_url, data["matrix"]["user_id"])
    before = await _devices(synapse.base_url, watcher)
    fresh = {**data["matrix"], "store_path": str(tmp_path / "empty-store")}
    code, lines, text = await doctor(write_config(tmp_path / "fresh.yaml",
                                                  {**data, "matrix": fresh}))
    assert "password accepted" in lines["login valid"], text
    # nothing saved here, but the account has an identity and no key is given: named
    assert lines["recovery key present and matching"].startswith("✗"), text
    assert "'matrix.recovery_key'" in lines["recovery key present and matching"]
    assert code == 1
    assert await _devices(synapse.base_url, watcher) == before

    # and the deployment's own saved device still works
    code, lines, text = await doctor(write_config(tmp_path / "again.yaml", data))
    assert code == 0, text


async def _join_as_the_bot(base: str, data: dict[str, Any], room: str) -> None:
    creds = json.loads((Path(data["matrix"]["store_path"]) / "credentials.json").read_text())
    async with aiohttp.ClientSession() as http, http.post(
        f"{base}/_matrix/client/v3/rooms/{quote(room, safe='')}/join", json={},
        headers={"Authorization": f"Bearer {creds['access_token']}"},
    ) as resp:
        assert resp.status == 200, await resp.text()


async def test_doctor_names_a_room_not_encrypted_not_joined_or_without_power(
    deployment: tuple[dict[str, Any], Person, Any], tmp_path: Path, synapse: Any
) -> None:
    data, mediator, app = deployment
    await app.stop()  # the running bot would decline these invites (they are not DMs)
    bot = data["matrix"]["user_id"]

    def config(name: str, room: str) -> Path:
        return write_config(tmp_path / f"{name}.yaml",
                            {**data, "mediators": {**data["mediators"], "room": room}})

    plain = await mediator.create_dm(bot, encrypted=False, direct=False)
    code, lines, text = await doctor(config("invited", plain))
    assert code == 1, text
    assert lines["mediators' room joined"].startswith("✓ mediators' room joined (invited")
    assert lines["mediators' room encrypted"].startswith("✗ mediators' room encrypted: ")
    assert "'mediators.room'" in lines["mediators' room encrypted"]

    await _join_as_the_bot(synapse.base_url, data, plain)
    code, lines, text = await doctor(config("joined", plain))
    assert code == 1, text
    assert lines["mediators' room joined"] == "✓ mediators' room joined"
    assert lines["mediators' room encrypted"].startswith("✗ mediators' room encrypted: ")
    assert lines["power level to edit and redact its messages"].startswith("✓"), text

    strict = await mediator.client.room_create(
        preset=preset("private_chat"), invite=[bot],
        initial_state=[{"type": "m.room.encryption", "state_key": "",
                        "content": {"algorithm": "m.megolm.v1.aes-sha2"}}],
        power_level_override={"events_default": 50})  # the creator outranks it (v12)
    assert isinstance(strict, RoomCreateResponse), strict
    await _join_as_the_bot(synapse.base_url, data, strict.room_id)
    code, lines, text = await doctor(config("strict", strict.room_id))
    assert code == 1, text
    power = lines["power level to edit and redact its messages"]
    assert power.startswith("✗ ") and "power level 0" in power and "needs 50" in power, text
    assert lines["mediators' room encrypted"].startswith("✓"), text

    alone = await mediator.create_dm([], encrypted=True, direct=False)
    code, lines, text = await doctor(config("alone", alone))
    assert code == 1, text
    joined = lines["mediators' room joined"]
    assert joined.startswith("✗ mediators' room joined: ") and "invite" in joined, text
    assert bot in joined


async def test_doctor_names_catalogs_without_mo(
    deployment: tuple[dict[str, Any], Person, Any], tmp_path: Path
) -> None:
    data, _, _ = deployment
    locales = tmp_path / "locales-no-mo"
    shutil.copytree(REPO / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    code, lines, text = await doctor(write_config(tmp_path / "nomo.yaml", {
        **data, "locales": {"path": str(locales)}}))
    assert code == 1, text
    line = lines["catalogs compiled"]
    assert line.startswith("✗ catalogs compiled: ") and ".mo" in line and "'locales.path'" in line
    others = [v for k, v in lines.items() if k != "catalogs compiled"]
    assert all(v.startswith("✓") for v in others), text  # only the fault is named

"""The identity survives a lost store: secret storage and the recovery key on a real Synapse.

What is asserted is what the homeserver holds (account data, keys/query) and what the admin
reads (the key file, the one start-up sentence); Element's view of the same restore is in
tests/test_element_stack.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from signedjson.key import decode_verify_key_base64
from signedjson.sign import verify_signed_json

from bot.app import App, StartupError
from bot.config import parse
from bot.matrix import secret_storage as ss
from bot.matrix.crosssign import KEYS_FILE, CrossSigningKeys
from bot.matrix.errors import IdentityFailure, StoreOfAnotherAccount
from bot.matrix.http import matrix_request
from bot.matrix.recovery import RecoverySettings, get_account_data, put_account_data
from tests.support.app import config_dict, write_config
from tests.support.matrix import REPO

pytestmark = pytest.mark.matrix


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING) ")


def run_cli(config: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_")}
    return subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)],
                          cwd=REPO, env=env, text=True, capture_output=True, timeout=timeout)


def _only_key(obj: dict[str, Any]) -> str:
    (key_id,) = obj["keys"]
    return str(obj["keys"][key_id])


async def _server_keys(client: Any, user_id: str) -> dict[str, Any]:
    status, payload = await matrix_request(
        client, "POST", "/_matrix/client/v3/keys/query", {"device_keys": {user_id: []}})
    assert status == 200, payload
    return payload


def _signed_by(obj: dict[str, Any], user_id: str, public: str) -> bool:
    try:
        verify_signed_json(obj, user_id, decode_verify_key_base64("ed25519", public, public))
    except Exception:
        return False
    return True


def _wipe(store: Path) -> None:
    shutil.rmtree(store)
    assert not store.exists()


async def test_first_start_keeps_the_identity_in_secret_storage(
    bot_account: Any, make_transport: Any, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.INFO)
    key_file = tmp_path / "offline" / "relais-recovery-key.txt"
    transport = make_transport(bot_account)
    transport.account.configure(None, RecoverySettings(None, key_file))
    await transport.start()
    assert transport.cross_signed

    # the recovery key, written once, readable by the bot's user only, in the spec's format
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    text = key_file.read_text(encoding="utf-8").strip()
    groups = text.split(" ")
    assert len(groups) == 12 and all(len(g) == 4 for g in groups), text
    key = ss.decode_recovery_key(text)
    said = [r.getMessage() for r in caplog.records if "recovery key was written" in r.getMessage()]
    assert len(said) == 1 and str(key_file) in said[0] and "offline" in said[0], said
    assert "delete this file" in said[0]
    assert text not in caplog.text  # the key itself is never logged

    # account data as Element writes it: default key, its description, three secrets
    client = transport.client
    default = await get_account_data(client, ss.DEFAULT_KEY_EVENT)
    assert default is not None
    key_id = default["key"]
    description = await get_account_data(client, ss.key_event_type(key_id))
    assert description is not None and description["algorithm"] == ss.ALGORITHM
    assert ss.check_key(key, ss.KeyDescription.from_json(description))
    local = json.loads((bot_account.store_path / KEYS_FILE).read_text())
    for name, field in zip(ss.CROSS_SIGNING_SECRETS, ("master", "self_signing", "user_signing"),
                           strict=True):
        content = await get_account_data(client, name)
        assert content is not None and set(content["encrypted"]) == {key_id}
        assert ss.decrypt_secret(key, name, ss.encrypted_for(content, key_id)) == local[field]
    server = await _server_keys(client, bot_account.user_id)
    master = _only_key(server["master_keys"][bot_account.user_id])
    assert master == CrossSigningKeys.public(local["master"])  # the stored keys are the live ones

    # a restart with the store intact writes nothing again
    await transport.stop()
    key_file.unlink()
    again = make_transport(bot_account)
    again.account.configure(None, RecoverySettings(None, key_file))
    await again.start()
    assert not key_file.exists()
    assert (await get_account_data(again.client, ss.DEFAULT_KEY_EVENT)) == default


async def test_lost_store_comes_back_with_the_recovery_key_from_the_config(
    bot_account: Any, make_transport: Any, make_person: Any, tmp_path: Path
) -> None:
    key_file = tmp_path / "key.txt"
    first = make_transport(bot_account)
    first.account.configure(None, RecoverySettings(None, key_file))
    await first.start()
    old_device = first.device_id
    keys_before = json.loads((bot_account.store_path / KEYS_FILE).read_text())
    await first.stop()
    recovery_key = key_file.read_text(encoding="utf-8")
    key_file.unlink()  # kept offline by the admin, typed into the config on the new server
    _wipe(bot_account.store_path)

    second = make_transport(bot_account)
    second.account.configure(None, RecoverySettings(recovery_key, key_file))
    await second.start()
    bot = bot_account.user_id
    assert second.cross_signed and second.device_id != old_device
    assert json.loads((bot_account.store_path / KEYS_FILE).read_text()) == keys_before
    assert not key_file.exists()  # no new key: the identity is the old one

    person = await make_person("witness")
    server = await _server_keys(person.client, bot)
    master = _only_key(server["master_keys"][bot])
    ssk = server["self_signing_keys"][bot]
    assert master == CrossSigningKeys.public(keys_before["master"])  # the same identity
    assert _signed_by(ssk, bot, master)
    assert _signed_by(server["device_keys"][bot][second.device_id], bot, _only_key(ssk))
    assert old_device not in server["device_keys"][bot]


async def test_a_wrong_recovery_key_stops_with_one_sentence(
    synapse: Any, bot_account: Any, make_transport: Any, tmp_path: Path
) -> None:
    first = make_transport(bot_account)
    first.account.configure(None, RecoverySettings(None, tmp_path / "key.txt"))
    await first.start()
    master = CrossSigningKeys.public(
        json.loads((bot_account.store_path / KEYS_FILE).read_text())["master"])
    await first.stop()
    _wipe(bot_account.store_path)
    wrong = ss.encode_recovery_key(ss.generate_key())
    data = config_dict(tmp_path, synapse, bot_account.user_id, bot_account.mediators_room,
                       matrix={"store_path": str(bot_account.store_path),
                               "recovery_key": wrong,
                               "recovery_key_file": str(tmp_path / "key.txt")})
    with pytest.raises(StartupError) as err:
        await App.create(parse(data, tmp_path))
    sentence = str(err.value)
    assert "matrix.recovery_key" in sentence and "does not open" in sentence, sentence
    assert "\n" not in sentence and wrong not in sentence
    assert not (bot_account.store_path / KEYS_FILE).exists()  # nothing half-restored

    # the same store started once more without any key: what to do, not a new identity
    (tmp_path / "key.txt").unlink()
    _wipe(bot_account.store_path)
    bare = make_transport(bot_account)
    with pytest.raises(IdentityFailure) as needs:
        await bare.start()
    assert needs.value.problem == "needs-key"
    query = await _server_keys(bare.client, bot_account.user_id)
    assert _only_key(query["master_keys"][bot_account.user_id]) == master  # not replaced
    assert not (bot_account.store_path / KEYS_FILE).exists()


async def test_a_store_of_another_account_is_refused(
    bot_account: Any, make_transport: Any, register_user: Any, tmp_path: Path
) -> None:
    first = make_transport(bot_account)
    first.account.configure(None, RecoverySettings(None, tmp_path / "key.txt"))
    await first.start()
    await first.stop()
    other = register_user("otherbot")
    from tests.support.matrix import BotHandle

    stranger = make_transport(BotHandle(other, bot_account.store_path, bot_account.mediators_room,
                                        bot_account.mediator, bot_account.tokens))
    with pytest.raises(StoreOfAnotherAccount):
        await stranger.start()


async def test_an_identity_made_before_secret_storage_gets_it(
    bot_account: Any, make_transport: Any, tmp_path: Path
) -> None:
    """A deployment from before the recovery key: keys in the store, none on the server's
    secret storage. The next start stores them and writes the recovery key once."""
    key_file = tmp_path / "key.txt"
    first = make_transport(bot_account)
    first.account.configure(None, RecoverySettings(None, key_file))
    await first.start()
    await put_account_data(first.client, ss.DEFAULT_KEY_EVENT, {})  # as if never made
    await first.stop()
    key_file.unlink()

    again = make_transport(bot_account)
    again.account.configure(None, RecoverySettings(None, key_file))
    await again.start()
    key = ss.decode_recovery_key(key_file.read_text(encoding="utf-8"))
    default = await get_account_data(again.client, ss.DEFAULT_KEY_EVENT)
    assert default and default.get("key")
    content = await get_account_data(again.client, "m.cross_signing.master")
    assert content is not None
    local = json.loads((bot_account.store_path / KEYS_FILE).read_text())
    secret = ss.decrypt_secret(key, "m.cross_signing.master",
                               ss.encrypted_for(content, default["key"]))
    assert secret == local["master"]


async def test_run_without_the_key_says_what_to_do_in_one_sentence(
    synapse: Any, bot_account: Any, bot_process: Any, tmp_path: Path
) -> None:
    """`python -m bot run` on an empty store of an account that has an identity: exit 2, one
    sentence, no traceback, and the server's identity left as it was."""
    data = config_dict(tmp_path, synapse, bot_account.user_id, bot_account.mediators_room,
                       matrix={"store_path": str(tmp_path / "store")})
    first = bot_process(data)
    first.start()
    await first.wait_running()
    assert (await first.terminate())[0] == 0
    key_file = tmp_path / "store-recovery-key.txt"
    assert key_file.exists()
    key_file.unlink()
    shutil.rmtree(tmp_path / "store")

    config = write_config(tmp_path / "config.yaml", data)
    again = await asyncio.to_thread(run_cli, config, 90)
    assert again.returncode == 2, again.stderr
    assert "Traceback" not in again.stderr + again.stdout
    said = [line for line in again.stderr.splitlines() if line.strip() and not LOG_LINE.match(line)]
    assert len(said) == 1, again.stderr
    assert "'matrix.recovery_key'" in said[0] and "RELAIS_RECOVERY_KEY" in said[0], said
    assert not (tmp_path / "store" / KEYS_FILE).exists()
    assert not key_file.exists()  # no new identity, no new key


async def test_a_secret_storage_the_bot_cannot_read(
    bot_account: Any, make_transport: Any, tmp_path: Path
) -> None:
    """Another client's storage of another kind: an intact store runs and leaves it alone; an
    empty store cannot restore from it and says so."""
    first = make_transport(bot_account)
    first.account.configure(None, RecoverySettings(None, tmp_path / "key.txt"))
    await first.start()
    future = {"algorithm": "m.secret_storage.v9.future"}
    await put_account_data(first.client, ss.key_event_type("FUTURE"), future)
    await put_account_data(first.client, ss.DEFAULT_KEY_EVENT, {"key": "FUTURE"})
    await first.stop()

    intact = make_transport(bot_account)
    intact.account.configure(None, RecoverySettings(None, tmp_path / "key.txt"))
    await intact.start()
    assert intact.cross_signed
    assert await get_account_data(intact.client, ss.DEFAULT_KEY_EVENT) == {"key": "FUTURE"}
    await intact.stop()

    _wipe(bot_account.store_path)
    empty = make_transport(bot_account)
    empty.account.configure(None, RecoverySettings(None, tmp_path / "key.txt"))
    with pytest.raises(IdentityFailure) as err:
        await empty.start()
    assert err.value.problem == "not-stored"

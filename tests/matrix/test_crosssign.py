"""The bot's device is cross-signed as Element expects, and the identity survives restarts."""

from __future__ import annotations

import stat
from typing import Any

from signedjson.key import decode_verify_key_base64
from signedjson.sign import verify_signed_json

from bot.matrix.crosssign import KEYS_FILE, matrix_request


def _only_key(obj: dict[str, Any]) -> str:
    (key_id,) = obj["keys"]
    assert key_id.startswith("ed25519:")
    return str(obj["keys"][key_id])


async def _query(person: Any, user_id: str) -> dict[str, Any]:
    status, payload = await matrix_request(
        person.client, "POST", "/_matrix/client/v3/keys/query", {"device_keys": {user_id: []}}
    )
    assert status == 200, payload
    return payload


def _verify(obj: dict[str, Any], user_id: str, public: str) -> None:
    verify_signed_json(obj, user_id, decode_verify_key_base64("ed25519", public, public))


async def test_device_signed_by_self_signing_key_signed_by_master(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    transport = make_transport(bot_account)
    await transport.start()
    assert transport.cross_signed
    bot = bot_account.user_id
    device_id = transport.device_id
    person = await make_person("alice")

    keys = await _query(person, bot)
    master = keys["master_keys"][bot]
    ssk = keys["self_signing_keys"][bot]
    device = keys["device_keys"][bot][device_id]
    master_pub, ssk_pub = _only_key(master), _only_key(ssk)
    assert master["usage"] == ["master"] and ssk["usage"] == ["self_signing"]
    _verify(ssk, bot, master_pub)  # raises SignatureVerifyException if wrong
    _verify(device, bot, ssk_pub)
    assert f"ed25519:{ssk_pub}" in device["signatures"][bot]

    keys_file = bot_account.store_path / KEYS_FILE
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600

    # A restart reuses the device, the keys and the signature.
    await transport.stop()
    again = make_transport(bot_account)
    await again.start()
    assert again.device_id == device_id
    keys2 = await _query(person, bot)
    assert _only_key(keys2["master_keys"][bot]) == master_pub
    assert _only_key(keys2["self_signing_keys"][bot]) == ssk_pub
    _verify(keys2["device_keys"][bot][device_id], bot, ssk_pub)
    _status, devices = await matrix_request(again.client, "GET", "/_matrix/client/v3/devices")
    assert [d["device_id"] for d in devices["devices"]] == [device_id]


async def test_lost_store_keeps_identity_and_removes_stale_device(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    first = make_transport(bot_account)
    await first.start()
    old_device = first.device_id
    person = await make_person("bob")
    old_master = _only_key(
        (await _query(person, bot_account.user_id))["master_keys"][bot_account.user_id]
    )
    await first.stop()

    # The whole store is lost (not the recovery key beside it): a new device, the SAME keys
    # from secret storage (bot/matrix/recovery.py), the old device removed.
    for path in sorted(bot_account.store_path.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    second = make_transport(bot_account)
    await second.start()
    bot = bot_account.user_id
    assert second.cross_signed and second.device_id != old_device
    keys = await _query(person, bot)
    new_master = _only_key(keys["master_keys"][bot])
    assert new_master == old_master
    _verify(keys["self_signing_keys"][bot], bot, new_master)
    _verify(
        keys["device_keys"][bot][second.device_id], bot, _only_key(keys["self_signing_keys"][bot])
    )
    assert old_device not in keys["device_keys"][bot]

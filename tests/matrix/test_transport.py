"""The transport against a real Synapse: E2EE echo, invites, history, redelivery."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any
from urllib.parse import quote

import pytest
from nio import UploadResponse
from nio.crypto.attachments import decrypt_attachment

from bot.matrix.crosssign import matrix_request
from bot.matrix.transport import CREATOR_POWER_LEVEL, Incoming, RoomPolicy, decide_invite
from tests.support.matrix import wait_until


def echo_handler(transport: Any, seen: list[Incoming]) -> Any:
    async def on_event(incoming: Incoming) -> None:
        seen.append(incoming)
        if incoming.kind == "text":
            await transport.send(
                incoming.room_id,
                {"msgtype": "m.notice", "body": "echo: " + incoming.body, "m.mentions": {}},
                txn_id="echo-" + incoming.event_id,
            )

    return on_event


async def test_encrypted_dm_echo(bot_account: Any, make_transport: Any, make_person: Any) -> None:
    transport = make_transport(bot_account)
    await transport.start()
    seen: list[Incoming] = []
    make_transport.spawn(transport, echo_handler(transport, seen))
    person = await make_person("alice")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_joined(room, bot_account.user_id)
    event_id = await person.send_text(room, "bonjour, j'ai un souci avec la CAF")

    echo = await person.wait_message(room, bot_account.user_id)
    assert echo.body == "echo: bonjour, j'ai un souci avec la CAF"
    assert echo.decrypted, "the echo must have been encrypted"
    assert echo.source["content"]["msgtype"] == "m.notice"
    assert [(i.kind, i.event_id, i.sender) for i in seen] == [("text", event_id, person.user_id)]
    assert transport.is_encrypted(room)


async def test_first_start_ignores_history(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    person = await make_person("bea")
    room = await person.create_dm(bot_account.user_id)
    before = await person.send_text(room, "avant le premier démarrage")

    transport = make_transport(bot_account)
    await transport.start()
    seen: list[Incoming] = []
    make_transport.spawn(transport, echo_handler(transport, seen))
    await person.wait_joined(room, bot_account.user_id)
    after = await person.send_text(room, "après")

    echo = await person.wait_message(room, bot_account.user_id)
    assert echo.body == "echo: après"
    await asyncio.sleep(1)
    assert person.bodies(room, bot_account.user_id) == ["echo: après"]
    assert [i.event_id for i in seen] == [after]
    assert before not in [i.event_id for i in seen]


async def test_group_rooms_are_declined(
    bot_account: Any, make_transport: Any, make_person: Any, register_user: Any
) -> None:
    transport = make_transport(bot_account)
    await transport.start()
    seen: list[Incoming] = []
    make_transport.spawn(transport, echo_handler(transport, seen))
    person = await make_person("carl")
    bot = bot_account.user_id

    group = await person.create_dm(bot, direct=False)
    third = register_user("third")
    crowded = await person.create_dm([bot, third], direct=True)
    dm = await person.create_dm(bot)

    await person.wait_membership(group, bot, "leave")
    await person.wait_membership(crowded, bot, "leave")
    await person.wait_membership(dm, bot, "join")  # the control: a real DM is accepted
    assert seen == []


def test_invite_policy() -> None:
    policy = RoomPolicy("!med:example.org", allowed_servers=("example.org",))
    assert decide_invite(policy, "!med:example.org", "!dm:x", "@a:example.org", True) == "join"
    assert decide_invite(policy, "!med:example.org", "!dm:x", "@a:evil.org", True) == "decline"
    assert decide_invite(policy, "!med:example.org", "!g:x", "@a:example.org", False) == "decline"
    # the mediators' room is joined whoever invites
    assert (
        decide_invite(policy, "!med:example.org", "!med:example.org", "@a:evil.org", False)
        == "join"
    )
    open_policy = RoomPolicy("!med:example.org")
    assert decide_invite(open_policy, None, "!dm:x", "@a:anywhere.net", True) == "join"


async def test_disallowed_server_declined(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    transport = make_transport(bot_account, allowed_servers=("elsewhere.example",))
    await transport.start()
    make_transport.spawn(transport, echo_handler(transport, []))
    person = await make_person("dora")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_membership(room, bot_account.user_id, "leave")


async def test_token_saved_only_after_handling(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    first = make_transport(bot_account)
    await first.start()
    got: list[Incoming] = []
    stuck = asyncio.Event()

    async def never_finishes(incoming: Incoming) -> None:
        got.append(incoming)
        stuck.set()
        await asyncio.Event().wait()

    task = make_transport.spawn(first, never_finishes)
    person = await make_person("emma")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_joined(room, bot_account.user_id)
    event_id = await person.send_text(room, "message à ne pas perdre")
    await asyncio.wait_for(stuck.wait(), timeout=20)
    token_before = bot_account.tokens.token
    assert [i.event_id for i in got] == [event_id]
    await asyncio.sleep(1)
    assert bot_account.tokens.token == token_before  # nothing saved while handling
    # Crash in the middle of handling.
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert bot_account.tokens.token == token_before
    await first.stop()

    second = make_transport(bot_account)
    await second.start()
    assert second.device_id == first.device_id
    seen: list[Incoming] = []
    make_transport.spawn(second, echo_handler(second, seen))
    echo = await person.wait_message(room, bot_account.user_id)
    assert echo.body == "echo: message à ne pas perdre"
    assert [i.event_id for i in seen] == [event_id]
    await wait_until(lambda: bot_account.tokens.token != token_before, what="token saved")


async def test_person_leaving_is_reported(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    transport = make_transport(bot_account)
    await transport.start()
    left: list[str] = []

    async def on_left(room_id: str) -> None:
        left.append(room_id)

    make_transport.spawn(transport, echo_handler(transport, []), on_left)
    person = await make_person("fanny")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_joined(room, bot_account.user_id)
    await person.client.room_leave(room)
    await wait_until(lambda: left == [room], what="on_member_left")
    status_rooms = await transport.client.joined_rooms()
    assert room not in status_rooms.rooms
    await asyncio.sleep(1)
    assert left == [room]  # reported once, not again when our own leave syncs


async def test_info_logs_carry_no_ids_or_text(
    bot_account: Any, make_transport: Any, make_person: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    transport = make_transport(bot_account)
    await transport.start()
    make_transport.spawn(transport, echo_handler(transport, []))
    person = await make_person("gina")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_joined(room, bot_account.user_id)
    await person.send_text(room, "secret très personnel")
    await person.wait_message(room, bot_account.user_id)
    infos = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.INFO and r.name.split(".")[0] in ("bot", "nio")
    ]
    assert infos, "expected some INFO logs"
    for line in infos:
        for needle in ("@", "!", "$", "secret très personnel", transport.device_id):
            assert needle not in line, line


async def test_undecryptable_is_delivered_after_grace(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    transport = make_transport(bot_account, undecryptable_grace_s=1.0)
    await transport.start()
    seen: list[Incoming] = []

    async def on_event(incoming: Incoming) -> None:
        seen.append(incoming)
        if incoming.kind == "undecryptable":
            await transport.send(
                incoming.room_id,
                {"msgtype": "m.notice", "body": "please send again", "m.mentions": {}},
                txn_id="undecryptable-" + incoming.event_id,
            )

    make_transport.spawn(transport, on_event)
    person = await make_person("hugo")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_joined(room, bot_account.user_id)
    # A megolm event whose session the bot never received.
    bogus = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "sender_key": person.client.olm.account.identity_keys["curve25519"],
        "device_id": person.client.device_id,
        "session_id": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "ciphertext": "AwgAEiBhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NQ",
    }
    status, payload = await matrix_request(
        person.client,
        "PUT",
        f"/_matrix/client/v3/rooms/{quote(room, safe='')}/send/m.room.encrypted/bogus1",
        bogus,
    )
    assert status == 200, payload
    reply = await person.wait_message(room, bot_account.user_id)
    assert reply.body == "please send again"
    assert [(i.kind, i.event_id, i.sender) for i in seen] == [
        ("undecryptable", payload["event_id"], person.user_id)
    ]


async def test_media_relayed_both_ways(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    """Encrypted DM file -> plain mediators' room, and back, bytes intact."""
    transport = make_transport(bot_account)
    await transport.start()
    dm: list[str] = []

    async def on_event(incoming: Incoming) -> None:
        if incoming.kind != "media" or incoming.media is None:
            return
        target = transport.mediators_room_id if incoming.room_id in dm else dm[0]
        content = await transport.relay_media(incoming.media, target)
        await transport.send(target, content, txn_id="relay-" + incoming.event_id)

    make_transport.spawn(transport, on_event)
    person = await make_person("ines")
    mediator = bot_account.mediator
    room = await person.create_dm(bot_account.user_id)
    dm.append(room)
    await person.wait_joined(room, bot_account.user_id)

    data = b"%PDF-1.4 attestation CAF " + bytes(range(256)) * 20
    resp, keys = await person.client.upload(
        io.BytesIO(data),
        content_type="application/pdf",
        filename="attestation.pdf",
        encrypt=True,
        filesize=len(data),
    )
    assert isinstance(resp, UploadResponse) and keys is not None
    await person.send_content(
        room,
        {
            "msgtype": "m.file",
            "body": "attestation.pdf",
            "info": {"mimetype": "application/pdf", "size": len(data)},
            "file": {**keys, "url": resp.content_uri},
        },
    )
    relayed = await mediator.wait_message(
        bot_account.mediators_room, bot_account.user_id, timeout=30
    )
    content = relayed.source["content"]
    assert content["msgtype"] == "m.file" and content["body"] == "attestation.pdf"
    assert "url" in content and "file" not in content  # the mediators' room is not encrypted
    got = await mediator.client.download(mxc=content["url"])
    assert got.body == data

    # And back: a plain image from the mediators' room reaches the DM encrypted.
    image = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100
    up, _ = await mediator.client.upload(
        io.BytesIO(image), content_type="image/png", filename="capture.png", filesize=len(image)
    )
    assert isinstance(up, UploadResponse)
    await mediator.send_content(
        bot_account.mediators_room,
        {
            "msgtype": "m.image",
            "body": "capture.png",
            "url": up.content_uri,
            "info": {"mimetype": "image/png", "size": len(image)},
        },
    )
    back = await person.wait_message(room, bot_account.user_id, timeout=30)
    file = back.source["content"]["file"]
    blob = await person.client.download(mxc=file["url"])
    assert blob.body != image  # stored encrypted
    plain = decrypt_attachment(blob.body, file["key"]["k"], file["hashes"]["sha256"], file["iv"])
    assert plain == image


async def test_homeserver_outage_one_warning_then_resume(
    synapse: Any,
    bot_account: Any,
    make_transport: Any,
    make_person: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    transport = make_transport(bot_account)
    await transport.start()
    make_transport.spawn(transport, echo_handler(transport, []))
    person = await make_person("jules")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_joined(room, bot_account.user_id)
    caplog.set_level(logging.INFO, logger="bot")
    caplog.clear()

    synapse.stop()
    await asyncio.sleep(6)
    synapse.start()
    await person.send_text(room, "toujours là ?")
    echo = await person.wait_message(room, bot_account.user_id, timeout=60)
    assert echo.body == "echo: toujours là ?"
    ours = [r for r in caplog.records if r.name == "bot.matrix.transport"]
    warnings = [r for r in ours if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "unreachable" in warnings[0].getMessage()
    assert any("reachable again" in r.getMessage() for r in ours if r.levelno == logging.INFO)
    assert not [r for r in ours if r.levelno >= logging.ERROR]


async def test_send_is_idempotent_per_txn_and_room_queries(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    transport = make_transport(bot_account)
    await transport.start()
    make_transport.spawn(transport, echo_handler(transport, []))
    person = await make_person("karim")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_joined(room, bot_account.user_id)

    content = {"msgtype": "m.notice", "body": "une seule fois", "m.mentions": {}}
    first = await transport.send(room, content, txn_id="same-txn")
    again = await transport.send(room, content, txn_id="same-txn")
    assert first == again
    await person.wait_message(room, bot_account.user_id)
    await asyncio.sleep(1)
    assert person.bodies(room, bot_account.user_id) == ["une seule fois"]

    members = await transport.members(room)
    # room v12, trusted_private_chat: both are creators
    assert members == {
        person.user_id: CREATOR_POWER_LEVEL,
        bot_account.user_id: CREATOR_POWER_LEVEL,
    }
    mediators = await transport.members(bot_account.mediators_room)
    assert mediators == {bot_account.mediator.user_id: CREATOR_POWER_LEVEL, bot_account.user_id: 0}
    await person.client.set_displayname("Karim B.")
    assert await transport.display_name(person.user_id) == "Karim B."
    await transport.typing(room, True)
    await transport.read_receipt(room, first)


async def test_stop_finishes_the_event_being_handled(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    transport = make_transport(bot_account)
    await transport.start()
    started = asyncio.Event()
    finished: list[str] = []

    async def slow(incoming: Incoming) -> None:
        started.set()
        await asyncio.sleep(1.5)
        await transport.send(
            incoming.room_id,
            {"msgtype": "m.notice", "body": "fini", "m.mentions": {}},
            txn_id="slow-" + incoming.event_id,
        )
        finished.append(incoming.event_id)

    task = make_transport.spawn(transport, slow)
    person = await make_person("lea")
    room = await person.create_dm(bot_account.user_id)
    await person.wait_joined(room, bot_account.user_id)
    event_id = await person.send_text(room, "vite")
    await asyncio.wait_for(started.wait(), timeout=20)
    token = bot_account.tokens.token
    await transport.stop()
    assert finished == [event_id]
    assert task.done() and task.exception() is None
    assert bot_account.tokens.token != token  # the batch was handled, so it was saved
    assert (await person.wait_message(room, bot_account.user_id)).body == "fini"


async def test_message_sent_before_the_bot_joins_is_answered(
    bot_account: Any, make_transport: Any, make_person: Any
) -> None:
    """Element's new-DM flow: the first message is sent while the bot is only invited."""
    transport = make_transport(bot_account)
    await transport.start()
    seen: list[Incoming] = []
    make_transport.spawn(transport, echo_handler(transport, seen))
    person = await make_person("marc")
    room = await person.create_dm(bot_account.user_id)
    # the person must know the bot's device to share the room key with it (Element does)
    async with person.lock:
        person.client.olm.users_for_key_query.add(bot_account.user_id)
        await person._upkeep()
    first = await person.send_text(room, "premier message")
    echo = await person.wait_message(room, bot_account.user_id, timeout=30)
    assert echo.body == "echo: premier message"
    assert [i.event_id for i in seen] == [first]

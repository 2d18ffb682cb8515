"""The transport against a real Synapse: E2EE echo, invites, history, redelivery."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.matrix.transport import Incoming, RoomPolicy, decide_invite
from conftest import wait_until


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

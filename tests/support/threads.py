"""Helpers for handover tests on Synapse: tickets' roots and threads, as mediators see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nio import RoomGetStateEventResponse, RoomPutStateResponse, RoomSendResponse

from tests.support.app import bot_messages, config_dict, say
from tests.support.matrix import Person, wait_until


def room_messages(person: Person, room: str, sender: str) -> list[Any]:
    """Messages (edits included) from `sender` in an unencrypted room, in order."""
    return [
        e
        for r, e in person.events
        if r == room and e.sender == sender and e.source.get("type") == "m.room.message"
    ]


def relation(event: Any) -> dict[str, Any]:
    rel = event.source["content"].get("m.relates_to") or {}
    return rel if isinstance(rel, dict) else {}


def in_thread_of(event: Any, root: str) -> bool:
    rel = relation(event)
    return rel.get("rel_type") == "m.thread" and rel.get("event_id") == root


def thread(person: Person, room: str, bot: str, root: str) -> list[Any]:
    return [e for e in room_messages(person, room, bot) if in_thread_of(e, root)]


def thread_bodies(person: Person, room: str, bot: str, root: str) -> list[str]:
    return [str(e.source["content"].get("body", "")) for e in thread(person, room, bot, root)]


def roots(person: Person, room: str, bot: str) -> list[Any]:
    return [
        e
        for e in room_messages(person, room, bot)
        if not relation(e) and "Demande n°" in str(e.source["content"].get("body", ""))
    ]


async def wait_root(person: Person, room: str, bot: str, count: int = 1) -> Any:
    await wait_until(lambda: len(roots(person, room, bot)) >= count, 30, "a ticket's root")
    return roots(person, room, bot)[count - 1]


async def wait_thread(
    person: Person, room: str, bot: str, root: str, needle: str, timeout: float = 30
) -> Any:
    def found() -> Any:
        return next(
            (e for e in thread(person, room, bot, root)
             if needle in str(e.source["content"].get("body", ""))),
            None,
        )

    await wait_until(lambda: found() is not None, timeout, f"{needle!r} in the thread")
    return found()


async def wait_main(person: Person, room: str, bot: str, needle: str, after: int = 0) -> Any:
    """A bot message outside any thread containing `needle` (after the first `after` ones)."""

    def found() -> Any:
        main = [e for e in room_messages(person, room, bot) if not relation(e)][after:]
        return next((e for e in main if needle in str(e.source["content"].get("body", ""))),
                    None)

    await wait_until(lambda: found() is not None, 30, f"{needle!r} in the room")
    return found()


async def wait_body(person: Person, room: str, bot: str, needle: str, timeout: float = 30) -> Any:
    def found() -> Any:
        return next((e for e in bot_messages(person, room, bot)
                     if needle in str(getattr(e, "body", ""))), None)

    await wait_until(lambda: found() is not None, timeout, f"{needle!r} for the person")
    return found()


def count_body(person: Person, room: str, bot: str, needle: str) -> int:
    return sum(1 for e in bot_messages(person, room, bot) if needle in str(getattr(e, "body", "")))


async def in_thread_send(person: Person, room: str, root: str, text: str) -> str:
    return await person.send_content(
        room,
        {
            "msgtype": "m.text",
            "body": text,
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root},
            },
        },
    )


async def react(person: Person, room: str, event_id: str, key: str) -> None:
    resp = await person.client.room_send(room, "m.reaction", {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": event_id, "key": key}})
    assert isinstance(resp, RoomSendResponse), resp


async def add_member(owner: Person, room: str, member: Person, level: int | None = None) -> None:
    await owner.client.room_invite(room, member.user_id)
    await wait_until(lambda: room in member.client.invited_rooms or room in member.client.rooms,
                     20, "the invite")
    await member.client.join(room)
    await member.wait_room(room)
    if level is not None:
        got = await owner.client.room_get_state_event(room, "m.room.power_levels")
        assert isinstance(got, RoomGetStateEventResponse), got
        content = dict(got.content)
        content["users"] = {**content.get("users", {}), member.user_id: level}
        put = await owner.client.room_put_state(room, "m.room.power_levels", content)
        assert isinstance(put, RoomPutStateResponse), put
    await owner.wait_membership(room, member.user_id, "join")


async def ask_for_someone(person: Person, dm: str, bot: str, first: str = "bonjour") -> None:
    await say(person, dm, bot, first)
    confirm = await say(person, dm, bot, "quelqu'un")
    assert "Voulez-vous parler à une personne" in confirm.body
    done = await say(person, dm, bot, "oui")
    assert "Une personne de l'équipe va lire vos messages" in done.body
    await wait_body(person, dm, bot, "dans la file d'attente")


async def started_app(
    run_app: Any, synapse: Any, bot_account: Any, tmp_path: Path, **sections: Any
) -> None:
    data = config_dict(tmp_path, synapse, bot_account.user_id, bot_account.mediators_room,
                       **sections)
    await run_app(data, tmp_path)
    await bot_account.mediator.wait_membership(
        bot_account.mediators_room, bot_account.user_id, "join"
    )

"""Event parsing on JSON fixtures (tests/matrix/events/*.json), no homeserver.

Each fixture holds a Matrix event as the homeserver sends it and what the router should see of
it (`expected`, or null when the bot ignores the event). The same JSON parsed by nio gives the
same Incoming: the transport hands nio's events to the same function.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from nio import Event

from bot.matrix.events import Incoming, Media, after_own_join, to_incoming
from bot.matrix.rooms import invite_of

FIXTURES = sorted((Path(__file__).parent / "events").glob("*.json"))
ROOM = "!dm:localhost"


def _load(path: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["event"], data["expected"]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_event_fixture(path: Path) -> None:
    event, expected = _load(path)
    got = to_incoming(ROOM, event)
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert got.room_id == ROOM
    assert got.event_id == event["event_id"]
    assert got.sender == event["sender"]
    assert got.origin_ts == event["origin_server_ts"]
    fields = dataclasses.asdict(got)
    for name, value in expected.items():
        if name == "media" and value is not None:
            assert got.media == Media(**value)
        else:
            assert fields[name] == value, name


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_nio_event_gives_the_same_incoming(path: Path) -> None:
    event, _ = _load(path)
    if not isinstance(event.get("content"), dict):
        return  # nio refuses it before it reaches us
    parsed = Event.parse_event(event)
    assert to_incoming(ROOM, parsed) == to_incoming(ROOM, event)


def test_there_are_fixtures_of_every_kind() -> None:
    kinds = {(_load(p)[1] or {}).get("kind") for p in FIXTURES}
    assert kinds == {None, "text", "media", "reaction"}


def test_incoming_is_a_frozen_value() -> None:
    ev = Incoming("!r", "@a", "$e", 0, "text", body="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.body = "y"  # type: ignore[misc]


class _Ev:
    """A stand-in for a nio event: only its JSON `source` matters."""

    def __init__(self, source: dict[str, Any], content: dict[str, Any] | None = None) -> None:
        self.source = source
        if content is not None:
            self.content = content


def test_events_after_our_own_join() -> None:
    bot = "@relais:localhost"
    before = _Ev({"type": "m.room.message", "content": {"body": "history"}})
    join = _Ev({"type": "m.room.member", "state_key": bot, "content": {"membership": "join"}})
    after = _Ev({"type": "m.room.message", "content": {"body": "for us"}})
    assert after_own_join([before, join, after], bot) == [after]
    assert after_own_join([before, after], bot) == [before, after]


def test_invite_of_reads_inviter_and_direct_flag() -> None:
    bot = "@relais:localhost"
    # nio moves the invite's content out of `source` into an attribute
    invite = _Ev({"type": "m.room.member", "state_key": bot, "sender": "@p:localhost"},
                 content={"membership": "invite", "is_direct": True})
    other = _Ev({"type": "m.room.name", "state_key": "", "content": {"name": "x"}})
    assert invite_of([other, invite], bot) == ("@p:localhost", True)
    assert invite_of([other], bot) == ("", False)

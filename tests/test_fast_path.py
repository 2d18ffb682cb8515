"""The path of one message is short: the reply is queued before any network await.

Issue 11 item 6, checked without a homeserver (the fake outlet of tests/support/outlet.py, a
real SQLite file, the real dialogues): read receipts and typing notices never hold a reply
(and are not sent at all when the reply says the same), a mediator's command does not wait
for the room's power levels it already knows, and a send refused for good does not hold its
room's next replies for the minutes that an outage's patience takes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.config import MediatorsConfig
from bot.desk import Desk
from bot.desk.permissions import ALLOWED_FRESH_S, PowerLevels
from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.dialogue.model import State
from bot.i18n import Catalogs
from bot.matrix.errors import SendError
from bot.matrix.events import Incoming
from bot.metrics import Metrics
from bot.router import Router
from bot.sender import RetryPolicy, Sender
from bot.store import Database, conversations, outbox
from bot.store.db import Conn
from tests.support.outlet import FakeOutlet, Send

REPO = Path(__file__).resolve().parent.parent
MEDIATORS = "!mediators:test"
DM = "!dm:test"
OTHER_DM = "!other:test"
PERSON = "@person:test"
MEDIATOR = "@lea:test"
QUICK = RetryPolicy(max_tries=6, refused_tries=2, backoff=lambda tries: 0.0, idle_poll=0.05)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load(REPO / "dialogues").tree)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load(REPO / "locales")


@dataclass
class Levels:
    """The mediators' room as the homeserver tells it; counts the questions asked."""

    levels: dict[str, int] = field(default_factory=lambda: {MEDIATOR: 50})
    asked: int = 0
    gate: asyncio.Event | None = None  # when set to an unset Event: the homeserver hangs

    async def __call__(self, room_id: str) -> dict[str, int]:
        self.asked += 1
        if self.gate is not None:
            await self.gate.wait()
        return dict(self.levels)


@dataclass
class Bot:
    router: Router
    outlet: FakeOutlet
    db: Database
    levels: Levels
    said: int = 0

    async def person(self, text: str, room: str = DM) -> str:
        self.said += 1
        event_id = f"$p{self.said}"
        await self.router.on_event(Incoming(room, PERSON, event_id, self.said, "text", body=text))
        return event_id

    async def mediator(self, text: str, sender: str = MEDIATOR) -> None:
        self.said += 1
        await self.router.on_event(
            Incoming(MEDIATORS, sender, f"$m{self.said}", self.said, "text", body=text))


@pytest.fixture
async def make_bot(
    db: Database, engine: Engine, catalogs: Catalogs
) -> AsyncIterator[Callable[..., Bot]]:
    tasks: list[asyncio.Task[None]] = []

    def make(outlet: FakeOutlet | None = None, policy: RetryPolicy = QUICK) -> Bot:
        outlet = outlet or FakeOutlet()
        levels = Levels()
        desk = Desk(db, MediatorsConfig(room=MEDIATORS, power_level=50), MEDIATORS, catalogs,
                    levels)
        router = Router(db, engine, catalogs, desk, outlet, metrics=Metrics(),
                        sender=Sender(db, outlet.send, policy))
        tasks.append(asyncio.create_task(router.send_forever()))
        return Bot(router, outlet, db, levels)

    yield make
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class HangingSignals(FakeOutlet):
    """A homeserver that never answers receipts or typing notices (and notes the outbox)."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.gate = asyncio.Event()
        self.queued_before: list[int] = []  # messages sent or queued when a notice began

    async def _hang(self) -> None:
        self.queued_before.append(len(self.sent) + len(await outbox.pending(self.db)))
        await self.gate.wait()

    async def typing(self, room_id: str, on: bool) -> None:
        self.typings.append((room_id, on))
        await self._hang()

    async def read_receipt(self, room_id: str, event_id: str) -> None:
        self.receipts.append((room_id, event_id))
        await self._hang()


# --------------------------------------------------------------------------- receipts, typing


async def test_a_quick_answer_sends_no_receipt_and_no_typing(
    make_bot: Callable[..., Bot],
) -> None:
    """The answer itself shows the message was read; "typing…" would only flash."""
    bot = make_bot()
    await bot.person("bonjour")
    await bot.person("1")
    await bot.router.flush()
    await bot.router.signals.settle()
    assert len(bot.outlet.bodies(DM)) == 2
    assert bot.outlet.receipts == []
    assert bot.outlet.typings == []


async def test_a_relayed_message_gets_its_receipt_after_the_relay_is_queued(
    make_bot: Callable[..., Bot], db: Database,
) -> None:
    outlet = HangingSignals(db)
    bot = make_bot(outlet)
    await bot.person("je veux parler à quelqu'un")
    await bot.person("oui")  # the handover is confirmed
    await bot.router.flush()
    assert outlet.receipts == []  # both were answered
    before = len(outlet.sent)
    # in a handover the message goes to the thread, and the person gets no answer:
    # only the receipt tells them it arrived, and the relay does not wait for it
    relayed = await asyncio.wait_for(bot.person("ma carte vitale est perdue"), timeout=2)
    await bot.router.flush()
    assert any("ma carte vitale est perdue" in s.body for s in outlet.sent[before:])
    assert [s.room_id for s in outlet.sent[before:]] == [MEDIATORS]
    assert outlet.receipts == [(DM, relayed)]
    assert outlet.queued_before == [before + 1]  # the relay was queued before the receipt
    outlet.gate.set()
    await bot.router.signals.settle()


async def test_a_slow_answer_shows_typing_then_ends_it(
    make_bot: Callable[..., Bot], monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = make_bot()
    bot.router.signals.typing_delay_s = 0.05
    await bot.person("bonjour")
    await bot.router.flush()
    load_state = conversations.load_state

    async def slow_store(conn: Conn, room_id: str) -> State | None:
        await asyncio.sleep(0.3)  # a busy disk
        return await load_state(conn, room_id)

    monkeypatch.setattr(conversations, "load_state", slow_store)
    await bot.person("1")
    await bot.router.flush()
    await bot.router.signals.settle()
    assert bot.outlet.typings == [(DM, True), (DM, False)]
    assert len(bot.outlet.bodies(DM)) == 2


async def test_hanging_signals_never_hold_a_reply(
    make_bot: Callable[..., Bot], db: Database,
) -> None:
    """Whatever notice is sent, the reply was queued first and on_event did not wait."""
    outlet = HangingSignals(db)
    bot = make_bot(outlet)
    bot.router.signals.typing_delay_s = 0.0  # typing for every answer: the worst case
    for text in ("bonjour", "1", "menu"):
        await asyncio.wait_for(bot.person(text), timeout=2)
    await bot.router.flush()
    assert len(outlet.bodies(DM)) == 3
    outlet.gate.set()
    await bot.router.signals.settle()
    assert outlet.typings[0] == (DM, True)


# --------------------------------------------------------------------------- mediators


async def test_a_command_does_not_wait_for_power_levels_it_knows(
    make_bot: Callable[..., Bot],
) -> None:
    bot = make_bot()
    await bot.mediator("!file")
    assert bot.levels.asked == 1
    bot.levels.gate = asyncio.Event()  # from now on the homeserver would hang
    await asyncio.wait_for(bot.mediator("!file"), timeout=2)
    await bot.router.flush()
    assert bot.levels.asked == 1
    assert len(bot.outlet.bodies(MEDIATORS)) == 2
    assert all("!" not in body[:1] for body in bot.outlet.bodies(MEDIATORS))
    bot.levels.gate.set()


async def test_a_refusal_is_asked_again_so_a_new_mediator_is_not_refused(
    make_bot: Callable[..., Bot],
) -> None:
    bot = make_bot()
    await bot.mediator("!file")  # Léa: allowed, levels now known
    await bot.mediator("!file", sender="@sam:test")
    bot.levels.levels["@sam:test"] = 50  # Sam is made a mediator
    await bot.mediator("!file", sender="@sam:test")
    await bot.router.flush()
    assert bot.levels.asked == 3  # each "no" was asked to the homeserver
    first, refused, allowed = bot.outlet.bodies(MEDIATORS)
    assert refused != allowed and first == allowed


async def test_known_power_levels_are_asked_again_after_a_while() -> None:
    now = [1000.0]
    levels = Levels()
    power = PowerLevels(levels, MEDIATORS, clock=lambda: now[0])
    assert await power.allowed(MEDIATOR, 50)
    now[0] += ALLOWED_FRESH_S - 1
    assert await power.allowed(MEDIATOR, 50)
    assert levels.asked == 1
    levels.levels[MEDIATOR] = 0  # demoted
    now[0] += 2
    assert not await power.allowed(MEDIATOR, 50)
    assert levels.asked == 2


# --------------------------------------------------------------------------- refused sends


def refuse_room(room: str, outage: bool = False) -> Callable[[Send], str]:
    """Every send to `room` fails: refused for good, or (outage) from a transient cause."""

    def handler(send: Send) -> str:
        if send.room_id != room:
            return "$ok"
        if outage:
            try:
                raise ConnectionError("homeserver unreachable")
            except ConnectionError as e:
                raise SendError("send failed: unreachable") from e
        raise SendError("the homeserver refused the event: M_FORBIDDEN")

    return handler


async def test_a_send_refused_for_good_is_dropped_after_few_tries(
    make_bot: Callable[..., Bot],
) -> None:
    outlet = FakeOutlet(refuse_room(DM))
    bot = make_bot(outlet)
    await bot.person("bonjour")
    await bot.router.flush()
    assert len(outlet.attempts) == QUICK.refused_tries
    assert await outbox.pending(bot.db) == []


async def test_an_outage_keeps_the_full_patience(make_bot: Callable[..., Bot]) -> None:
    outlet = FakeOutlet(refuse_room(DM, outage=True))
    bot = make_bot(outlet)
    await bot.person("bonjour")
    await bot.router.flush()
    assert len(outlet.attempts) == QUICK.max_tries


async def test_a_refused_room_does_not_hold_other_rooms(make_bot: Callable[..., Bot]) -> None:
    outlet = FakeOutlet(refuse_room(DM))
    bot = make_bot(outlet)
    await bot.person("bonjour")
    await asyncio.wait_for(bot.person("bonjour", room=OTHER_DM), timeout=2)
    await bot.router.flush()
    assert len(outlet.bodies(OTHER_DM)) == 1


def test_only_a_quick_no_of_the_homeserver_counts_as_refused() -> None:
    refused = RetryPolicy().refused
    assert refused(SendError("the homeserver refused the event: M_FORBIDDEN"), 0.05)
    # the transport's own retries took time: a 502 while Synapse restarts, not a "no"
    assert not refused(SendError("send failed: 502"), 25.0)
    try:
        raise SendError("send failed: unreachable") from ConnectionError("down")
    except SendError as outage:
        assert not refused(outage, 0.05)
    assert not refused(RuntimeError("anything else"), 0.05)

"""The router and the sender without a homeserver: a fake outlet (tests/support/outlet.py),
a real SQLite file, the real dialogues and catalogs.

What is checked is what the outlet was asked to send, in which order, with which transaction
id: ordering per room, duplicates, retries that keep the transaction id, the drop after too
many tries, and the language of the replies.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import MediatorsConfig
from bot.desk import Desk
from bot.dialogue import texts as T
from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.i18n import Catalogs
from bot.matrix.events import Incoming
from bot.metrics import Metrics
from bot.router import Router
from bot.sender import RetryPolicy, Sender
from bot.store import Database, outbox
from tests.support.outlet import FakeOutlet, Send, SendFailed, always_fail, fail_first

REPO = Path(__file__).resolve().parent.parent
MEDIATORS = "!mediators:test"
DM = "!dm-a:test"
OTHER_DM = "!dm-b:test"
PERSON = "@person:test"
QUICK = RetryPolicy(max_tries=3, backoff=lambda tries: 0.0, idle_poll=0.05)


@pytest.fixture(scope="module")
def engine() -> Engine:
    loaded = load(REPO / "dialogues")
    # (not asserting loaded.ok: `bot check` and tests/dialogue/ are where the trees are checked)
    return Engine(loaded.tree)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load(REPO / "locales")


@dataclass
class Bench:
    router: Router
    outlet: FakeOutlet
    db: Database
    handled: list[str]

    async def say(self, text: str, room: str = DM, event_id: str | None = None) -> None:
        n = len(self.handled)
        await self.router.on_event(
            Incoming(room, PERSON, event_id or f"$in{n}-{room}", n, "text", body=text)
        )

    async def flush(self) -> None:
        await self.router.flush(timeout=5)


@pytest.fixture
async def make_bench(
    db: Database, engine: Engine, catalogs: Catalogs
) -> AsyncIterator[Callable[..., Bench]]:
    tasks: list[asyncio.Task[None]] = []

    def make(outlet: FakeOutlet | None = None, policy: RetryPolicy = QUICK) -> Bench:
        outlet = outlet or FakeOutlet()
        handled: list[str] = []
        desk = Desk(db, MediatorsConfig(room=MEDIATORS), MEDIATORS, catalogs, outlet.members)
        router = Router(db, engine, catalogs, desk, outlet,
                        metrics=Metrics(handled=handled.append),
                        sender=Sender(db, outlet.send, policy))
        tasks.append(asyncio.create_task(router.send_forever()))
        return Bench(router, outlet, db, handled)

    yield make
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def en(catalogs: Catalogs, msgid: str) -> str:
    return catalogs.gettext("en", msgid)


# --------------------------------------------------------------------------- ordering


async def test_each_message_gets_one_reply_in_order(make_bench: Callable[..., Bench]) -> None:
    bench = make_bench()
    for text in ("bonjour", "1", "menu"):
        await bench.say(text)
    await bench.flush()
    assert [s.room_id for s in bench.outlet.sent] == [DM, DM, DM]
    assert bench.handled == ["text", "text", "text"]
    replies = bench.outlet.bodies()
    assert "Relais" in replies[0]  # the welcome first
    assert replies[1] != replies[2]
    # one transaction id per reply, never reused for another message
    assert len({s.txn_id for s in bench.outlet.sent}) == 3


async def test_an_event_is_handled_once(make_bench: Callable[..., Bench]) -> None:
    bench = make_bench()
    await bench.say("bonjour", event_id="$same")
    await bench.say("bonjour", event_id="$same")
    await bench.flush()
    assert len(bench.outlet.sent) == 1


async def test_own_messages_are_not_answered(make_bench: Callable[..., Bench]) -> None:
    bench = make_bench()
    await bench.router.on_event(Incoming(DM, bench.outlet.user_id, "$own", 0, "text", body="x"))
    await bench.flush()
    assert bench.outlet.sent == []


async def test_concurrent_messages_of_a_room_stay_in_order(
    make_bench: Callable[..., Bench],
) -> None:
    bench = make_bench()
    await bench.say("bonjour")
    await bench.say("bonjour", room=OTHER_DM)
    await bench.flush()
    bench.outlet.sent.clear()
    # three messages of one room and one of another arrive together
    await asyncio.gather(
        bench.say("1", event_id="$a1"), bench.say("menu", event_id="$a2"),
        bench.say("2", event_id="$a3"), bench.say("1", room=OTHER_DM, event_id="$b1"),
    )
    await bench.flush()
    alone = make_bench()
    for text in ("bonjour", "1", "menu", "2"):
        await alone.say(text, room="!dm-c:test")
    await alone.flush()
    assert bench.outlet.bodies(DM) == alone.outlet.bodies("!dm-c:test")[1:]
    assert len(bench.outlet.bodies(OTHER_DM)) == 1


async def test_receipt_and_typing(make_bench: Callable[..., Bench]) -> None:
    """A quick answer shows the message was read; a receipt or "typing…" would say nothing
    more (tests/test_fast_path.py: when they are sent, and that they never hold a reply)."""
    bench = make_bench()
    await bench.say("bonjour", event_id="$hello")
    await bench.flush()
    await bench.router.signals.settle()
    assert bench.outlet.receipts == []
    assert bench.outlet.typings == []
    assert len(bench.outlet.sent) == 1


async def test_receipt_and_typing_never_hold_the_reply(
    make_bench: Callable[..., Bench],
) -> None:
    """A homeserver slow to take receipts and typing notices does not delay the reply."""
    bench = make_bench()
    gate = asyncio.Event()

    async def slow(*args: object) -> None:
        await gate.wait()

    bench.outlet.typing = slow  # type: ignore[method-assign]
    bench.outlet.read_receipt = slow  # type: ignore[method-assign]
    await asyncio.wait_for(bench.say("bonjour"), timeout=2)
    await bench.flush()
    assert len(bench.outlet.sent) == 1
    gate.set()
    await bench.router.signals.settle()


async def test_a_failing_handler_is_logged_and_counted(
    make_bench: Callable[..., Bench], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bench = make_bench()

    def broken(*args: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(bench.router.engine, "step", broken)
    await bench.say("bonjour")  # does not raise
    assert bench.handled == ["error"]
    assert "could not handle an event of kind text" in caplog.text
    monkeypatch.undo()
    await bench.say("bonjour", event_id="$again")
    await bench.flush()
    assert len(bench.outlet.sent) == 1


# --------------------------------------------------------------------------- retries


async def test_a_retry_keeps_the_transaction_id(make_bench: Callable[..., Bench]) -> None:
    bench = make_bench(FakeOutlet(fail_first(2)))
    await bench.say("bonjour")
    await bench.flush()
    attempts = bench.outlet.attempts
    assert len(attempts) == 3
    assert len({a.txn_id for a in attempts}) == 1
    assert len(bench.outlet.sent) == 1
    assert await outbox.pending(bench.db) == []


async def test_a_failing_message_holds_back_the_next_of_its_room(
    make_bench: Callable[..., Bench],
) -> None:
    bench = make_bench(FakeOutlet(fail_first(2)))
    await bench.say("bonjour")
    await bench.say("1")
    await bench.flush()
    first, second = bench.outlet.sent
    assert [a.txn_id for a in bench.outlet.attempts] == [first.txn_id] * 3 + [second.txn_id]


async def test_dropped_after_too_many_tries(
    make_bench: Callable[..., Bench], caplog: pytest.LogCaptureFixture
) -> None:
    outlet = FakeOutlet(always_fail)
    bench = make_bench(outlet)
    await bench.say("bonjour")
    await bench.flush()
    assert len(outlet.attempts) == QUICK.max_tries
    assert outlet.sent == []
    assert await outbox.pending(bench.db) == []
    warnings = [r for r in caplog.records if "sending fails" in r.getMessage()]
    assert len(warnings) == 1  # one warning per outage


async def test_after_a_drop_the_room_goes_on(make_bench: Callable[..., Bench]) -> None:
    failures = iter(range(QUICK.max_tries))

    def first_message_fails(send: Send) -> str:
        if next(failures, None) is not None:
            raise SendFailed("refused")
        return "$ok"

    bench = make_bench(FakeOutlet(first_message_fails))
    await bench.say("bonjour")
    await bench.say("1")
    await bench.flush()
    assert len(bench.outlet.sent) == 1
    assert bench.outlet.sent[0].txn_id != bench.outlet.attempts[0].txn_id


# --------------------------------------------------------------------------- languages


async def test_a_first_message_in_english_is_answered_in_english(
    make_bench: Callable[..., Bench], catalogs: Catalogs
) -> None:
    bench = make_bench()
    await bench.say("hello, I need help with my account please")
    await bench.flush()
    (reply,) = bench.outlet.bodies()
    assert en(catalogs, T.LANGUAGE_DETECTED) in reply
    assert "Hello" in reply


async def test_a_first_message_in_arabic_is_answered_right_to_left(
    make_bench: Callable[..., Bench], catalogs: Catalogs
) -> None:
    bench = make_bench()
    await bench.say("مرحبا، أحتاج مساعدة في حسابي")
    await bench.flush()
    (sent,) = bench.outlet.sent
    assert catalogs.gettext("ar", T.LANGUAGE_DETECTED) in sent.body
    assert 'dir="rtl"' in sent.content.get("formatted_body", "")


async def test_a_language_named_switches_and_back(
    make_bench: Callable[..., Bench], catalogs: Catalogs
) -> None:
    bench = make_bench()
    await bench.say("bonjour")
    await bench.say("english")
    await bench.say("menu")
    await bench.say("français")
    await bench.flush()
    welcome, to_english, menu_en, to_french = bench.outlet.bodies()
    assert "Bonjour" in welcome
    assert to_english.startswith("OK")
    assert en(catalogs, T.LANGUAGE_DETECTED) not in to_english
    assert menu_en != to_french
    assert to_french.startswith("D'accord, je continue en français")


async def test_langue_lists_the_languages(make_bench: Callable[..., Bench]) -> None:
    bench = make_bench()
    await bench.say("bonjour")
    await bench.say("langue")
    await bench.say("2")
    await bench.flush()
    _, listed, chosen = bench.outlet.bodies()
    assert "English" in listed and "العربية" in listed
    assert chosen.startswith("OK, I will continue in English")


async def test_distress_comes_before_a_language_switch(
    make_bench: Callable[..., Bench], catalogs: Catalogs
) -> None:
    bench = make_bench()
    await bench.say("bonjour")
    await bench.say("english help I want to kill myself")
    await bench.flush()
    distress = bench.outlet.bodies(DM)[1]
    assert "112" in distress or "3114" in distress
    assert not distress.startswith("OK, I will continue")

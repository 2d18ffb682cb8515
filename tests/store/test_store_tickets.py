"""Tickets: numbering, one active per person, the claim race, relays, message copies."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store import Database, open_db
from bot.store import tickets as t
from bot.store.tickets import Direction, Status


async def test_open_numbers_and_one_active_per_person(db: Database) -> None:
    first, created = await t.open_ticket(
        db, "!a:x", topic="caf", path=("caf:start", "caf:rsa"), reason="asked", now=100
    )
    assert created and first.number == 1 and first.status is Status.OPEN
    assert first.path == ("caf:start", "caf:rsa") and first.thread_root is None
    again, created = await t.open_ticket(db, "!a:x", priority=True, now=200)
    assert not created and again.id == first.id and again.priority
    # a lower priority request never downgrades
    again2, _ = await t.open_ticket(db, "!a:x", priority=False, now=300)
    assert again2.priority
    second, created = await t.open_ticket(db, "!b:x", now=150)
    assert created and second.number == 2
    assert await t.close(db, first.id, now=400)
    assert not await t.close(db, first.id, now=500)  # double close counts once
    third, created = await t.open_ticket(db, "!a:x", now=600)
    assert created and third.number == 3 and third.id != first.id


async def test_unique_index_refuses_a_second_active_ticket(db: Database) -> None:
    await t.open_ticket(db, "!a:x", now=1)
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO tickets (number, person_room, opened_at) VALUES (99, '!a:x', 2)"
        )


async def test_queue_priority_first_then_oldest(db: Database) -> None:
    old, _ = await t.open_ticket(db, "!old:x", now=10)
    new, _ = await t.open_ticket(db, "!new:x", now=20)
    urgent, _ = await t.open_ticket(db, "!urgent:x", priority=True, now=30)
    taken, _ = await t.open_ticket(db, "!taken:x", now=5)
    assert await t.claim(db, taken.id, "@m:x", now=40)
    assert [x.id for x in await t.queue(db)] == [urgent.id, old.id, new.id]
    assert [x.id for x in await t.active(db)] == [urgent.id, old.id, new.id, taken.id]
    assert [x.id for x in await t.claimed_by(db, "@m:x")] == [taken.id]


async def test_claim_release_transfer(db: Database) -> None:
    ticket, _ = await t.open_ticket(db, "!a:x", now=1)
    assert await t.claim(db, ticket.id, "@m1:x", now=2)
    assert not await t.claim(db, ticket.id, "@m2:x", now=3)
    got = await t.get(db, ticket.id)
    assert got is not None and got.claimed_by == "@m1:x" and got.claimed_at == 2
    assert not await t.release(db, ticket.id, mediator="@m2:x")  # not theirs
    assert await t.transfer(db, ticket.id, "@m2:x", from_mediator="@m1:x", now=4)
    assert not await t.transfer(db, ticket.id, "@m3:x", from_mediator="@m1:x", now=5)
    assert await t.release(db, ticket.id, mediator="@m2:x")
    got = await t.get(db, ticket.id)
    assert got is not None and got.status is Status.OPEN and got.claimed_by is None
    assert await t.close(db, ticket.id, now=6)
    assert not await t.claim(db, ticket.id, "@m1:x", now=7)


async def test_two_connections_claiming_at_once_exactly_one_wins(db_path: Path) -> None:
    one = await open_db(db_path)
    two = await open_db(db_path)
    try:
        ids = [(await t.open_ticket(one, f"!p{i}:x", now=i))[0].id for i in range(30)]
        for ticket_id in ids:
            results = await asyncio.gather(
                t.claim(one, ticket_id, "@alice:x", now=100),
                t.claim(two, ticket_id, "@bob:x", now=100),
            )
            assert sorted(results) == [False, True]
            winner = "@alice:x" if results[0] else "@bob:x"
            got = await t.get(two, ticket_id)
            assert got is not None and got.claimed_by == winner
    finally:
        await one.close()
        await two.close()


async def test_many_contenders_one_winner(db_path: Path) -> None:
    conns = [await open_db(db_path) for _ in range(5)]
    try:
        ticket, _ = await t.open_ticket(conns[0], "!p:x", now=1)
        results = await asyncio.gather(
            *(t.claim(c, ticket.id, f"@m{i}:x") for i, c in enumerate(conns))
        )
        assert results.count(True) == 1
    finally:
        for c in conns:
            await c.close()


async def test_thread_root_relays_and_messages(db: Database) -> None:
    ticket, _ = await t.open_ticket(db, "!a:x", now=1)
    # the root is filled by outbox.mark_sent (tests/store/test_store_outbox.py)
    await db.execute("UPDATE tickets SET thread_root = ? WHERE id = ?", ("$root", ticket.id))
    found = await t.by_thread(db, "$root")
    assert found is not None and found.id == ticket.id
    assert await t.record_relay(db, "$src", ticket.id, Direction.TO_THREAD)
    assert not await t.record_relay(db, "$src", ticket.id, Direction.TO_THREAD)
    row = await db.fetchone("SELECT direction FROM relays WHERE source_event_id = ?", ("$src",))
    assert row is not None and Direction(row["direction"]) is Direction.TO_THREAD
    await t.add_message(db, ticket.id, Direction.TO_THREAD, "bonjour", now=5)
    await t.add_message(db, ticket.id, Direction.TO_PERSON, "je regarde", now=6)
    assert [m.text for m in await t.messages(db, ticket.id)] == ["bonjour", "je regarde"]


async def test_stale_and_reminders(db: Database) -> None:
    ticket, _ = await t.open_ticket(db, "!a:x", now=100)
    assert [x.id for x in await t.stale(db, before=200)] == [ticket.id]
    await t.mark_reminded(db, ticket.id)
    assert await t.stale(db, before=200) == []
    await t.touch_person(db, ticket.id, now=300)
    assert await t.stale(db, before=250) == []
    assert [x.id for x in await t.stale(db, before=400)] == [ticket.id]


async def test_mediator_first_names(db: Database) -> None:
    assert await t.first_name(db, "@m:x") is None
    await t.set_first_name(db, "@m:x", "Léa")
    await t.set_first_name(db, "@m:x", "Léonie")
    assert await t.first_name(db, "@m:x") == "Léonie"

"""forget_person and purge remove personal data and keep the anonymous counters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from bot.dialogue.model import State
from bot.store import Database, conversations, counters, events, outbox, privacy
from bot.store import tickets as t
from bot.store.db import Row
from bot.store.tickets import Direction, Status

DAY = 86_400


async def _person_with_history(db: Database, room: str, now: int) -> int:
    await conversations.save_state(db, room, State(said=("mon rsa",)), now=now)
    ticket, _ = await t.open_ticket(db, room, topic="caf", path=("caf:start",), now=now)
    await t.record_relay(db, f"$src-{room}", ticket.id, Direction.TO_THREAD, "$copy")
    await t.add_message(db, ticket.id, Direction.TO_THREAD, "mon numéro allocataire", now=now)
    sent = await outbox.enqueue(db, room, {"body": "réponse"}, now=now)
    await outbox.mark_sent(db, sent.id, f"$sent-{room}", now=now)
    await counters.increment(db, date(2026, 5, 4), "handed_over", topic="caf")
    return ticket.id


async def _relay_target(db: Database, source_event_id: str) -> Row | None:
    return await db.fetchone("SELECT target_event_id FROM relays WHERE source_event_id = ?",
                             (source_event_id,))


async def _count(db: Database, table: str) -> int:
    row = await db.fetchone(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_forget_person_erases_only_that_person(db: Database) -> None:
    gone = await _person_with_history(db, "!gone:x", 1000)
    kept = await _person_with_history(db, "!kept:x", 1000)
    pending = await outbox.enqueue(db, "!gone:x", {"body": "c'est effacé"})

    result = await privacy.forget_person(db, "!gone:x", now=2000)

    assert result.conversations == 1 and result.tickets == 1
    assert result.closed_ticket_ids == (gone,)
    assert result.messages == 1 and result.relays == 1 and result.outbox == 1
    assert await conversations.get(db, "!gone:x") is None
    ticket = await t.get(db, gone)
    assert ticket is not None
    assert ticket.person_room is None and ticket.path == () and ticket.status is Status.CLOSED
    assert ticket.closed_at == 2000
    assert await t.messages(db, gone) == []
    assert await _relay_target(db, "$src-!gone:x") is None
    assert await t.active_for_room(db, "!gone:x") is None
    still = await outbox.next_pending(db, "!gone:x")
    assert still is not None and still.id == pending.id  # the confirmation still goes out
    # nothing of the other person moved
    assert await conversations.get(db, "!kept:x") is not None
    assert len(await t.messages(db, kept)) == 1
    assert await _relay_target(db, "$src-!kept:x") is not None
    # the counters are untouched
    rows = await counters.counter_rows(db, date(2026, 5, 4), date(2026, 5, 4))
    assert sum(r.count for r in rows) == 2
    # no trace of the room id left anywhere except the other person's rows
    dump = "\n".join([line async for line in _dump(db)])
    assert "!gone:x" not in dump
    assert "mon numéro allocataire" in dump  # kept person's copy


async def _dump(db: Database) -> AsyncIterator[str]:
    for table in ("conversations", "tickets", "relays", "ticket_messages", "handled_events"):
        for row in await db.fetchall(f"SELECT * FROM {table}"):
            yield f"{table}: {tuple(row)}"


async def test_forget_leaves_no_room_id_in_personal_tables(db: Database) -> None:
    await _person_with_history(db, "!gone:x", 1000)
    await privacy.forget_person(db, "!gone:x", now=2000)
    dump = "\n".join([line async for line in _dump(db)])
    assert "!gone:x" not in dump
    assert "mon numéro allocataire" not in dump
    assert "mon rsa" not in dump


async def test_purge_removes_old_data_and_keeps_recent_and_counters(db: Database) -> None:
    now = 100 * DAY
    old_room, new_room, waiting = "!old:x", "!new:x", "!waiting:x"
    old_ticket = await _person_with_history(db, old_room, now - 40 * DAY)
    await t.close(db, old_ticket, now=now - 10 * DAY)
    new_ticket = await _person_with_history(db, new_room, now - 2 * DAY)
    await t.close(db, new_ticket, now=now - 2 * DAY)
    # an old conversation still in handover is kept whatever its age
    await _person_with_history(db, waiting, now - 40 * DAY)
    await events.mark_handled(db, "$old", now=now - 8 * DAY)
    await events.mark_handled(db, "$new", now=now - 1 * DAY)

    result = await privacy.purge(db, now, state_days=30, ticket_days=7)

    assert result.conversations == 1
    assert await conversations.get(db, old_room) is None
    assert await conversations.get(db, new_room) is not None
    assert await conversations.get(db, waiting) is not None
    assert result.ticket_messages == 1 and result.relays == 1 and result.tickets_unlinked == 1
    assert await t.messages(db, old_ticket) == []
    assert len(await t.messages(db, new_ticket)) == 1
    old = await t.get(db, old_ticket)
    assert old is not None and old.person_room is None and old.number == 1
    assert result.handled_events == 1
    assert not await events.is_handled(db, "$old") and await events.is_handled(db, "$new")
    assert result.outbox == 3  # sent 40 and 2 days ago; none left but nothing pending lost
    assert result.total == 1 + 1 + 1 + 1 + 1 + 3
    assert await _count(db, "counters") == 1  # same day+topic row, count 3
    rows = await counters.counter_rows(db, date(2026, 5, 4), date(2026, 5, 4))
    assert rows[0].count == 3
    again = await privacy.purge(db, now, state_days=30, ticket_days=7)
    assert again.total == 0


async def test_conversations_roundtrip(db: Database) -> None:
    state = State(locale="uk", path=("caf:start",))
    await conversations.save_state(db, "!a:x", state, now=1_777_000_000)
    await conversations.save_state(db, "!a:x", state.but(misses=1), now=1_777_100_000)
    got = await conversations.get(db, "!a:x")
    assert got is not None and got.updated_at == 1_777_100_000
    assert got.created_day == "2026-04-24"  # first write, Paris time
    assert got.decoded() == state.but(misses=1)
    assert await conversations.load_state(db, "!b:x") is None

"""Outbox: atomic with the handled event, ordered per room, same txn_id after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.model import Phase, State
from bot.store import Database, conversations, events, open_db, outbox, privacy
from bot.store import tickets as t
from bot.store.tickets import Direction


def notice(text: str) -> dict[str, object]:
    return {"msgtype": "m.notice", "body": text, "m.mentions": {}}


async def test_reply_state_and_handled_event_commit_together(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await events.mark_handled(tx, "$in1")
            await conversations.save_state(tx, "!a:x", State(phase=Phase.NODE))
            await outbox.enqueue(tx, "!a:x", notice("bonjour"))
            raise RuntimeError("crash before commit")
    assert not await events.is_handled(db, "$in1")
    assert await conversations.load_state(db, "!a:x") is None
    assert await outbox.pending(db) == []


async def test_resend_after_restart_keeps_txn_id(db_path: Path) -> None:
    db = await open_db(db_path)
    async with db.transaction() as tx:
        await events.mark_handled(tx, "$in1")
        first = await outbox.enqueue(tx, "!a:x", notice("un"))
        second = await outbox.enqueue(tx, "!a:x", notice("deux"))
    other = await outbox.enqueue(db, "!b:x", notice("autre"))
    assert len({first.txn_id, second.txn_id, other.txn_id}) == 3
    # the sender sent the first one, then the process died
    assert await outbox.mark_sent(db, first.id, "$out1")
    await db.close()

    db = await open_db(db_path)
    try:
        assert await outbox.pending_rooms(db) == ["!a:x", "!b:x"]
        nxt = await outbox.next_pending(db, "!a:x")
        assert nxt is not None
        assert (nxt.id, nxt.txn_id, nxt.content) == (second.id, second.txn_id, notice("deux"))
        assert [i.txn_id for i in await outbox.pending(db)] == [second.txn_id, other.txn_id]
        assert await outbox.mark_sent(db, second.id, "$out2")
        assert not await outbox.mark_sent(db, second.id, "$dup")  # a late duplicate answer
        assert await outbox.next_pending(db, "!a:x") is None
        got = await outbox.get(db, second.id)
        assert got is not None and got.txn_id == second.txn_id
    finally:
        await db.close()


async def test_thread_items_wait_for_their_root(db: Database) -> None:
    ticket, _ = await t.open_ticket(db, "!person:x", now=1)
    root = await outbox.enqueue(db, "!mediators:x", notice("#1"), root_of_ticket=ticket.id)
    await t.record_relay(db, "$person-msg", ticket.id, Direction.TO_THREAD)
    inner = await outbox.enqueue(
        db, "!mediators:x", notice("copie"), thread_of_ticket=ticket.id, relay_source="$person-msg"
    )
    assert root.ready and not inner.ready and inner.thread_root is None
    assert await outbox.mark_sent(db, root.id, "$root")
    got = await t.get(db, ticket.id)
    assert got is not None and got.thread_root == "$root"
    nxt = await outbox.next_pending(db, "!mediators:x")
    assert nxt is not None and nxt.id == inner.id and nxt.ready and nxt.thread_root == "$root"
    assert await outbox.mark_sent(db, inner.id, "$copy")
    relay = await db.fetchone(
        "SELECT target_event_id FROM relays WHERE source_event_id = ?", ("$person-msg",)
    )
    assert relay is not None and relay["target_event_id"] == "$copy"


async def test_drop_unblocks_room_and_purge_deletes_old_sent(db: Database) -> None:
    stuck = await outbox.enqueue(db, "!gone:x", notice("a"), now=0)
    later = await outbox.enqueue(db, "!gone:x", notice("b"), now=0)
    assert await outbox.note_attempt(db, stuck.id) == 1
    assert await outbox.note_attempt(db, stuck.id) == 2
    assert await outbox.drop(db, stuck.id)
    nxt = await outbox.next_pending(db, "!gone:x")
    assert nxt is not None and nxt.id == later.id
    assert await outbox.mark_sent(db, later.id, "$b", now=10)
    assert (await privacy.purge(db, now=10 + 3600)).outbox == 0
    assert (await privacy.purge(db, now=10 + 2 * 86400)).outbox == 2
    assert await outbox.get(db, later.id) is None


async def test_explicit_txn_id_is_unique(db: Database) -> None:
    await outbox.enqueue(db, "!a:x", notice("a"), txn_id="fixed")
    with pytest.raises(Exception, match="UNIQUE"):
        await outbox.enqueue(db, "!a:x", notice("b"), txn_id="fixed")

"""Messages to send, written in the same transaction as the state that decided them.

A reply is first a row here with its own ``txn_id``; a sender drains pending rows in order per
room and marks them sent.  After a crash the same rows go out again with the SAME txn_id, and
the homeserver's transaction dedupe (``PUT /rooms/{room}/send/{type}/{txnId}``) turns the
retry into the original event: each reply is delivered exactly once.

Two links make handover threads work without the router waiting for the network:
``root_of_ticket`` marks the message that opens a ticket's thread (sending it fills
``tickets.thread_root``) and ``thread_of_ticket`` marks messages that belong in that thread
(``OutboxItem.thread_root`` is resolved at read time; the item is not ``ready`` before).
``relay_source`` fills ``relays.target_event_id`` once the copy is sent.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.store._time import now_s
from bot.store.db import Conn, Row

SENT_KEEP_DAYS = 1


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One pending reply as the sender reads it: ``txn_id`` is fixed at write time, so every
    retry of this row is the same event to the homeserver."""

    id: int
    txn_id: str
    room_id: str
    content: Mapping[str, Any]
    created_at: int
    attempts: int
    root_of_ticket: int | None
    thread_of_ticket: int | None
    thread_root: str | None  # the thread's root event, when thread_of_ticket is set and known
    relay_source: str | None

    @property
    def ready(self) -> bool:
        """False while it waits for its thread's root to be sent."""
        return self.thread_of_ticket is None or self.thread_root is not None


_SELECT = """SELECT o.id, o.txn_id, o.room_id, o.content, o.created_at, o.attempts,
                    o.root_of_ticket, o.thread_of_ticket, t.thread_root, o.relay_source
             FROM outbox o LEFT JOIN tickets t ON t.id = o.thread_of_ticket"""


def _row(row: Row) -> OutboxItem:
    return OutboxItem(
        id=int(row["id"]),
        txn_id=row["txn_id"],
        room_id=row["room_id"],
        content=json.loads(row["content"]),
        created_at=int(row["created_at"]),
        attempts=int(row["attempts"]),
        root_of_ticket=row["root_of_ticket"],
        thread_of_ticket=row["thread_of_ticket"],
        thread_root=row["thread_root"],
        relay_source=row["relay_source"],
    )


def new_txn_id() -> str:
    return f"relais-{uuid.uuid4().hex}"


async def enqueue(
    conn: Conn,
    room_id: str,
    content: Mapping[str, Any],
    *,
    txn_id: str | None = None,
    root_of_ticket: int | None = None,
    thread_of_ticket: int | None = None,
    relay_source: str | None = None,
    now: float | None = None,
) -> OutboxItem:
    """Add a message to send (``content`` is the event content, ``m.room.message``)."""
    txn = txn_id or new_txn_id()
    item_id = await conn.insert(
        """INSERT INTO outbox (txn_id, room_id, content, created_at, root_of_ticket,
                               thread_of_ticket, relay_source)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            txn,
            room_id,
            json.dumps(content, ensure_ascii=False, separators=(",", ":")),
            now_s(now),
            root_of_ticket,
            thread_of_ticket,
            relay_source,
        ),
    )
    item = await get(conn, item_id)
    assert item is not None
    return item


async def get(conn: Conn, item_id: int) -> OutboxItem | None:
    row = await conn.fetchone(f"{_SELECT} WHERE o.id = ?", (item_id,))
    return None if row is None else _row(row)


async def next_pending(conn: Conn, room_id: str) -> OutboxItem | None:
    """The oldest unsent message for the room: send it before anything later."""
    row = await conn.fetchone(
        f"{_SELECT} WHERE o.room_id = ? AND o.sent_event_id IS NULL AND o.dropped = 0"
        " ORDER BY o.id LIMIT 1",
        (room_id,),
    )
    return None if row is None else _row(row)


async def pending(conn: Conn, *, limit: int = 1000) -> list[OutboxItem]:
    """Every unsent message, oldest first (rooms interleaved)."""
    rows = await conn.fetchall(
        f"{_SELECT} WHERE o.sent_event_id IS NULL AND o.dropped = 0 ORDER BY o.id LIMIT ?",
        (limit,),
    )
    return [_row(row) for row in rows]


async def pending_rooms(conn: Conn) -> list[str]:
    """Rooms with something to send, the longest-waiting first."""
    rows = await conn.fetchall(
        "SELECT room_id FROM outbox WHERE sent_event_id IS NULL AND dropped = 0"
        " GROUP BY room_id ORDER BY MIN(id)"
    )
    return [row["room_id"] for row in rows]


async def mark_sent(conn: Conn, item_id: int, event_id: str, *, now: float | None = None) -> bool:
    """Record delivery and fill the links that waited for this event id.

    False when the row was already marked (a retry answered twice): nothing changes then.
    """
    async with conn.transaction() as tx:
        changed = await tx.execute(
            "UPDATE outbox SET sent_event_id = ?, sent_at = ?, attempts = attempts + 1"
            " WHERE id = ? AND sent_event_id IS NULL",
            (event_id, now_s(now), item_id),
        )
        if changed != 1:
            return False
        row = await tx.fetchone(
            "SELECT root_of_ticket, relay_source FROM outbox WHERE id = ?", (item_id,)
        )
        assert row is not None
        if row["root_of_ticket"] is not None:
            await tx.execute(
                "UPDATE tickets SET thread_root = ? WHERE id = ? AND thread_root IS NULL",
                (event_id, row["root_of_ticket"]),
            )
        if row["relay_source"] is not None:
            await tx.execute(
                "UPDATE relays SET target_event_id = ? WHERE source_event_id = ?",
                (event_id, row["relay_source"]),
            )
        return True


async def note_attempt(conn: Conn, item_id: int) -> int:
    """Count a failed try; returns the number of tries so far (to decide when to give up)."""
    await conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (item_id,))
    row = await conn.fetchone("SELECT attempts FROM outbox WHERE id = ?", (item_id,))
    return 0 if row is None else int(row["attempts"])


async def drop(conn: Conn, item_id: int) -> bool:
    """Give up on a message that cannot be delivered (left room…), unblocking the room."""
    changed = await conn.execute(
        "UPDATE outbox SET dropped = 1 WHERE id = ? AND sent_event_id IS NULL", (item_id,)
    )
    return changed == 1

"""Handover tickets, their relayed messages and the mediators' first names.

Every state change is one conditional UPDATE (``… WHERE status = 'open'``): SQLite runs writes
one at a time, so when two mediators claim the same ticket at once exactly one UPDATE matches a
row, and the return value says who won.  No read-then-write races, even across processes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.store._time import now_s
from bot.store.db import Conn, Row


class Status(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"


class Direction(StrEnum):
    TO_THREAD = "to_thread"  # person -> mediators' thread
    TO_PERSON = "to_person"  # mediator -> person's DM


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    number: int  # short, human: "#12"
    person_room: str | None  # None once the person asked to be forgotten (or after purge)
    thread_root: str | None  # root event id in the mediators' room, None until posted
    status: Status
    priority: bool
    topic: str | None
    path: tuple[str, ...]
    locale: str
    reason: str
    opened_at: int
    claimed_by: str | None
    claimed_at: int | None
    closed_at: int | None
    last_person_at: int | None
    reminded: bool


@dataclass(frozen=True, slots=True)
class TicketMessage:
    ticket_id: int
    at: int
    direction: Direction
    text: str


_COLUMNS = (
    "id, number, person_room, thread_root, status, priority, topic, path, locale, reason,"
    " opened_at, claimed_by, claimed_at, closed_at, last_person_at, reminded"
)


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _row(row: Row) -> Ticket:
    try:
        path = tuple(str(p) for p in json.loads(row["path"]))
    except (ValueError, TypeError):
        path = ()
    return Ticket(
        id=int(row["id"]),
        number=int(row["number"]),
        person_room=row["person_room"],
        thread_root=row["thread_root"],
        status=Status(row["status"]),
        priority=bool(row["priority"]),
        topic=row["topic"],
        path=path,
        locale=row["locale"],
        reason=row["reason"],
        opened_at=int(row["opened_at"]),
        claimed_by=row["claimed_by"],
        claimed_at=_opt_int(row["claimed_at"]),
        closed_at=_opt_int(row["closed_at"]),
        last_person_at=_opt_int(row["last_person_at"]),
        reminded=bool(row["reminded"]),
    )


async def _one(conn: Conn, where: str, params: Sequence[str | int]) -> Ticket | None:
    row = await conn.fetchone(f"SELECT {_COLUMNS} FROM tickets WHERE {where}", params)
    return None if row is None else _row(row)


async def _many(conn: Conn, where: str, params: Sequence[str | int] = ()) -> list[Ticket]:
    rows = await conn.fetchall(f"SELECT {_COLUMNS} FROM tickets WHERE {where}", params)
    return [_row(row) for row in rows]


# --------------------------------------------------------------------------- reading


async def get(conn: Conn, ticket_id: int) -> Ticket | None:
    return await _one(conn, "id = ?", (ticket_id,))


async def by_thread(conn: Conn, thread_root: str) -> Ticket | None:
    return await _one(conn, "thread_root = ?", (thread_root,))


async def active_for_room(conn: Conn, person_room: str) -> Ticket | None:
    """The person's ticket that is not closed (there is at most one)."""
    return await _one(conn, "person_room = ? AND status != 'closed'", (person_room,))


async def queue(conn: Conn) -> list[Ticket]:
    """Tickets waiting for a mediator: priority first, then the oldest."""
    return await _many(conn, "status = 'open' ORDER BY priority DESC, opened_at, id")


async def active(conn: Conn) -> list[Ticket]:
    """Open and claimed tickets, in queue order (open ones first)."""
    return await _many(
        conn,
        "status != 'closed' ORDER BY status = 'claimed', priority DESC, opened_at, id",
    )


async def claimed_by(conn: Conn, mediator: str) -> list[Ticket]:
    return await _many(
        conn, "status = 'claimed' AND claimed_by = ? ORDER BY claimed_at, id", (mediator,)
    )


async def stale(conn: Conn, *, before: float) -> list[Ticket]:
    """Tickets not closed, not yet reminded, with nothing from the person since ``before``."""
    return await _many(
        conn,
        "status != 'closed' AND reminded = 0 AND COALESCE(last_person_at, opened_at) < ?"
        " ORDER BY priority DESC, opened_at, id",
        (int(before),),
    )


# --------------------------------------------------------------------------- changes


async def open_ticket(
    conn: Conn,
    person_room: str,
    *,
    priority: bool = False,
    topic: str | None = None,
    path: Sequence[str] = (),
    locale: str = "fr",
    reason: str = "",
    now: float | None = None,
) -> tuple[Ticket, bool]:
    """Open a ticket for the person, or return the one already active (``created`` False).

    A second handover while a ticket is active only raises its priority, never lowers it.
    """
    at = now_s(now)
    async with conn.transaction() as tx:
        existing = await active_for_room(tx, person_room)
        if existing is not None:
            if priority and not existing.priority:
                await tx.execute("UPDATE tickets SET priority = 1 WHERE id = ?", (existing.id,))
                existing = await get(tx, existing.id)
                assert existing is not None
            return existing, False
        ticket_id = await tx.insert(
            """INSERT INTO tickets (number, person_room, priority, topic, path, locale, reason,
                                    opened_at, last_person_at)
               SELECT COALESCE(MAX(number), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM tickets""",
            (
                person_room,
                int(priority),
                topic,
                json.dumps(list(path), ensure_ascii=False),
                locale,
                reason,
                at,
                at,
            ),
        )
        ticket = await get(tx, ticket_id)
        assert ticket is not None
        return ticket, True


async def claim(conn: Conn, ticket_id: int, mediator: str, *, now: float | None = None) -> bool:
    """Take an open ticket. True only for the one call that won."""
    changed = await conn.execute(
        "UPDATE tickets SET status = 'claimed', claimed_by = ?, claimed_at = ?"
        " WHERE id = ? AND status = 'open'",
        (mediator, now_s(now), ticket_id),
    )
    return changed == 1


async def release(conn: Conn, ticket_id: int, *, mediator: str | None = None) -> bool:
    """Put a claimed ticket back in the queue (only its holder's, when ``mediator`` given)."""
    sql = (
        "UPDATE tickets SET status = 'open', claimed_by = NULL, claimed_at = NULL, reminded = 0"
        " WHERE id = ? AND status = 'claimed'"
    )
    params: tuple[str | int, ...] = (ticket_id,)
    if mediator is not None:
        sql += " AND claimed_by = ?"
        params = (ticket_id, mediator)
    return await conn.execute(sql, params) == 1


async def transfer(
    conn: Conn,
    ticket_id: int,
    to_mediator: str,
    *,
    from_mediator: str | None = None,
    now: float | None = None,
) -> bool:
    """Give a claimed ticket to another mediator (or claim an open one for them)."""
    sql = (
        "UPDATE tickets SET status = 'claimed', claimed_by = ?, claimed_at = ?"
        " WHERE id = ? AND status != 'closed'"
    )
    params: tuple[str | int, ...] = (to_mediator, now_s(now), ticket_id)
    if from_mediator is not None:
        sql += " AND claimed_by = ?"
        params = (*params, from_mediator)
    return await conn.execute(sql, params) == 1


async def close(conn: Conn, ticket_id: int, *, now: float | None = None) -> bool:
    """Close a ticket; False when it was already closed (so a double close counts once)."""
    changed = await conn.execute(
        "UPDATE tickets SET status = 'closed', closed_at = ? WHERE id = ? AND status != 'closed'",
        (now_s(now), ticket_id),
    )
    return changed == 1


async def touch_person(conn: Conn, ticket_id: int, *, now: float | None = None) -> None:
    """The person wrote: restart the reminder clock."""
    await conn.execute(
        "UPDATE tickets SET last_person_at = ?, reminded = 0 WHERE id = ?",
        (now_s(now), ticket_id),
    )


async def mark_reminded(conn: Conn, ticket_id: int) -> None:
    await conn.execute("UPDATE tickets SET reminded = 1 WHERE id = ?", (ticket_id,))


# --------------------------------------------------------------------------- relays


async def record_relay(
    conn: Conn,
    source_event_id: str,
    ticket_id: int,
    direction: Direction,
    target_event_id: str | None = None,
) -> bool:
    """Remember a relayed message; False when this source was already relayed."""
    changed = await conn.execute(
        "INSERT OR IGNORE INTO relays (source_event_id, ticket_id, direction, target_event_id)"
        " VALUES (?, ?, ?, ?)",
        (source_event_id, ticket_id, direction.value, target_event_id),
    )
    return changed > 0


# --------------------------------------------------------------------------- message copies


async def add_message(
    conn: Conn, ticket_id: int, direction: Direction, text: str, *, now: float | None = None
) -> None:
    """Keep a copy for the ticket's history; purged some days after closing."""
    await conn.execute(
        "INSERT INTO ticket_messages (ticket_id, at, direction, text) VALUES (?, ?, ?, ?)",
        (ticket_id, now_s(now), direction.value, text),
    )


async def messages(conn: Conn, ticket_id: int) -> list[TicketMessage]:
    rows = await conn.fetchall(
        "SELECT ticket_id, at, direction, text FROM ticket_messages WHERE ticket_id = ?"
        " ORDER BY at, id",
        (ticket_id,),
    )
    return [
        TicketMessage(
            ticket_id=int(r["ticket_id"]),
            at=int(r["at"]),
            direction=Direction(r["direction"]),
            text=r["text"],
        )
        for r in rows
    ]


# --------------------------------------------------------------------------- mediator names


async def set_first_name(conn: Conn, user_id: str, first_name: str) -> None:
    await conn.execute(
        "INSERT INTO mediator_names (user_id, first_name) VALUES (?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name",
        (user_id, first_name),
    )


async def first_name(conn: Conn, user_id: str) -> str | None:
    row = await conn.fetchone("SELECT first_name FROM mediator_names WHERE user_id = ?", (user_id,))
    return None if row is None else str(row["first_name"])

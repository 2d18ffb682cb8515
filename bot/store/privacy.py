"""Forgetting a person on request, and forgetting everyone's details on a schedule.

Statistics tables are never touched: they hold no identifier and no text.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store._time import DAY, now_s
from bot.store.db import Conn
from bot.store.events import HANDLED_KEEP_DAYS
from bot.store.outbox import SENT_KEEP_DAYS

STATE_DAYS = 30
TICKET_DAYS = 7


@dataclass(frozen=True, slots=True)
class Forgotten:
    conversations: int
    tickets: int  # tickets unlinked from the person
    closed_ticket_ids: tuple[int, ...]  # tickets that were still active: tell their thread
    messages: int
    relays: int
    outbox: int  # sent copies deleted (pending ones still go out)


@dataclass(frozen=True, slots=True)
class Purged:
    conversations: int
    ticket_messages: int
    tickets_unlinked: int
    relays: int
    handled_events: int
    outbox: int

    @property
    def total(self) -> int:
        return (
            self.conversations
            + self.ticket_messages
            + self.tickets_unlinked
            + self.relays
            + self.handled_events
            + self.outbox
        )


async def forget_person(conn: Conn, room_id: str, *, now: float | None = None) -> Forgotten:
    """Erase what the store keeps about the person of this DM room.

    Their active ticket is closed (nobody to relay to any more) and all their tickets lose the
    room link; ticket numbers, topics and statuses stay so the mediators' threads still make
    sense.  Unsent outbox rows stay, so the confirmation the router just queued still goes out.
    """
    at = now_s(now)
    async with conn.transaction() as tx:
        ticket_rows = await tx.fetchall(
            "SELECT id, status FROM tickets WHERE person_room = ?", (room_id,)
        )
        ids = [int(r["id"]) for r in ticket_rows]
        active = tuple(int(r["id"]) for r in ticket_rows if r["status"] != "closed")
        marks = ",".join("?" * len(ids))
        messages = relays = 0
        if ids:
            messages = await tx.execute(
                f"DELETE FROM ticket_messages WHERE ticket_id IN ({marks})", ids
            )
            relays = await tx.execute(f"DELETE FROM relays WHERE ticket_id IN ({marks})", ids)
            await tx.execute(
                f"UPDATE tickets SET status = 'closed', closed_at = ?"
                f" WHERE status != 'closed' AND id IN ({marks})",
                (at, *ids),
            )
            await tx.execute(
                f"UPDATE tickets SET person_room = NULL, path = '[]' WHERE id IN ({marks})", ids
            )
        conversations = await tx.execute("DELETE FROM conversations WHERE room_id = ?", (room_id,))
        outbox = await tx.execute(
            "DELETE FROM outbox WHERE room_id = ? AND (sent_event_id IS NOT NULL OR dropped = 1)",
            (room_id,),
        )
        return Forgotten(
            conversations=conversations,
            tickets=len(ids),
            closed_ticket_ids=active,
            messages=messages,
            relays=relays,
            outbox=outbox,
        )


async def purge(
    conn: Conn,
    now: float | None = None,
    *,
    state_days: int = STATE_DAYS,
    ticket_days: int = TICKET_DAYS,
) -> Purged:
    """Delete what is no longer needed; returns how many rows went, per kind.

    - conversation states untouched for ``state_days`` (except a person in an active handover),
    - message copies, relays, the person link and the mediator's id of tickets closed
      ``ticket_days`` ago,
    - handled event ids after 7 days, sent outbox rows after a day.
    """
    at = now_s(now)
    state_cutoff = at - state_days * DAY
    ticket_cutoff = at - ticket_days * DAY
    async with conn.transaction() as tx:
        conversations = await tx.execute(
            """DELETE FROM conversations WHERE updated_at < ? AND room_id NOT IN
               (SELECT person_room FROM tickets
                WHERE status != 'closed' AND person_room IS NOT NULL)""",
            (state_cutoff,),
        )
        old = "SELECT id FROM tickets WHERE status = 'closed' AND closed_at < ?"
        ticket_messages = await tx.execute(
            f"DELETE FROM ticket_messages WHERE ticket_id IN ({old})", (ticket_cutoff,)
        )
        relays = await tx.execute(
            f"DELETE FROM relays WHERE ticket_id IN ({old})", (ticket_cutoff,)
        )
        # who handled a request is personal data too (the mediator's Matrix id): it goes with
        # the person's link; the ticket number, topic and dates stay for the threads
        unlinked = await tx.execute(
            "UPDATE tickets SET person_room = NULL, path = '[]', claimed_by = NULL"
            " WHERE status = 'closed' AND closed_at < ?"
            " AND (person_room IS NOT NULL OR path != '[]' OR claimed_by IS NOT NULL)",
            (ticket_cutoff,),
        )
        handled = await tx.execute(
            "DELETE FROM handled_events WHERE handled_at < ?", (at - HANDLED_KEEP_DAYS * DAY,)
        )
        outbox_cutoff = at - SENT_KEEP_DAYS * DAY
        outbox = await tx.execute(
            "DELETE FROM outbox WHERE (sent_event_id IS NOT NULL AND sent_at < ?)"
            " OR (dropped = 1 AND created_at < ?)",
            (outbox_cutoff, outbox_cutoff),
        )
    return Purged(
        conversations=conversations,
        ticket_messages=ticket_messages,
        tickets_unlinked=unlinked,
        relays=relays,
        handled_events=handled,
        outbox=outbox,
    )

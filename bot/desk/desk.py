"""The desk: tickets as threads in the mediators' room, and the relays both ways.

Commands are in commands.py (a table of small handlers), office hours in hours.py (pure),
reminders and silent persons in timers.py, sentences in texts.py.

The desk never talks to Matrix directly: it writes what must be sent into the outbox, in the
same transaction as the ticket change, so a crash never loses or doubles a relayed message.
Mediators' texts are in the mediators' locale; what the person reads is in theirs.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import MediatorsConfig
from bot.desk import commands, hours, timers
from bot.desk import texts as D
from bot.desk.permissions import Members as Members  # re-exported by bot.desk
from bot.desk.permissions import PowerLevels
from bot.dialogue import texts as T
from bot.dialogue.model import HandOver, Phase, State
from bot.i18n import Catalogs, format_when, is_rtl
from bot.matrix.render import edit, in_thread, inert_text, plain_notice
from bot.store import conversations, counters, outbox, tickets
from bot.store._time import local_day, now_s
from bot.store.db import Conn, Database
from bot.store.tickets import Direction, Status, Ticket

log = logging.getLogger(__name__)



@dataclass(frozen=True, slots=True)
class RoomEvent:
    sender: str
    event_id: str
    kind: str
    body: str
    thread_root: str | None
    reacts_to: str | None
    key: str | None


class Desk:
    """Tickets, commands and relays; all writes go through the outbox."""

    def __init__(
        self,
        db: Database,
        config: MediatorsConfig,
        room_id: str,
        catalogs: Catalogs,
        members: Members,
        *,
        stats_summary: Callable[[], Awaitable[str]] | None = None,
        clock: Callable[[], float] = time.time,
        describe_path: Callable[[tuple[str, ...]], str] | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.room_id = room_id
        self.catalogs = catalogs
        # who may: remembered, so a command does not make the sync wait (permissions.py)
        self.levels = PowerLevels(members, room_id)
        self.stats_summary = stats_summary
        self.tz = ZoneInfo(config.hours.timezone)
        # what time it is for the office hours (unix seconds); tests set a fixed clock to
        # check "back on Monday" without waiting for a weekend
        self.clock = clock
        # topic title › option labels instead of node ids in the ticket's root
        self.describe_path = describe_path

    # ------------------------------------------------------------------ text helpers

    def m(self, msgid: str, **params: str) -> str:
        return self.catalogs.text(self.config.locale, msgid, tuple(params.items()))

    def p(self, locale: str, msgid: str, **params: str) -> str:
        return self.catalogs.text(locale, msgid, tuple(params.items()))

    async def name_of(self, conn: Conn, user_id: str | None) -> str:
        if not user_id:
            return "?"
        first = await tickets.first_name(conn, user_id)
        return first or user_id

    async def person_locale(self, conn: Conn, ticket: Ticket) -> str:
        """The language the person reads now: they may have switched since the ticket opened
        ("english" mid-handover), and ``ticket.locale`` keeps the opening one for statistics."""
        if ticket.person_room:
            state = await conversations.load_state(conn, ticket.person_room)
            if state is not None and state.locale:
                return state.locale
        return ticket.locale

    async def person_name(self, conn: Conn, user_id: str | None, locale: str) -> str:
        first = await tickets.first_name(conn, user_id) if user_id else None
        return first or self.p(locale, D.DEFAULT_NAME)

    async def claimed_text(self, conn: Conn, user_id: str | None, locale: str) -> str:
        """What the person reads when a mediator takes the request, with or without a name."""
        first = await tickets.first_name(conn, user_id) if user_id else None
        if first:
            return self.p(locale, D.CLAIMED_PERSON, name=first)
        return self.p(locale, D.CLAIMED_PERSON_UNNAMED)

    async def to_thread(self, conn: Conn, ticket: Ticket, text: str) -> None:
        await self.thread_content(conn, ticket, plain_notice(text))

    async def thread_content(self, conn: Conn, ticket: Ticket, content: dict[str, Any],
                              relay_source: str | None = None) -> None:
        if ticket.thread_root:
            content = in_thread(content, ticket.thread_root)
            await outbox.enqueue(conn, self.room_id, content, relay_source=relay_source)
        else:
            # root not sent yet: the sender fills the relation when it is
            await outbox.enqueue(conn, self.room_id, content, thread_of_ticket=ticket.id,
                                 relay_source=relay_source)

    async def to_person(self, conn: Conn, ticket: Ticket, text: str, locale: str) -> None:
        if ticket.person_room:
            rtl = is_rtl(locale)
            await outbox.enqueue(conn, ticket.person_room, plain_notice(text, rtl=rtl))

    # ------------------------------------------------------------------ office hours

    def is_open(self, now: dt.datetime) -> bool:
        return hours.is_open(self.config.hours, now)

    def next_opening(self, now: dt.datetime) -> dt.datetime | None:
        return hours.next_opening(self.config.hours, now)

    def waiting_text(self, place: int, locale: str, now: dt.datetime) -> str:
        parts = [self.p(locale, D.WAIT_PLACE, place=str(place))]
        if self.is_open(now):
            parts.append(self.p(locale, D.WAIT_OPEN))
        else:
            back = self.next_opening(now)
            if back is None:
                parts.append(self.p(locale, D.WAIT_CLOSED_UNKNOWN))
            else:
                parts.append(self.p(locale, D.WAIT_CLOSED, when=format_when(back, locale)))
        return "\n".join(parts)

    # ------------------------------------------------------------------ person side

    async def open(self, tx: Conn, person_room: str, effect: HandOver, state: State,
                   *, now: float | None = None) -> Ticket:
        """Open (or re-prioritise) the ticket; post its root; tell the person where they are."""
        at = now_s(now)
        ticket, created = await tickets.open_ticket(
            tx, person_room, priority=effect.priority, topic=effect.topic, path=effect.path,
            locale=state.locale, reason=effect.reason, now=at,
        )
        day = local_day(at, self.config.hours.timezone)
        if created:
            await counters.increment(tx, day, counters.Outcome.HANDED_OVER, topic=effect.topic,
                                     locale=state.locale,
                                     distress=effect.reason == "distress")
            await outbox.enqueue(tx, self.room_id, self._root(ticket, effect.said, at),
                                 root_of_ticket=ticket.id)
            for line in effect.said:
                await tickets.add_message(tx, ticket.id, Direction.TO_THREAD, line)
            place = await self._place(tx, ticket)
            hours_now = now if now is not None else self.clock()
            now_dt = dt.datetime.fromtimestamp(hours_now, tz=dt.UTC)
            await self.to_person(tx, ticket, self.waiting_text(place, state.locale, now_dt),
                                  state.locale)
        elif effect.priority:
            await self.to_thread(tx, ticket, self.m(D.PRIORITY_HIGH))
        return ticket

    def _root(self, ticket: Ticket, said: tuple[str, ...], at: int) -> dict[str, Any]:
        since = format_when(dt.datetime.fromtimestamp(at, tz=dt.UTC), self.config.locale,
                            tz=self.tz)
        lines = "\n".join(f"> {line}" for line in said[-10:]) or self.m(D.NOTHING_SAID)
        path = (self.describe_path(tuple(ticket.path)) if self.describe_path
                else " › ".join(dict.fromkeys(k.replace(":", " / ") for k in ticket.path[-4:])))
        text = self.m(
            D.ROOT,
            number=str(ticket.number),
            priority=self.m(D.PRIORITY_HIGH if ticket.priority else D.PRIORITY_NORMAL),
            path=path or (ticket.topic or "—"),
            locale=ticket.locale,
            since=since,
            said=lines,
        )
        content = inert_text(text)
        content["msgtype"] = "m.notice"
        return content

    async def _place(self, conn: Conn, ticket: Ticket) -> int:
        queue = await tickets.queue(conn)
        ids = [t.id for t in queue]
        return ids.index(ticket.id) + 1 if ticket.id in ids else 1

    async def relay_from_person(self, tx: Conn, person_room: str, event_id: str, text: str,
                                *, now: float | None = None) -> bool:
        ticket = await tickets.active_for_room(tx, person_room)
        if ticket is None:
            return False
        if not await tickets.record_relay(tx, event_id, ticket.id, Direction.TO_THREAD):
            return True  # already relayed before a crash
        await tickets.touch_person(tx, ticket.id, now=now)
        await tickets.add_message(tx, ticket.id, Direction.TO_THREAD, text)
        await self.thread_content(tx, ticket, inert_text(text), relay_source=event_id)
        return True

    async def relay_media_from_person(self, tx: Conn, person_room: str, event_id: str,
                                      content: dict[str, Any]) -> bool:
        ticket = await tickets.active_for_room(tx, person_room)
        if ticket is None:
            return False
        if not await tickets.record_relay(tx, event_id, ticket.id, Direction.TO_THREAD):
            return True
        await tickets.touch_person(tx, ticket.id)
        content = {**content, "m.mentions": {}}
        await self.thread_content(tx, ticket, content, relay_source=event_id)
        return True

    async def language_changed(self, tx: Conn, person_room: str, locale: str) -> None:
        """Tell the thread: the mediator may want to write in the person's new language."""
        ticket = await tickets.active_for_room(tx, person_room)
        if ticket is not None:
            await self.to_thread(tx, ticket, self.m(D.LANGUAGE_CHANGED, locale=locale))

    async def end_by_person(self, tx: Conn, person_room: str, *, left: bool = False,
                            forgotten: bool = False) -> None:
        ticket = await tickets.active_for_room(tx, person_room)
        if ticket is None:
            return
        await self.close(tx, ticket)
        note = D.PERSON_FORGOT if forgotten else D.PERSON_LEFT if left else D.PERSON_STOPPED
        await self.to_thread(tx, ticket, self.m(note))

    # ------------------------------------------------------------------ mediators' room

    async def members(self, room_id: str) -> dict[str, int]:
        return await self.levels.members(room_id)

    async def allowed(self, user_id: str) -> bool:
        return await self.levels.allowed(user_id, self.config.power_level)

    async def on_event(self, ev: RoomEvent, *, now: float | None = None) -> None:
        """One event of the mediators' room (already de-duplicated by the router)."""
        if ev.kind == "reaction":
            if ev.key and ev.key.startswith("👍") and ev.reacts_to:
                async with self.db.transaction() as tx:
                    ticket = await tickets.by_thread(tx, ev.reacts_to)
                if ticket is not None:
                    await commands.run(self, ev, ticket, commands.BY_NAME["claim"], "claim", "",
                                       now=now)
            return
        body = ev.body.strip()
        ticket = None
        if ev.thread_root:
            async with self.db.transaction() as tx:
                ticket = await tickets.by_thread(tx, ev.thread_root)
        if body.startswith("!"):
            command, word, arg = commands.parse(body)
            await commands.run(self, ev, ticket, command, word, arg, now=now)
            return
        if ticket is None or body.startswith("//"):
            return  # a chat between mediators, or an internal note
        await self._relay_to_person(ev, ticket)

    async def _relay_to_person(self, ev: RoomEvent, ticket: Ticket) -> None:
        async with self.db.transaction() as tx:
            ticket = await tickets.get(tx, ticket.id) or ticket
            if ticket.status is not Status.CLAIMED or ticket.claimed_by != ev.sender:
                who = await self.name_of(tx, ticket.claimed_by)
                text = self.m(D.NOT_CLAIMED) if ticket.status is Status.OPEN else (
                    self.m(D.NOT_YOURS, name=who) if ticket.status is Status.CLAIMED
                    else self.m(D.CLOSED, number=str(ticket.number)))
                await self.to_thread(tx, ticket, text)
                return
            if not ticket.person_room:
                await self.to_thread(tx, ticket, self.m(D.PERSON_GONE))
                return
            if not await tickets.record_relay(tx, ev.event_id, ticket.id, Direction.TO_PERSON):
                return
            locale = await self.person_locale(tx, ticket)
            name = await self.person_name(tx, ev.sender, locale)
            text = f"{name} : {ev.body}" if ev.kind == "text" else ev.body
            await tickets.add_message(tx, ticket.id, Direction.TO_PERSON, ev.body)
            await outbox.enqueue(tx, ticket.person_room,
                                 plain_notice(text, rtl=is_rtl(locale)),
                                 relay_source=ev.event_id)

    async def relay_media_to_person(self, ev: RoomEvent, ticket: Ticket,
                                    content: dict[str, Any]) -> None:
        async with self.db.transaction() as tx:
            current = await tickets.get(tx, ticket.id)
            if (current is None or current.status is not Status.CLAIMED
                    or current.claimed_by != ev.sender or not current.person_room):
                return
            if not await tickets.record_relay(tx, ev.event_id, ticket.id, Direction.TO_PERSON):
                return
            await outbox.enqueue(tx, current.person_room, {**content, "m.mentions": {}},
                                 relay_source=ev.event_id)

    async def after_claim(self, tx: Conn, ticket: Ticket, mediator: str, at: int) -> None:
        name = await self.name_of(tx, mediator)
        day = local_day(at, self.config.hours.timezone)
        await counters.increment(tx, day, counters.Outcome.CLAIMED, topic=ticket.topic,
                                 locale=ticket.locale)
        await counters.record_duration(tx, day, counters.Metric.WAIT, at - ticket.opened_at)
        await self.to_thread(tx, ticket, self.m(D.TAKEN_BY_YOU, number=str(ticket.number)))
        await self.edit_root(tx, ticket, taken_by=name)
        locale = await self.person_locale(tx, ticket)
        await self.to_person(tx, ticket, await self.claimed_text(tx, mediator, locale), locale)

    async def edit_root(self, tx: Conn, ticket: Ticket, *, taken_by: str | None = None,
                         closed: bool = False) -> None:
        if not ticket.thread_root:
            return
        said = tuple(m.text for m in await tickets.messages(tx, ticket.id)
                     if m.direction is Direction.TO_THREAD)[:10]
        content = self._root(ticket, said, ticket.opened_at)
        # neither closed nor taken: back to the original root (a released request)
        extra = (self.m(D.ROOT_CLOSED) if closed
                 else self.m(D.ROOT_TAKEN, name=taken_by) if taken_by else "")
        if extra:
            content["body"] = f"{extra}\n{content['body']}"
            content["formatted_body"] = f"<p><b>{extra}</b></p>{content['formatted_body']}"
        await outbox.enqueue(tx, self.room_id, edit(content, ticket.thread_root))

    async def close(self, tx: Conn, ticket: Ticket, *, at: int | None = None) -> bool:
        at = at or now_s()
        if not await tickets.close(tx, ticket.id, now=at):
            return False
        await self.edit_root(tx, ticket, closed=True)  # the room shows which requests are done
        day = local_day(at, self.config.hours.timezone)
        await counters.increment(tx, day, counters.Outcome.CLOSED, topic=ticket.topic,
                                 locale=ticket.locale)
        if ticket.claimed_at:
            await counters.record_duration(tx, day, counters.Metric.HANDOVER,
                                           at - ticket.claimed_at)
        return True

    async def person_back_to_bot(self, tx: Conn, ticket: Ticket, *, rate: bool) -> None:
        """The person's conversation leaves the handover (their state lives in SQLite)."""
        if not ticket.person_room:
            return
        stored = await conversations.load_state(tx, ticket.person_room)
        state = stored or State(locale=ticket.locale)
        if state.phase is Phase.HANDOVER:
            state = state.but(phase=Phase.RATE if rate else Phase.MENU, node=None, reason="",
                              priority=False)
            await conversations.save_state(tx, ticket.person_room, state)
        if rate:
            locale = state.locale
            text = "\n\n".join((self.p(locale, D.CLOSED_PERSON), self.p(locale, T.RATE_QUESTION)))
            await self.to_person(tx, ticket, text, locale)

    async def say(self, ev: RoomEvent, ticket: Ticket | None, text: str) -> None:
        async with self.db.transaction() as tx:
            if ticket is not None:
                await self.to_thread(tx, ticket, text)
            elif ev.thread_root:
                await outbox.enqueue(tx, self.room_id, in_thread(plain_notice(text),
                                                                 ev.thread_root))
            else:
                await outbox.enqueue(tx, self.room_id, plain_notice(text))

    async def queue_text(self, now: float | None) -> str:
        at = now_s(now)
        async with self.db.transaction() as tx:
            queue = await tickets.active(tx)
            if not queue:
                return self.m(D.QUEUE_EMPTY)
            lines = []
            for t in queue:
                minutes = max(0, (at - t.opened_at) // 60)
                status = (self.m(D.STATUS_OPEN) if t.status is Status.OPEN
                          else self.m(D.STATUS_CLAIMED, name=await self.name_of(tx, t.claimed_by)))
                lines.append(self.m(
                    D.QUEUE_LINE, number=str(t.number),
                    priority=self.m(D.PRIORITY_HIGH if t.priority else D.PRIORITY_NORMAL),
                    topic=t.topic or "—", since=f"{minutes} min", status=status))
        return "\n".join(lines)

    # ------------------------------------------------------------------ timers

    async def tick(self, *, now: float | None = None) -> None:
        """Reminders for unclaimed tickets; close handovers whose person went silent."""
        await timers.tick(self, now=now)

    async def ticket_for_thread(self, root: str) -> Ticket | None:
        async with self.db.transaction() as tx:
            return await tickets.by_thread(tx, root)

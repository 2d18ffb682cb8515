"""Incoming events -> the right handler; effects -> one transaction -> the outbox.

The one place for ordering rules:
- one lock per room: a conversation's events strictly in order, rooms independent;
- an event id is handled at most once (recorded in the same transaction as its effects);
- replies are written to the outbox in that transaction and sent afterwards with stable
  transaction ids, so a crash at any point gives exactly one reply per message;
- a failing handler is logged (without ids or text at INFO) and never stops the sync.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.desk import Desk, RoomEvent
from bot.dialogue import language_policy
from bot.dialogue import texts as T
from bot.dialogue.engine import Engine
from bot.dialogue.model import (
    Effect,
    End,
    Forget,
    HandOver,
    Outcome,
    Phase,
    Relay,
    Say,
    SetLocale,
    State,
    Step,
)
from bot.i18n import Catalogs, is_rtl
from bot.matrix.events import Incoming
from bot.matrix.render import notice
from bot.metrics import Metrics
from bot.present import Identity, render
from bot.sender import Sender
from bot.signals import Signals
from bot.store import conversations, counters, events, outbox
from bot.store._time import local_day
from bot.store.db import Conn, Database
from bot.store.privacy import forget_person

log = logging.getLogger(__name__)


class Outlet(Protocol):
    """What the router needs from the transport (kept small so tests can read it)."""

    user_id: str

    async def send(self, room_id: str, content: dict[str, Any], txn_id: str) -> str: ...

    async def typing(self, room_id: str, on: bool) -> None: ...

    async def read_receipt(self, room_id: str, event_id: str) -> None: ...

    async def relay_media(self, media: Any, to_room: str) -> dict[str, Any]: ...


@dataclass
class _Applied:
    """What applying a step's effects gathers before the reply is written."""

    state: State
    relaying: bool
    day: dt.date
    visible: list[Effect] = field(default_factory=list)
    handovers: list[HandOver] = field(default_factory=list)
    forgotten: bool = False


class _Replay(Exception):
    """The event was handled before (delivered again after a restart): nothing to do."""


class Router:
    def __init__(
        self,
        db: Database,
        engine: Engine,
        catalogs: Catalogs,
        desk: Desk,
        outlet: Outlet,
        *,
        identity: Identity | None = None,
        timezone: str = "Europe/Paris",
        metrics: Metrics | None = None,
        sender: Sender | None = None,
    ) -> None:
        self.db = db
        self.engine = engine
        self.catalogs = catalogs
        self.desk = desk
        self.outlet = outlet
        self.identity = identity or Identity()
        self.timezone = timezone
        self.metrics = metrics or Metrics()
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.sender = sender or Sender(db, outlet.send)
        self.signals = Signals(outlet)

    # ------------------------------------------------------------------ entry points

    async def on_event(self, ev: Incoming) -> None:
        started = time.monotonic()
        try:
            async with self._locks[ev.room_id]:
                if ev.sender == self.outlet.user_id:
                    await events.mark_handled(self.db, ev.event_id)
                    return
                if ev.room_id == self.desk.room_id:
                    if await events.is_handled(self.db, ev.event_id):
                        return
                    await self._mediators(ev)
                else:
                    await self._person(ev)
            self.metrics.handled(ev.kind)
        except _Replay:
            return
        except Exception:
            log.exception("could not handle an event of kind %s", ev.kind)
            self.metrics.handled("error")
        finally:
            self.metrics.latency(time.monotonic() - started)
            self.sender.kick(ev.room_id)  # its reply first, then whatever else was queued

    async def on_member_left(self, room_id: str) -> None:
        """The person left their DM: end any handover; the state is purged later."""
        try:
            async with self._locks[room_id], self.db.transaction() as tx:
                await self.desk.end_by_person(tx, room_id, left=True)
                state = await conversations.load_state(tx, room_id)
                if state is not None:
                    await conversations.save_state(tx, room_id, state.but(phase=Phase.MENU))
        except Exception:
            log.exception("could not handle a person leaving")
        self.kick()

    # ------------------------------------------------------------------ people

    async def _person(self, ev: Incoming) -> None:
        self.signals.working(ev.room_id)  # "typing…" only if the answer is slow to come
        try:
            answered = await self._person_event(ev)
        finally:
            self.signals.done(ev.room_id)
        if not answered:  # relayed to the mediators, a reaction: the receipt says it arrived
            self.signals.read(ev.room_id, ev.event_id)

    async def _person_event(self, ev: Incoming) -> bool:
        """Handle one event of a person's DM; True when they get an answer in their room.

        A text, the usual event, is checked for a replay by recording its id in the
        transaction of its effects (one statement less on every message's path).
        """
        if ev.kind != "text" and await events.is_handled(self.db, ev.event_id):
            raise _Replay
        state = await conversations.load_state(self.db, ev.room_id) or State()
        if ev.kind == "undecryptable":
            await self._reply_only(ev, state, (Say(T.UNDECRYPTABLE),))
            return True
        if ev.kind == "reaction":
            async with self.db.transaction() as tx:
                await events.mark_handled(tx, ev.event_id)
            return False
        if ev.kind == "media":
            return await self._person_media(ev, state)
        step = language_policy.step(self.engine, state, ev.body)
        async with self.db.transaction() as tx:
            if not await events.mark_handled(tx, ev.event_id):
                raise _Replay  # handled before a restart: rolled back, nothing is written
            return await self._apply(tx, ev, step)

    async def _apply(self, tx: Conn, ev: Incoming, step: Step) -> bool:
        """Write the step's effects; True when the person gets an answer in their room."""
        applied = _Applied(step.state, relaying=any(isinstance(e, Relay) for e in step.effects),
                           day=local_day(None, self.timezone))
        for effect in step.effects:
            await self._apply_one(tx, ev, effect, applied)
        state = applied.state
        message = render(applied.visible, self.catalogs.translator(state.locale),
                         identity=self.identity, rtl=is_rtl(state.locale), locale=state.locale)
        if message is not None:
            await outbox.enqueue(tx, ev.room_id, notice(message))
        for handover in applied.handovers:
            await self.desk.open(tx, ev.room_id, handover, state)
        if not applied.forgotten:
            await conversations.save_state(tx, ev.room_id, state)
        return message is not None

    async def _apply_one(self, tx: Conn, ev: Incoming, effect: Effect, applied: _Applied) -> None:
        """One effect of a step: what it changes in the store, or what the person reads."""
        room, state = ev.room_id, applied.state
        if isinstance(effect, Outcome):
            await counters.record_effect(tx, applied.day, effect, locale=state.locale)
        elif isinstance(effect, HandOver) and applied.relaying:
            await self.desk.open(tx, room, effect, state)  # the relay needs the ticket
        elif isinstance(effect, HandOver):
            applied.handovers.append(effect)  # after the reply: "noted" before "you are n°1"
        elif isinstance(effect, Relay):
            relayed = await self.desk.relay_from_person(tx, room, ev.event_id, effect.text)
            if not relayed:  # the ticket was closed meanwhile: back to the bot
                applied.state = state.but(phase=Phase.MENU)
                applied.visible.extend(self.engine.start(applied.state).effects)
        elif isinstance(effect, End):
            await self.desk.end_by_person(tx, room)
        elif isinstance(effect, SetLocale):
            if state.phase is Phase.HANDOVER:
                await self.desk.language_changed(tx, room, effect.locale)
        elif isinstance(effect, Forget):
            await self.desk.end_by_person(tx, room, forgotten=True)
            await forget_person(tx, room)
            applied.forgotten = True  # "C'est effacé": no row keyed by their room may come back
        else:
            applied.visible.append(effect)

    async def _reply_only(self, ev: Incoming, state: State, effects: tuple[Any, ...]) -> None:
        message = render(effects, self.catalogs.translator(state.locale),
                         identity=self.identity, rtl=is_rtl(state.locale), locale=state.locale)
        async with self.db.transaction() as tx:
            if message is not None:
                await outbox.enqueue(tx, ev.room_id, notice(message))
            await events.mark_handled(tx, ev.event_id)

    async def _person_media(self, ev: Incoming, state: State) -> bool:
        """True when the bot answered (a file outside a handover), False when relayed."""
        if state.phase is not Phase.HANDOVER or ev.media is None:
            await self._reply_only(ev, state, (Say(T.MEDIA_IN_BOT_MODE),))
            return True
        # network first (download + re-upload), then one transaction for the relay
        content = await self.outlet.relay_media(ev.media, self.desk.room_id)
        async with self.db.transaction() as tx:
            await self.desk.relay_media_from_person(tx, ev.room_id, ev.event_id, content)
            await events.mark_handled(tx, ev.event_id)
        return False

    # ------------------------------------------------------------------ mediators

    async def _mediators(self, ev: Incoming) -> None:
        room_event = RoomEvent(ev.sender, ev.event_id, ev.kind, ev.body, ev.thread_root,
                               ev.reacts_to, ev.key)
        if ev.kind == "media" and ev.thread_root and ev.media is not None:
            ticket = await self.desk.ticket_for_thread(ev.thread_root)
            if ticket is not None and ticket.person_room and ticket.claimed_by == ev.sender:
                content = await self.outlet.relay_media(ev.media, ticket.person_room)
                await self.desk.relay_media_to_person(room_event, ticket, content)
        elif ev.kind in ("text", "reaction"):
            await self.desk.on_event(room_event)
        await events.mark_handled(self.db, ev.event_id)

    # ------------------------------------------------------------------ sending

    def kick(self) -> None:
        """Wake the sender (bot/sender.py): something was queued."""
        self.sender.kick()

    async def send_forever(self) -> None:
        await self.sender.run()

    async def flush(self, timeout: float = 5.0) -> None:
        await self.sender.flush(timeout)

"""Handover to human mediators: one ticket = one thread in the mediators' room.

The desk never talks to Matrix directly: it writes what must be sent into the outbox, in the
same transaction as the ticket change, so a crash never loses or doubles a relayed message.
Mediators' texts are in the mediators' locale; what the person reads is in theirs.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import MediatorsConfig
from bot.dialogue import texts as T
from bot.dialogue.model import HandOver, Phase, State
from bot.dialogue.texts import N_
from bot.i18n import Catalogs, format_when
from bot.matrix.render import edit, in_thread, inert_text, plain_notice
from bot.store import conversations, counters, outbox, tickets
from bot.store._time import local_day, now_s
from bot.store.db import Conn, Database
from bot.store.tickets import Direction, Status, Ticket

log = logging.getLogger(__name__)

# --- what the person reads (their locale)
WAIT_PLACE = N_("Vous êtes n°{place} dans la file d'attente.")
WAIT_OPEN = N_("L'équipe est là en ce moment.")
WAIT_CLOSED = N_("L'équipe n'est pas là en ce moment. Elle revient {when}.")
WAIT_CLOSED_UNKNOWN = N_("L'équipe n'est pas là en ce moment. Elle vous répondra dès son retour.")
CLAIMED_PERSON = N_("{name}, de l'équipe, a pris votre demande. {name} va vous répondre ici.")
CLOSED_PERSON = N_("La conversation avec l'équipe est terminée. Merci de votre confiance.")
SILENT_PERSON = N_(
    "Je ferme la demande, car vous n'avez pas écrit depuis longtemps. "
    "Vous pouvez écrire à nouveau quand vous voulez."
)
RELEASED_PERSON = N_("Votre demande attend une autre personne de l'équipe.")
DEFAULT_NAME = N_("Une personne de l'équipe")
FORGOTTEN_PERSON = N_(
    "L'équipe a effacé ce que Relais gardait sur cette conversation. "
    "Vous êtes revenu au menu du robot."
)

# --- what mediators read (mediators' locale)
ROOT = N_(
    "Demande n°{number} — Personne n°{number}\n"
    "Priorité : {priority}\n"
    "Sujet : {path}\n"
    "Langue : {locale}\n"
    "En attente depuis : {since}\n"
    "Ce que la personne a écrit :\n{said}\n\n"
    "Pour la prendre : répondez « !prendre » dans ce fil, ou réagissez 👍."
)
ROOT_TAKEN = N_("Prise par {name}.")
ROOT_CLOSED = N_("Fermée.")
PRIORITY_HIGH = N_("URGENTE (détresse)")
PRIORITY_NORMAL = N_("normale")
NOTHING_SAID = N_("(rien)")
TAKEN_BY_YOU = N_("Vous avez pris la demande n°{number}. Vos messages dans ce fil vont à la "
                  "personne. Un message qui commence par // reste entre vous.")
ALREADY_TAKEN = N_("Déjà prise par {name}.")
NOT_YOURS = N_("Cette demande est prise par {name}. Vos messages ne sont pas transmis.")
NOT_CLAIMED = N_("Personne n'a pris cette demande. Écrivez « !prendre » pour la prendre.")
NOT_ALLOWED = N_("Vous n'avez pas le droit de faire cela dans cette salle.")
RELEASED = N_("La demande n°{number} revient dans la file.")
TRANSFERRED = N_("La demande n°{number} est maintenant à {name}.")
CLOSED = N_("La demande n°{number} est fermée.")
FORGOTTEN = N_("Les données de la personne n°{number} sont effacées.")
NAME_SET = N_("C'est noté : les personnes verront « {name} ».")
PERSON_LEFT = N_("La personne a quitté la conversation.")
LANGUAGE_CHANGED = N_("La personne lit maintenant en : {locale}. Les messages du robot lui "
                      "arrivent dans cette langue ; les vôtres sont transmis tels quels.")
PERSON_STOPPED = N_("La personne a arrêté la conversation.")
PERSON_FORGOT = N_("La personne a demandé l'effacement de ses données : demande fermée.")
PERSON_SILENT = N_("La personne n'a pas écrit depuis longtemps : demande fermée.")
REMINDER = N_("Rappel : la demande n°{number} attend depuis {minutes} minutes.")
QUEUE_EMPTY = N_("Aucune demande en attente.")
QUEUE_LINE = N_("n°{number} · {priority} · {topic} · depuis {since} · {status}")
STATUS_OPEN = N_("libre")
STATUS_CLAIMED = N_("prise par {name}")
HELP = N_(
    "Commandes dans un fil : !prendre (!claim), !liberer (!release), !transferer @personne "
    "(!transfer), !fin (!close), !oublier (!forget).\n"
    "Dans la salle : !file (!queue), !stats, !nom Prénom (!name), !aide (!help).\n"
    "Un message qui commence par // n'est pas transmis."
)
USAGE = N_("Commande inconnue ou incomplète : {command}. Écrivez !aide pour la liste.")
PERSON_GONE = N_("La personne n'est plus joignable (elle a quitté ou demandé l'effacement).")

Send = Callable[[str, dict[str, Any]], Awaitable[None]]
Members = Callable[[str], Awaitable[dict[str, int]]]

_COMMANDS = {
    "claim": "claim", "prendre": "claim", "prends": "claim", "take": "claim",
    "release": "release", "liberer": "release", "libérer": "release", "rendre": "release",
    "transfer": "transfer", "transferer": "transfer", "transférer": "transfer",
    "close": "close", "fin": "close", "fermer": "close",
    "queue": "queue", "file": "queue",
    "help": "help", "aide": "help",
    "name": "name", "nom": "name", "prenom": "name", "prénom": "name",
    "forget": "forget", "oublier": "forget",
    "stats": "stats",
}  # fmt: skip


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
        self.members = members
        self.stats_summary = stats_summary
        self.tz = ZoneInfo(config.hours.timezone)
        # what time it is for the office hours (unix seconds); tests set a fixed clock to
        # check "back on Monday" without waiting for a weekend
        self.clock = clock
        # topic title › option labels instead of node ids in the ticket's root
        self.describe_path = describe_path

    # ------------------------------------------------------------------ text helpers

    def _m(self, msgid: str, **params: str) -> str:
        return self.catalogs.text(self.config.locale, msgid, tuple(params.items()))

    def _p(self, locale: str, msgid: str, **params: str) -> str:
        return self.catalogs.text(locale, msgid, tuple(params.items()))

    async def _name(self, conn: Conn, user_id: str | None) -> str:
        if not user_id:
            return "?"
        first = await tickets.first_name(conn, user_id)
        return first or user_id

    async def _person_locale(self, conn: Conn, ticket: Ticket) -> str:
        """The language the person reads now: they may have switched since the ticket opened
        ("english" mid-handover), and ``ticket.locale`` keeps the opening one for statistics."""
        if ticket.person_room:
            state = await conversations.load_state(conn, ticket.person_room)
            if state is not None and state.locale:
                return state.locale
        return ticket.locale

    async def _person_name(self, conn: Conn, user_id: str | None, locale: str) -> str:
        first = await tickets.first_name(conn, user_id) if user_id else None
        return first or self._p(locale, DEFAULT_NAME)

    async def _to_thread(self, conn: Conn, ticket: Ticket, text: str) -> None:
        await self._thread_content(conn, ticket, plain_notice(text))

    async def _thread_content(self, conn: Conn, ticket: Ticket, content: dict[str, Any],
                              relay_source: str | None = None) -> None:
        if ticket.thread_root:
            content = in_thread(content, ticket.thread_root)
            await outbox.enqueue(conn, self.room_id, content, relay_source=relay_source)
        else:
            # root not sent yet: the sender fills the relation when it is
            await outbox.enqueue(conn, self.room_id, content, thread_of_ticket=ticket.id,
                                 relay_source=relay_source)

    async def _to_person(self, conn: Conn, ticket: Ticket, text: str, locale: str) -> None:
        if ticket.person_room:
            rtl = locale == "ar"
            await outbox.enqueue(conn, ticket.person_room, plain_notice(text, rtl=rtl))

    # ------------------------------------------------------------------ office hours

    def is_open(self, now: dt.datetime) -> bool:
        hours = self.config.hours
        if not hours.weekly:
            return True
        local = now.astimezone(self.tz)
        if local.date() in hours.closed:
            return False
        return any(d == local.weekday() and a <= local.time() < b for d, a, b in hours.weekly)

    def next_opening(self, now: dt.datetime) -> dt.datetime | None:
        hours = self.config.hours
        if not hours.weekly:
            return None
        local = now.astimezone(self.tz)
        for offset in range(0, 60):
            day = local.date() + dt.timedelta(days=offset)
            if day in hours.closed:
                continue
            for d, start, _end in hours.weekly:
                if d != day.weekday():
                    continue
                at = dt.datetime.combine(day, start, tzinfo=self.tz)
                if at > local:
                    return at
        return None

    def waiting_text(self, place: int, locale: str, now: dt.datetime) -> str:
        parts = [self._p(locale, WAIT_PLACE, place=str(place))]
        if self.is_open(now):
            parts.append(self._p(locale, WAIT_OPEN))
        else:
            back = self.next_opening(now)
            if back is None:
                parts.append(self._p(locale, WAIT_CLOSED_UNKNOWN))
            else:
                parts.append(self._p(locale, WAIT_CLOSED, when=format_when(back, locale)))
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
            await self._to_person(tx, ticket, self.waiting_text(place, state.locale, now_dt),
                                  state.locale)
        elif effect.priority:
            await self._to_thread(tx, ticket, self._m(PRIORITY_HIGH))
        return ticket

    def _root(self, ticket: Ticket, said: tuple[str, ...], at: int) -> dict[str, Any]:
        since = format_when(dt.datetime.fromtimestamp(at, tz=dt.UTC), self.config.locale,
                            tz=self.tz)
        lines = "\n".join(f"> {line}" for line in said[-10:]) or self._m(NOTHING_SAID)
        path = (self.describe_path(tuple(ticket.path)) if self.describe_path
                else " › ".join(dict.fromkeys(k.replace(":", " / ") for k in ticket.path[-4:])))
        text = self._m(
            ROOT,
            number=str(ticket.number),
            priority=self._m(PRIORITY_HIGH if ticket.priority else PRIORITY_NORMAL),
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
        await self._thread_content(tx, ticket, inert_text(text), relay_source=event_id)
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
        await self._thread_content(tx, ticket, content, relay_source=event_id)
        return True

    async def language_changed(self, tx: Conn, person_room: str, locale: str) -> None:
        """Tell the thread: the mediator may want to write in the person's new language."""
        ticket = await tickets.active_for_room(tx, person_room)
        if ticket is not None:
            await self._to_thread(tx, ticket, self._m(LANGUAGE_CHANGED, locale=locale))

    async def end_by_person(self, tx: Conn, person_room: str, *, left: bool = False,
                            forgotten: bool = False) -> None:
        ticket = await tickets.active_for_room(tx, person_room)
        if ticket is None:
            return
        await self._close(tx, ticket)
        note = PERSON_FORGOT if forgotten else PERSON_LEFT if left else PERSON_STOPPED
        await self._to_thread(tx, ticket, self._m(note))

    # ------------------------------------------------------------------ mediators' room

    async def allowed(self, user_id: str) -> bool:
        try:
            members = await self.members(self.room_id)
        except Exception as exc:
            log.warning("cannot check mediators' permissions (%s)", type(exc).__name__)
            return False
        level = members.get(user_id)
        return level is not None and level >= self.config.power_level

    async def on_event(self, ev: RoomEvent, *, now: float | None = None) -> None:
        """One event of the mediators' room (already de-duplicated by the router)."""
        if ev.kind == "reaction":
            if ev.key and ev.key.startswith("👍") and ev.reacts_to:
                async with self.db.transaction() as tx:
                    ticket = await tickets.by_thread(tx, ev.reacts_to)
                if ticket is not None:
                    await self._command(ev, ticket, "claim", "", now=now)
            return
        body = ev.body.strip()
        ticket = None
        if ev.thread_root:
            async with self.db.transaction() as tx:
                ticket = await tickets.by_thread(tx, ev.thread_root)
        if body.startswith("!"):
            word, _, rest = body[1:].partition(" ")
            command = _COMMANDS.get(word.lower())
            await self._command(ev, ticket, command or f"?{word}", rest.strip(), now=now)
            return
        if ticket is None or body.startswith("//"):
            return  # a chat between mediators, or an internal note
        await self._relay_to_person(ev, ticket)

    async def _relay_to_person(self, ev: RoomEvent, ticket: Ticket) -> None:
        async with self.db.transaction() as tx:
            ticket = await tickets.get(tx, ticket.id) or ticket
            if ticket.status is not Status.CLAIMED or ticket.claimed_by != ev.sender:
                who = await self._name(tx, ticket.claimed_by)
                text = self._m(NOT_CLAIMED) if ticket.status is Status.OPEN else (
                    self._m(NOT_YOURS, name=who) if ticket.status is Status.CLAIMED
                    else self._m(CLOSED, number=str(ticket.number)))
                await self._to_thread(tx, ticket, text)
                return
            if not ticket.person_room:
                await self._to_thread(tx, ticket, self._m(PERSON_GONE))
                return
            if not await tickets.record_relay(tx, ev.event_id, ticket.id, Direction.TO_PERSON):
                return
            locale = await self._person_locale(tx, ticket)
            name = await self._person_name(tx, ev.sender, locale)
            text = f"{name} : {ev.body}" if ev.kind == "text" else ev.body
            await tickets.add_message(tx, ticket.id, Direction.TO_PERSON, ev.body)
            await outbox.enqueue(tx, ticket.person_room,
                                 plain_notice(text, rtl=locale == "ar"),
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

    async def _command(self, ev: RoomEvent, ticket: Ticket | None, command: str, arg: str,
                       *, now: float | None = None) -> None:
        if command in ("help",):
            await self._say(ev, ticket, self._m(HELP))
            return
        if not await self.allowed(ev.sender):
            await self._say(ev, ticket, self._m(NOT_ALLOWED))
            return
        if command == "queue":
            await self._say(ev, ticket, await self._queue_text(now))
            return
        if command == "name":
            name = re.sub(r"[<>@\n]", "", arg).strip()[:40]
            if not name:
                await self._say(ev, ticket, self._m(USAGE, command="!nom Prénom"))
                return
            async with self.db.transaction() as tx:
                await tickets.set_first_name(tx, ev.sender, name)
            await self._say(ev, ticket, self._m(NAME_SET, name=name))
            return
        if command == "stats":
            text = await self.stats_summary() if self.stats_summary else "—"
            await self._say(ev, ticket, text)
            return
        if command.startswith("?") or ticket is None:
            usage = "!" + command.lstrip("?") if command.startswith("?") else "!" + command
            await self._say(ev, ticket, self._m(USAGE, command=usage))
            return
        members: dict[str, int] = {}
        if command == "transfer":
            members = await self.members(self.room_id)  # network: never inside a transaction
        async with self.db.transaction() as tx:
            at = now_s(now)
            if command == "claim":
                won = await tickets.claim(tx, ticket.id, ev.sender, now=at)
                current = await tickets.get(tx, ticket.id) or ticket
                if not won:
                    who = await self._name(tx, current.claimed_by)
                    text = (self._m(ALREADY_TAKEN, name=who) if current.status is Status.CLAIMED
                            else self._m(CLOSED, number=str(current.number)))
                    await self._to_thread(tx, current, text)
                    return
                await self._after_claim(tx, current, ev.sender, at)
            elif command == "release":
                if await tickets.release(tx, ticket.id, mediator=ev.sender):
                    await self._to_thread(tx, ticket, self._m(RELEASED, number=str(ticket.number)))
                    await self._edit_root(tx, ticket)  # no longer "Prise par …"
                    locale = await self._person_locale(tx, ticket)
                    await self._to_person(tx, ticket, self._p(locale, RELEASED_PERSON), locale)
                else:
                    await self._to_thread(tx, ticket, self._m(NOT_YOURS,
                                          name=await self._name(tx, ticket.claimed_by)))
            elif command == "transfer":
                target = arg.split()[0] if arg.split() else ""
                if not re.fullmatch(r"@[^:\s]+:\S+", target):
                    usage = self._m(USAGE, command="!transferer @nom:serveur")
                    await self._to_thread(tx, ticket, usage)
                    return
                if members.get(target, -1) < self.config.power_level:
                    await self._to_thread(tx, ticket, self._m(NOT_ALLOWED))
                    return
                if await tickets.transfer(tx, ticket.id, target, from_mediator=ev.sender, now=at):
                    current = await tickets.get(tx, ticket.id) or ticket
                    await self._to_thread(tx, current, self._m(
                        TRANSFERRED, number=str(ticket.number), name=await self._name(tx, target)))
                    await self._edit_root(tx, current, taken_by=await self._name(tx, target))
                    locale = await self._person_locale(tx, ticket)
                    person_name = await self._person_name(tx, target, locale)
                    await self._to_person(tx, ticket, self._p(locale, CLAIMED_PERSON,
                                                              name=person_name), locale)
                else:
                    await self._to_thread(tx, ticket, self._m(NOT_YOURS,
                                          name=await self._name(tx, ticket.claimed_by)))
            elif command == "close":
                if ticket.status is Status.CLAIMED and ticket.claimed_by != ev.sender:
                    await self._to_thread(tx, ticket, self._m(NOT_YOURS,
                                          name=await self._name(tx, ticket.claimed_by)))
                    return
                if await self._close(tx, ticket, at=at):
                    await self._to_thread(tx, ticket, self._m(CLOSED, number=str(ticket.number)))
                    await self._person_back_to_bot(tx, ticket, rate=True)
            elif command == "forget":
                room = ticket.person_room
                if room:
                    from bot.store.privacy import forget_person

                    await self._person_back_to_bot(tx, ticket, rate=False)
                    locale = await self._person_locale(tx, ticket)
                    await self._to_person(tx, ticket, self._p(locale, FORGOTTEN_PERSON), locale)
                    await self._close(tx, ticket, at=at)
                    await forget_person(tx, room, now=at)
                await self._to_thread(tx, ticket, self._m(FORGOTTEN, number=str(ticket.number)))

    async def _after_claim(self, tx: Conn, ticket: Ticket, mediator: str, at: int) -> None:
        name = await self._name(tx, mediator)
        day = local_day(at, self.config.hours.timezone)
        await counters.increment(tx, day, counters.Outcome.CLAIMED, topic=ticket.topic,
                                 locale=ticket.locale)
        await counters.record_duration(tx, day, counters.Metric.WAIT, at - ticket.opened_at)
        await self._to_thread(tx, ticket, self._m(TAKEN_BY_YOU, number=str(ticket.number)))
        await self._edit_root(tx, ticket, taken_by=name)
        locale = await self._person_locale(tx, ticket)
        person_name = await self._person_name(tx, mediator, locale)
        await self._to_person(tx, ticket, self._p(locale, CLAIMED_PERSON, name=person_name),
                              locale)

    async def _edit_root(self, tx: Conn, ticket: Ticket, *, taken_by: str | None = None,
                         closed: bool = False) -> None:
        if not ticket.thread_root:
            return
        said = tuple(m.text for m in await tickets.messages(tx, ticket.id)
                     if m.direction is Direction.TO_THREAD)[:10]
        content = self._root(ticket, said, ticket.opened_at)
        # neither closed nor taken: back to the original root (a released request)
        extra = (self._m(ROOT_CLOSED) if closed
                 else self._m(ROOT_TAKEN, name=taken_by) if taken_by else "")
        if extra:
            content["body"] = f"{extra}\n{content['body']}"
            content["formatted_body"] = f"<p><b>{extra}</b></p>{content['formatted_body']}"
        await outbox.enqueue(tx, self.room_id, edit(content, ticket.thread_root))

    async def _close(self, tx: Conn, ticket: Ticket, *, at: int | None = None) -> bool:
        at = at or now_s()
        if not await tickets.close(tx, ticket.id, now=at):
            return False
        await self._edit_root(tx, ticket, closed=True)  # the room shows which requests are done
        day = local_day(at, self.config.hours.timezone)
        await counters.increment(tx, day, counters.Outcome.CLOSED, topic=ticket.topic,
                                 locale=ticket.locale)
        if ticket.claimed_at:
            await counters.record_duration(tx, day, counters.Metric.HANDOVER,
                                           at - ticket.claimed_at)
        return True

    async def _person_back_to_bot(self, tx: Conn, ticket: Ticket, *, rate: bool) -> None:
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
            text = "\n\n".join((self._p(locale, CLOSED_PERSON), self._p(locale, T.RATE_QUESTION)))
            await self._to_person(tx, ticket, text, locale)

    async def _say(self, ev: RoomEvent, ticket: Ticket | None, text: str) -> None:
        async with self.db.transaction() as tx:
            if ticket is not None:
                await self._to_thread(tx, ticket, text)
            elif ev.thread_root:
                await outbox.enqueue(tx, self.room_id, in_thread(plain_notice(text),
                                                                 ev.thread_root))
            else:
                await outbox.enqueue(tx, self.room_id, plain_notice(text))

    async def _queue_text(self, now: float | None) -> str:
        at = now_s(now)
        async with self.db.transaction() as tx:
            queue = await tickets.active(tx)
            if not queue:
                return self._m(QUEUE_EMPTY)
            lines = []
            for t in queue:
                minutes = max(0, (at - t.opened_at) // 60)
                status = (self._m(STATUS_OPEN) if t.status is Status.OPEN
                          else self._m(STATUS_CLAIMED, name=await self._name(tx, t.claimed_by)))
                lines.append(self._m(
                    QUEUE_LINE, number=str(t.number),
                    priority=self._m(PRIORITY_HIGH if t.priority else PRIORITY_NORMAL),
                    topic=t.topic or "—", since=f"{minutes} min", status=status))
        return "\n".join(lines)

    # ------------------------------------------------------------------ timers

    async def tick(self, *, now: float | None = None) -> None:
        """Reminders for unclaimed tickets; close handovers whose person went silent."""
        at = now_s(now)
        async with self.db.transaction() as tx:
            for t in await tickets.active(tx):
                waited = at - t.opened_at
                if (t.status is Status.OPEN and not t.reminded
                        and waited >= self.config.reminder_minutes * 60):
                    await tickets.mark_reminded(tx, t.id)
                    await self._to_thread(tx, t, self._m(REMINDER, number=str(t.number),
                                                        minutes=str(waited // 60)))
                last = t.last_person_at or t.opened_at
                silent = at - last >= self.config.person_silent_hours * 3600
                if silent and await self._close(tx, t, at=at):
                    await self._to_thread(tx, t, self._m(PERSON_SILENT))
                    await self._person_back_to_bot(tx, t, rate=False)
                    locale = await self._person_locale(tx, t)
                    await self._to_person(tx, t, self._p(locale, SILENT_PERSON), locale)

    async def ticket_for_thread(self, root: str) -> Ticket | None:
        async with self.db.transaction() as tx:
            return await tickets.by_thread(tx, root)

"""The mediators' commands: one small handler per command, with its aliases, in one table.

    !prendre (!claim, 👍)  !liberer (!release)  !transferer @x (!transfer)  !fin (!close)
    !oublier (!forget)     !file (!queue)       !nom Prénom (!name)        !stats  !aide (!help)
    !recharger (!reload): the dialogues and catalogs again (mediators.reload_power_level)

`run` applies the rules every command shares: !aide is for everyone, the others need the
mediators' power level; room commands answer where they were asked; thread commands need a
ticket and run in one transaction (a network call they need, like the members for a
transfer, is made before it).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.desk import texts as D
from bot.store import tickets
from bot.store._time import now_s
from bot.store.db import Conn
from bot.store.privacy import forget_person
from bot.store.tickets import Status, Ticket

if TYPE_CHECKING:
    from bot.desk.desk import Desk, RoomEvent


@dataclass(frozen=True, slots=True)
class Call:
    """One command as a mediator wrote it, with what the handler may need."""

    ev: RoomEvent
    ticket: Ticket | None
    arg: str
    now: float | None
    members: dict[str, int]


@dataclass(frozen=True, slots=True)
class InThread:
    """What a thread command sees: its transaction, its ticket, the time."""

    tx: Conn
    ticket: Ticket
    at: int
    call: Call


RoomHandler = Callable[["Desk", Call], Awaitable[None]]
ThreadHandler = Callable[["Desk", InThread], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    room: RoomHandler | None = None  # answers anywhere, no ticket needed
    thread: ThreadHandler | None = None  # needs the thread's ticket; runs in a transaction
    public: bool = False  # no power level needed
    needs_members: bool = False  # the room's members, asked before the transaction


# ------------------------------------------------------------------ room commands


async def help_(desk: Desk, c: Call) -> None:
    await desk.say(c.ev, c.ticket, desk.m(D.HELP))


async def queue(desk: Desk, c: Call) -> None:
    await desk.say(c.ev, c.ticket, await desk.queue_text(c.now))


async def name(desk: Desk, c: Call) -> None:
    first = re.sub(r"[<>@\n]", "", c.arg).strip()[:40]
    if not first:
        await desk.say(c.ev, c.ticket, desk.m(D.USAGE, command="!nom Prénom"))
        return
    async with desk.db.transaction() as tx:
        await tickets.set_first_name(tx, c.ev.sender, first)
    await desk.say(c.ev, c.ticket, desk.m(D.NAME_SET, name=first))


async def stats(desk: Desk, c: Call) -> None:
    text = await desk.stats_summary() if desk.stats_summary else "—"
    await desk.say(c.ev, c.ticket, text)


async def reload_(desk: Desk, c: Call) -> None:
    """One reply where it was asked: the new tree's size, or every problem of a refused one."""
    from bot import reload

    reloader = reload.reloader_of(desk)
    if reloader is None:
        await reload.answer(desk, c.ev, c.ticket, desk.m(D.RELOAD_UNAVAILABLE))
        return
    if not await reload.may_reload(desk, c.ev.sender):
        level = str(desk.config.reload_power_level)
        await reload.answer(desk, c.ev, c.ticket, desk.m(D.RELOAD_NOT_ALLOWED, level=level))
        return
    result = await reloader.reload()
    await reload.answer(desk, c.ev, c.ticket, reload.report(desk.m, result))


# ------------------------------------------------------------------ thread commands


async def claim(desk: Desk, t: InThread) -> None:
    won = await tickets.claim(t.tx, t.ticket.id, t.call.ev.sender, now=t.at)
    current = await tickets.get(t.tx, t.ticket.id) or t.ticket
    if won:
        await desk.after_claim(t.tx, current, t.call.ev.sender, t.at)
        return
    who = await desk.name_of(t.tx, current.claimed_by)
    text = (desk.m(D.ALREADY_TAKEN, name=who) if current.status is Status.CLAIMED
            else desk.m(D.CLOSED, number=str(current.number)))
    await desk.to_thread(t.tx, current, text)


async def release(desk: Desk, t: InThread) -> None:
    tx, ticket = t.tx, t.ticket
    if not await tickets.release(tx, ticket.id, mediator=t.call.ev.sender):
        await _not_yours(desk, t)
        return
    await desk.to_thread(tx, ticket, desk.m(D.RELEASED, number=str(ticket.number)))
    await desk.edit_root(tx, ticket)  # no longer "Prise par …"
    locale = await desk.person_locale(tx, ticket)
    await desk.to_person(tx, ticket, desk.p(locale, D.RELEASED_PERSON), locale)


async def transfer(desk: Desk, t: InThread) -> None:
    tx, ticket = t.tx, t.ticket
    words = t.call.arg.split()
    target = words[0] if words else ""
    if not re.fullmatch(r"@[^:\s]+:\S+", target):
        await desk.to_thread(tx, ticket, desk.m(D.USAGE, command="!transferer @nom:serveur"))
        return
    if t.call.members.get(target, -1) < desk.config.power_level:
        await desk.to_thread(tx, ticket, desk.m(D.NOT_ALLOWED))
        return
    if not await tickets.transfer(tx, ticket.id, target, from_mediator=t.call.ev.sender,
                                  now=t.at):
        await _not_yours(desk, t)
        return
    current = await tickets.get(tx, ticket.id) or ticket
    target_name = await desk.name_of(tx, target)
    await desk.to_thread(tx, current, desk.m(D.TRANSFERRED, number=str(ticket.number),
                                             name=target_name))
    await desk.edit_root(tx, current, taken_by=await desk.name_of(tx, target))
    locale = await desk.person_locale(tx, ticket)
    await desk.to_person(tx, ticket, await desk.claimed_text(tx, target, locale), locale)


async def close(desk: Desk, t: InThread) -> None:
    tx, ticket = t.tx, t.ticket
    if ticket.status is Status.CLAIMED and ticket.claimed_by != t.call.ev.sender:
        await _not_yours(desk, t)
        return
    if await desk.close(tx, ticket, at=t.at):
        await desk.to_thread(tx, ticket, desk.m(D.CLOSED, number=str(ticket.number)))
        await desk.person_back_to_bot(tx, ticket, rate=True)


async def forget(desk: Desk, t: InThread) -> None:
    tx, ticket = t.tx, t.ticket
    room = ticket.person_room
    if room:
        await desk.person_back_to_bot(tx, ticket, rate=False)
        locale = await desk.person_locale(tx, ticket)
        await desk.to_person(tx, ticket, desk.p(locale, D.FORGOTTEN_PERSON), locale)
        await desk.close(tx, ticket, at=t.at)
        await forget_person(tx, room, now=t.at)
    await desk.to_thread(tx, ticket, desk.m(D.FORGOTTEN, number=str(ticket.number)))


async def _not_yours(desk: Desk, t: InThread) -> None:
    who = await desk.name_of(t.tx, t.ticket.claimed_by)
    await desk.to_thread(t.tx, t.ticket, desk.m(D.NOT_YOURS, name=who))


TABLE: tuple[Command, ...] = (
    Command("help", ("help", "aide"), room=help_, public=True),
    Command("queue", ("queue", "file"), room=queue),
    Command("name", ("name", "nom", "prenom", "prénom"), room=name),
    Command("stats", ("stats",), room=stats),
    Command("reload", ("reload", "recharger"), room=reload_),
    Command("claim", ("claim", "prendre", "prends", "take"), thread=claim),
    Command("release", ("release", "liberer", "libérer", "rendre"), thread=release),
    Command("transfer", ("transfer", "transferer", "transférer"), thread=transfer,
            needs_members=True),
    Command("close", ("close", "fin", "fermer"), thread=close),
    Command("forget", ("forget", "oublier"), thread=forget),
)
BY_ALIAS: dict[str, Command] = {alias: c for c in TABLE for alias in c.aliases}
BY_NAME: dict[str, Command] = {c.name: c for c in TABLE}


def parse(body: str) -> tuple[Command | None, str, str]:
    """'!Prendre  x' -> (the claim command, 'prendre', 'x'); an unknown word gives None."""
    word, _, rest = body[1:].partition(" ")
    return BY_ALIAS.get(word.lower()), word, rest.strip()


async def run(desk: Desk, ev: RoomEvent, ticket: Ticket | None, command: Command | None,
              word: str, arg: str, *, now: float | None = None) -> None:
    """Check who may, then run the handler (a thread handler in one transaction)."""
    if (command is None or not command.public) and not await desk.allowed(ev.sender):
        await desk.say(ev, ticket, desk.m(D.NOT_ALLOWED))
        return
    call = Call(ev, ticket, arg, now, {})
    if command is not None and command.room is not None:
        await command.room(desk, call)
        return
    if command is None or command.thread is None or ticket is None:
        usage = "!" + (command.name if command is not None else word)
        await desk.say(ev, ticket, desk.m(D.USAGE, command=usage))
        return
    if command.needs_members:  # network: never inside a transaction
        call = Call(ev, ticket, arg, now, await desk.members(desk.room_id))
    async with desk.db.transaction() as tx:
        await command.thread(desk, InThread(tx, ticket, now_s(now), call))

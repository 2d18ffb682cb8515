"""Reloading the dialogues and the catalogs while people talk to the bot (SIGHUP, !recharger).

Admins edit YAML while conversations go on, so a reload must never cost an answer:
- the new tree is validated as ``python -m bot check`` does, its classifier trained (or read
  from the cache) and the catalogs read, all in a worker thread: training takes seconds and the
  event loop keeps answering meanwhile (its longest pause is one C call of the training that
  keeps the GIL, liblinear's fit: a few hundred ms; a process would remove even that);
- a tree with any error is refused whole: the running engine stays, every problem goes to the
  log (file:line:col, WARNING, nothing a person wrote) and into one message for the admins;
- a good one is swapped in with plain assignments, which the event loop runs between two
  steps (a step reads the engine once and is synchronous), so no reply is lost or doubled:
  replies still go through the outbox as before;
- a catalog folder that lost a language is refused too: reloading must not turn a language's
  translations silently into French.
Conversations standing on a node the new tree lost are handled by the engine itself
(bot/dialogue/vanished.py): one sentence, then the menu.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.desk import texts as D
from bot.dialogue.engine import Engine
from bot.dialogue.loader import Problem, load
from bot.dialogue.vanished import ReloadSafeEngine
from bot.i18n import CatalogError, Catalogs
from bot.matrix.render import plain_notice
from bot.store import outbox

if TYPE_CHECKING:
    from bot.desk import Desk, RoomEvent
    from bot.router import Router
    from bot.store.tickets import Ticket

log = logging.getLogger(__name__)

#: Problems listed in the room's message; the log always has every one.
ROOM_PROBLEMS = 40


@dataclass(frozen=True, slots=True)
class Fresh:
    """A validated tree with its engine and catalogs, ready to be swapped in."""

    engine: Engine
    catalogs: Catalogs
    topics: int
    nodes: int


@dataclass(frozen=True, slots=True)
class Refused:
    """Why nothing changed: every problem, each beginning with its file:line:col."""

    problems: tuple[str, ...]


Result = Fresh | Refused
Translate = Callable[..., str]  # Desk.m: (msgid, **params) -> text in the mediators' locale


def describe(problem: Problem) -> str:
    text = f"{problem.where}: {problem.message}"
    return f"{text} ({problem.hint})" if problem.hint else text


def prepare(dialogues: Path, locales: Path) -> Result:
    """Read, validate and build everything a reload needs (blocking: run it in a thread)."""
    loaded = load(dialogues)
    if not loaded.ok:
        return Refused(tuple(describe(p) for p in loaded.errors))
    try:
        catalogs = Catalogs.load(locales)
    except CatalogError as exc:
        return Refused((str(exc),))
    from bot.understanding.build import build

    try:
        understanding = build(loaded.tree, dialogues)
    except Exception as exc:  # a broken corpus file or cache: the admins must see it, once
        return Refused((f"{dialogues}: the classifier could not be built "
                        f"({type(exc).__name__}: {exc})",))
    engine = ReloadSafeEngine(loaded.tree, understanding)
    return Fresh(engine, catalogs, len(loaded.tree.topics), len(loaded.tree.nodes))


def keep_languages(result: Result, running: tuple[str, ...], locales: Path) -> Result:
    """Refuse catalogs that lost a language the bot speaks now (it would answer in French)."""
    if isinstance(result, Refused):
        return result
    lost = sorted(set(running) - set(result.catalogs.locales))
    if not lost:
        return result
    return Refused(tuple(f"{locales}: no compiled catalog for '{code}' any more (locales.path)"
                         for code in lost))


def report(m: Translate, result: Result, limit: int = ROOM_PROBLEMS) -> str:
    """The one message the admins read in the mediators' room."""
    if isinstance(result, Fresh):
        return str(m(D.RELOADED, topics=str(result.topics), nodes=str(result.nodes)))
    shown = "\n".join(f"- {p}" for p in result.problems[:limit])
    text = str(m(D.RELOAD_REFUSED, count=str(len(result.problems)), problems=shown))
    if len(result.problems) > limit:
        text += "\n" + str(m(D.RELOAD_MORE, count=str(len(result.problems) - limit)))
    return text


def install(router: Router, desk: Desk, fresh: Fresh) -> None:
    """Swap the engine and catalogs everywhere they are read (no await: between two steps)."""
    router.engine = fresh.engine
    router.catalogs = fresh.catalogs
    desk.catalogs = fresh.catalogs
    desk.describe_path = fresh.engine.describe_path


@dataclass(eq=False)
class Reloader:
    """One reload at a time; the result goes back to whoever asked (a command, a signal)."""

    dialogues: Path
    locales: Path
    swap: Callable[[Fresh], None]
    running_locales: Callable[[], tuple[str, ...]]
    _: KW_ONLY
    announce: Callable[[Result], Awaitable[None]] | None = None
    prepare_: Callable[[Path, Path], Result] = prepare
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)

    async def reload(self) -> Result:
        async with self._lock:  # two SIGHUPs in a row: the second waits, then reloads again
            loop = asyncio.get_running_loop()
            started = time.monotonic()
            try:
                result = await loop.run_in_executor(None, self.prepare_, self.dialogues,
                                                    self.locales)
            except Exception as exc:  # an unreadable folder: refused, never a traceback
                result = Refused((f"{self.dialogues}: {type(exc).__name__}: {exc}",))
            result = keep_languages(result, self.running_locales(), self.locales)
            seconds = time.monotonic() - started
            if isinstance(result, Fresh):
                self.swap(result)
                log.info("dialogues reloaded: %d topics, %d nodes, in %.1f s",
                         result.topics, result.nodes, seconds)
            else:
                log.warning("dialogues not reloaded, the last good ones stay: %d problem(s)",
                            len(result.problems))
                for problem in result.problems:
                    log.warning("reload: %s", problem)
            return result

    def hangup(self) -> None:
        """SIGHUP: reload in the background, then one message in the mediators' room."""
        task = asyncio.create_task(self._reload_and_announce(), name="reload")
        self._tasks.add(task)  # kept referenced until done
        task.add_done_callback(self._tasks.discard)

    async def _reload_and_announce(self) -> None:
        try:
            result = await self.reload()
            if self.announce is not None:
                await self.announce(result)
        except Exception:
            log.exception("reload failed")

    async def settle(self) -> None:
        """Wait for a reload under way (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks))


def room_announcer(desk: Desk, kick: Callable[[], None]) -> Callable[[Result], Awaitable[None]]:
    """The result of a SIGHUP as one notice in the mediators' room, through the outbox."""

    async def announce(result: Result) -> None:
        async with desk.db.transaction() as tx:
            await outbox.enqueue(tx, desk.room_id, plain_notice(report(desk.m, result)))
        kick()

    return announce


# The desk is not told about reloading (bot/desk/desk.py is kept small); !recharger finds the
# reloader of its desk here.
_BY_DESK: weakref.WeakKeyDictionary[Desk, Reloader] = weakref.WeakKeyDictionary()


def attach(desk: Desk, reloader: Reloader) -> None:
    _BY_DESK[desk] = reloader


def reloader_of(desk: Desk) -> Reloader | None:
    return _BY_DESK.get(desk)


async def answer(desk: Desk, ev: RoomEvent, ticket: Ticket | None, text: str) -> None:
    """In reply to the command (a Matrix reply in the room's timeline; in a thread, there)."""
    if ticket is not None or ev.thread_root:
        await desk.say(ev, ticket, text)
        return
    content = {**plain_notice(text), "m.relates_to": {"m.in_reply_to": {"event_id": ev.event_id}}}
    async with desk.db.transaction() as tx:
        await outbox.enqueue(tx, desk.room_id, content)


async def may_reload(desk: Desk, user_id: str) -> bool:
    """The reload power level (mediators.reload_power_level) in the mediators' room."""
    try:
        members = await desk.members(desk.room_id)
    except Exception as exc:
        log.warning("cannot check the power to reload (%s)", type(exc).__name__)
        return False
    return members.get(user_id, -1) >= desk.config.reload_power_level

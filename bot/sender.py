"""The outbox drain: what the router wrote to the outbox goes out, in order, exactly once.

- per room strictly in order (a failing message holds back the ones after it), rooms in
  parallel, each room drained by one task at a time;
- a retry keeps the item's transaction id, so the homeserver deduplicates a retry after a
  lost response;
- after `RetryPolicy.max_tries` failed attempts an item is dropped (logged) so one bad
  message cannot block its room for ever; a refusal for good (the homeserver says no at
  once: forbidden, event too large) is dropped after `RetryPolicy.refused_tries`, so it does
  not hold its room's next replies for the minutes that 20 patient tries take;
- one warning per outage, one info line when sending works again;
- an item of a ticket's thread waits until the thread's root is sent (`OutboxItem.ready`);
  sending a root wakes the drain, which then finds the items it unblocked (sending anything
  else does not: one outbox scan less per reply).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.matrix.errors import SendError
from bot.matrix.render import in_thread
from bot.store import outbox
from bot.store.db import Database

log = logging.getLogger(__name__)

SendFn = Callable[[str, dict[str, Any], str], Awaitable[str]]


def _backoff(tries: int) -> float:
    return min(30.0, 0.5 * tries)


def _refused(exc: Exception, seconds: float) -> bool:
    """The homeserver answered "no" at once: a `SendError` of its own (an outage is raised
    `from` its cause) that came back before any of the transport's own retries (a 502 from
    a proxy while Synapse restarts is retried there first, and keeps the full patience)."""
    return isinstance(exc, SendError) and exc.__cause__ is None and seconds < 2.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a message is retried before it is dropped."""

    max_tries: int = 20
    refused_tries: int = 3  # tries left to a refusal for good (see `refused`)
    refused: Callable[[Exception, float], bool] = _refused  # (error, seconds the send took)
    backoff: Callable[[int], float] = _backoff  # seconds to wait after `tries` failures
    idle_poll: float = 2.0  # seconds between looks at the outbox when nobody kicks


class Sender:
    """Drains the outbox through `send(room_id, content, txn_id) -> event_id`."""

    def __init__(self, db: Database, send: SendFn, policy: RetryPolicy | None = None) -> None:
        self.db = db
        self.send = send
        self.policy = policy or RetryPolicy()
        self._wake = asyncio.Event()
        self._rooms: dict[str, asyncio.Task[None]] = {}
        self._hot: list[str] = []
        self._failing = False

    def kick(self, room_id: str | None = None) -> None:
        """Something was queued (or may have become ready): look at the outbox now.

        `room_id`, when the caller knows it, is drained at once, before the outbox is scanned
        for the other rooms (the reply does not wait for that scan).
        """
        if room_id is not None and room_id not in self._hot:
            self._hot.append(room_id)
        self._wake.set()

    async def run(self) -> None:
        """Drain for ever: one task per room with pending items."""
        while True:
            self._wake.clear()
            hot, self._hot = self._hot, []
            for room in hot:
                self._start(room)
            try:
                rooms = await outbox.pending_rooms(self.db)
            except Exception:
                log.exception("cannot read the outbox")
                rooms = []
            for room in rooms:
                self._start(room)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.policy.idle_poll)

    def _start(self, room: str) -> None:
        task = self._rooms.get(room)
        if task is None or task.done():
            task = asyncio.create_task(self._drain(room))
            self._rooms[room] = task
            task.add_done_callback(lambda done: self._finished(room, done))

    def _finished(self, room: str, done: asyncio.Task[None]) -> None:
        """Forget a drained room (one entry per room ever would grow for months)."""
        if self._rooms.get(room) is done:
            del self._rooms[room]

    async def _drain(self, room: str) -> None:
        while True:
            item = await outbox.next_pending(self.db, room)
            if item is None or not item.ready:
                return
            content = dict(item.content)
            if item.thread_of_ticket is not None and item.thread_root:
                content = in_thread(content, item.thread_root)
            began = time.monotonic()
            try:
                event_id = await self.send(room, content, item.txn_id)
            except Exception as exc:
                await self._failed(item.id, exc, time.monotonic() - began)
                continue
            await outbox.mark_sent(self.db, item.id, event_id)
            if self._failing:
                self._failing = False
                log.info("sending works again")
            if item.root_of_ticket is not None:
                self._wake.set()  # the thread's items (maybe another room's) are ready now

    async def _failed(self, item_id: int, exc: Exception, seconds: float) -> None:
        tries = await outbox.note_attempt(self.db, item_id)
        refused = self.policy.refused(exc, seconds)
        if refused and tries == 1:
            log.warning("the homeserver refused a message (%s)", type(exc).__name__)
        elif not self._failing:  # one warning per outage, not one per message
            log.warning("sending fails (%s); kept in the outbox, retrying", type(exc).__name__)
            self._failing = True
        if tries >= (self.policy.refused_tries if refused else self.policy.max_tries):
            log.warning("a message failed %d times; dropped from the outbox", tries)
            await outbox.drop(self.db, item_id)
            return
        await asyncio.sleep(self.policy.backoff(tries))

    async def flush(self, timeout: float = 5.0) -> None:
        """Wait until nothing is left to send (used at shutdown and by tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            items = await outbox.pending(self.db, limit=1)
            if not items:
                return
            self.kick()
            await asyncio.sleep(0.05)

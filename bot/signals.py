"""Read receipts and typing notices, off the critical path, and only when they tell something.

Nothing waits for them: each is sent by a background task, in order per room (a "typing off"
never overtakes its "typing on"), and a failure is only logged. The reply itself goes through
the outbox (bot/sender.py).

Each notice is a request to the homeserver and an event in the sync of both sides (measured
with bench/matrix_latency.py: receipts and typing cost the bot more CPU than the reply itself),
so they are sent only where the person would otherwise see nothing:

- "typing…" only if the answer is not queued within `TYPING_DELAY_S` (a quick answer, the
  usual case, would make the notice flash on and off);
- a read receipt only for a message that gets no answer in its room (relayed to a mediator,
  a reaction): an answer already shows the message was read, since clients count the sender
  of an event as having read everything before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger(__name__)

#: An answer queued sooner than this is never announced by "typing…".
TYPING_DELAY_S = 0.5


class SignalOutlet(Protocol):
    async def typing(self, room_id: str, on: bool) -> None: ...

    async def read_receipt(self, room_id: str, event_id: str) -> None: ...


class Signals:
    def __init__(self, outlet: SignalOutlet, *, typing_delay_s: float = TYPING_DELAY_S) -> None:
        self.outlet = outlet
        self.typing_delay_s = typing_delay_s
        self._last: dict[str, asyncio.Task[None]] = {}
        self._typing_soon: dict[str, asyncio.TimerHandle] = {}
        self._typing_shown: set[str] = set()

    def read(self, room_id: str, event_id: str) -> None:
        """Tell the person their message was seen (sent in the background)."""
        self._later(room_id, lambda: self.outlet.read_receipt(room_id, event_id))

    def working(self, room_id: str) -> None:
        """An answer is being prepared: "typing…" if it is not queued in time."""
        if room_id in self._typing_soon or room_id in self._typing_shown:
            return
        loop = asyncio.get_running_loop()
        self._typing_soon[room_id] = loop.call_later(self.typing_delay_s, self._show, room_id)

    def done(self, room_id: str) -> None:
        """The answer is queued (or there is none): end "typing…" if it was shown."""
        soon = self._typing_soon.pop(room_id, None)
        if soon is not None:
            soon.cancel()
        if room_id in self._typing_shown:
            self._typing_shown.discard(room_id)
            self._later(room_id, lambda: self.outlet.typing(room_id, False))

    def _show(self, room_id: str) -> None:
        self._typing_soon.pop(room_id, None)
        self._typing_shown.add(room_id)
        self._later(room_id, lambda: self.outlet.typing(room_id, True))

    def _later(self, room_id: str, call: Callable[[], Awaitable[None]]) -> None:
        before = self._last.get(room_id)
        task = asyncio.create_task(self._send(before, call))
        self._last[room_id] = task
        task.add_done_callback(lambda done: self._forget(room_id, done))

    async def _send(self, before: asyncio.Task[None] | None,
                    call: Callable[[], Awaitable[None]]) -> None:
        if before is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(before)
        try:
            await call()
        except Exception as exc:
            log.debug("receipt or typing notice failed (%s)", type(exc).__name__)

    def _forget(self, room_id: str, done: asyncio.Task[None]) -> None:
        if self._last.get(room_id) is done:
            del self._last[room_id]

    async def settle(self, timeout: float = 2.0) -> None:
        """Wait for what is still being sent (shutdown, tests)."""
        pending = list(self._last.values())
        if pending:
            await asyncio.wait(pending, timeout=timeout)

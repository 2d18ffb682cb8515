"""Read receipts and typing notices, off the critical path.

They tell the person "seen" and "typing…", and nothing waits for them: each is sent by a
background task, in order per room (a "typing off" never overtakes its "typing on"), and a
failure is only logged. The reply itself goes through the outbox (bot/sender.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger(__name__)


class SignalOutlet(Protocol):
    async def typing(self, room_id: str, on: bool) -> None: ...

    async def read_receipt(self, room_id: str, event_id: str) -> None: ...


class Signals:
    def __init__(self, outlet: SignalOutlet) -> None:
        self.outlet = outlet
        self._last: dict[str, asyncio.Task[None]] = {}

    def read(self, room_id: str, event_id: str) -> None:
        self._later(room_id, lambda: self.outlet.read_receipt(room_id, event_id))

    def typing(self, room_id: str, on: bool) -> None:
        self._later(room_id, lambda: self.outlet.typing(room_id, on))

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

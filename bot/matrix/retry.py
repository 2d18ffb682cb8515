"""Outages: which failures are transient, one warning per outage, backoff with jitter."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError

from bot.matrix.http import MatrixHTTPError

log = logging.getLogger("bot.matrix.transport")

TRANSIENT = (ClientError, TimeoutError, asyncio.TimeoutError, OSError)


def describe(exc: BaseException | str) -> str:
    return exc if isinstance(exc, str) else type(exc).__name__


@dataclass
class Outage:
    """One warning per outage, one info when it ends, exponential backoff with jitter."""

    failures: int = 0
    what: str = "homeserver"
    started: float = field(default_factory=time.monotonic)

    def failed(self, exc: BaseException | str) -> float:
        if self.failures == 0:
            self.started = time.monotonic()
            log.warning("%s unreachable (%s); retrying with backoff", self.what, describe(exc))
        self.failures += 1
        base = min(60.0, 0.5 * 2 ** min(self.failures - 1, 10))
        return float(base * random.uniform(0.5, 1.0))

    def ok(self) -> None:
        if self.failures:
            log.info("%s reachable again after %.0f s", self.what, time.monotonic() - self.started)
        self.failures = 0


def _status(result: Any) -> int:
    """The HTTP status of a nio response or of a (status, payload) tuple."""
    if isinstance(result, tuple) and isinstance(result[0], int):
        return result[0]
    response = getattr(result, "transport_response", None)
    return int(getattr(response, "status", 200)) if response is not None else 200


async def until_up(outage: Outage, call: Callable[[], Awaitable[Any]]) -> Any:
    """Retry a start-up request through outages, for ever (start waits for the server)."""
    while True:
        try:
            result = await call()
        except TRANSIENT as e:
            await asyncio.sleep(outage.failed(e))
            continue
        except MatrixHTTPError as e:
            if e.status < 500 and e.status != 429:
                raise
            await asyncio.sleep(outage.failed(f"HTTP {e.status}"))
            continue
        code = _status(result)
        if code >= 500 or code == 429:
            await asyncio.sleep(outage.failed(f"HTTP {code}"))
            continue
        outage.ok()
        return result

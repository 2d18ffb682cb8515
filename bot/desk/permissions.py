"""Who may use the desk's commands: the power levels of the mediators' room, remembered.

Asking the homeserver costs a round trip, and the router handles a sync's events one after
another: every person's message behind a mediator's command would wait for it. So a "yes, a
mediator" is trusted for `ALLOWED_FRESH_S`; a "no" is always asked again, so a new mediator
is never refused for a stale answer (a demoted one keeps the commands that long at most).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Members = Callable[[str], Awaitable[dict[str, int]]]

ALLOWED_FRESH_S = 60.0


class PowerLevels:
    """The mediators' room's members and levels, from `fetch` (the homeserver)."""

    def __init__(self, fetch: Members, room_id: str, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._fetch = fetch
        self.room_id = room_id
        self._clock = clock
        self._levels: dict[str, int] = {}
        self._at: float | None = None  # clock() of the last answer

    async def members(self, room_id: str) -> dict[str, int]:
        """A room's joined members and power levels, asked now (transfers need them current)."""
        members = await self._fetch(room_id)
        if room_id == self.room_id:
            self._levels, self._at = members, self._clock()
        return members

    async def allowed(self, user_id: str, level: int) -> bool:
        """Whether `user_id` has at least `level` in the mediators' room."""
        fresh = self._at is not None and self._clock() - self._at < ALLOWED_FRESH_S
        if fresh and self._has(user_id, level):
            return True
        try:
            await self.members(self.room_id)
        except Exception as exc:
            log.warning("cannot check mediators' permissions (%s)", type(exc).__name__)
            return False
        return self._has(user_id, level)

    def _has(self, user_id: str, level: int) -> bool:
        have = self._levels.get(user_id)
        return have is not None and have >= level

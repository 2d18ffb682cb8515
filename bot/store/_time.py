"""Clock helpers: every repository takes ``now`` (unix seconds) so tests control time."""

from __future__ import annotations

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

DAY = 86_400
DEFAULT_TZ = "Europe/Paris"


def now_s(now: float | None = None) -> int:
    return int(time.time() if now is None else now)


def local_day(now: float | None = None, tz: str = DEFAULT_TZ) -> date:
    """The calendar day where the deployment lives (statistics never keep anything finer)."""
    return datetime.fromtimestamp(now_s(now), ZoneInfo(tz)).date()

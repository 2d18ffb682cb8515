"""Office hours, pure: is the team there at a given moment, and when does it come back.

Times are compared in the hours' own time zone (``mediators.hours.timezone``), so summer time
and a server clock in UTC change nothing. No hours configured means "always open".
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.config import OfficeHours

#: How far ahead an opening is looked for (a longer closure reads "back when they return").
LOOKAHEAD_DAYS = 60


def is_open(hours: OfficeHours, now: dt.datetime) -> bool:
    if not hours.weekly:
        return True
    local = now.astimezone(ZoneInfo(hours.timezone))
    if local.date() in hours.closed:
        return False
    return any(d == local.weekday() and a <= local.time() < b for d, a, b in hours.weekly)


def next_opening(hours: OfficeHours, now: dt.datetime) -> dt.datetime | None:
    """The next start of an opening after `now` (aware, in the hours' zone), or None."""
    if not hours.weekly:
        return None
    tz = ZoneInfo(hours.timezone)
    local = now.astimezone(tz)
    for offset in range(0, LOOKAHEAD_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        if day in hours.closed:
            continue
        for d, start, _end in hours.weekly:
            if d != day.weekday():
                continue
            at = dt.datetime.combine(day, start, tzinfo=tz)
            if at > local:
                return at
    return None

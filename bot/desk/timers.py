"""What the desk does as time passes (called every 30 s by the app).

- an open ticket nobody took gets one reminder in its thread after
  ``mediators.reminder_minutes``;
- a handover whose person has not written for ``mediators.person_silent_hours`` is closed,
  the person is told and goes back to the bot.

The 30-day purge of old conversations is not here: see bot/store/privacy.py (`purge`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.desk import texts as D
from bot.store import tickets
from bot.store._time import now_s
from bot.store.tickets import Status

if TYPE_CHECKING:
    from bot.desk.desk import Desk


async def tick(desk: Desk, *, now: float | None = None) -> None:
    at = now_s(now)
    config = desk.config
    async with desk.db.transaction() as tx:
        for t in await tickets.active(tx):
            waited = at - t.opened_at
            if (t.status is Status.OPEN and not t.reminded
                    and waited >= config.reminder_minutes * 60):
                await tickets.mark_reminded(tx, t.id)
                await desk.to_thread(tx, t, desk.m(D.REMINDER, number=str(t.number),
                                                   minutes=str(waited // 60)))
            last = t.last_person_at or t.opened_at
            silent = at - last >= config.person_silent_hours * 3600
            if silent and await desk.close(tx, t, at=at):
                await desk.to_thread(tx, t, desk.m(D.PERSON_SILENT))
                await desk.person_back_to_bot(tx, t, rate=False)
                locale = await desk.person_locale(tx, t)
                await desk.to_person(tx, t, desk.p(locale, D.SILENT_PERSON), locale)

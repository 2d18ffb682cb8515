"""Office hours: what a person reads when the team is away, with a fixed clock.

Desk.waiting_text is checked directly (French, English, Arabic, closed days, time zone), then
once end to end on Synapse with the desk's clock set to a Saturday afternoon.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import MediatorsConfig, OfficeHours
from bot.desk import Desk
from bot.i18n import Catalogs
from bot.store import Database
from tests.support.app import bot_messages, config_dict, open_dm, say
from tests.support.matrix import wait_until

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC

# Monday to Friday, 09:00-12:00 and 14:00-17:00 (Paris)
WEEKLY = tuple(
    (day, start, end)
    for day in range(5)
    for start, end in ((dt.time(9), dt.time(12)), (dt.time(14), dt.time(17)))
)
WEEKLY_CONFIG = {day: ["09:00-12:00", "14:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}

# Saturday 22 November 2025, 16:00 in Paris (15:00 UTC): the team is back on Monday 24 at 09:00
SATURDAY = dt.datetime(2025, 11, 22, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load()


def desk(db: Database, catalogs: Catalogs, *, closed: tuple[dt.date, ...] = (),
         weekly: tuple[tuple[int, dt.time, dt.time], ...] = WEEKLY) -> Desk:
    async def no_members(room: str) -> dict[str, int]:
        return {}

    config = MediatorsConfig(room="!m:localhost",
                             hours=OfficeHours("Europe/Paris", weekly, closed))
    return Desk(db, config, "!m:localhost", catalogs, no_members)


# --------------------------------------------------------------------------- waiting_text


def test_back_on_monday_in_french(db: Database, catalogs: Catalogs) -> None:
    text = desk(db, catalogs).waiting_text(1, "fr", SATURDAY)
    assert text == ("Vous êtes n°1 dans la file d'attente.\n"
                    "L'équipe n'est pas là en ce moment. Elle revient lundi 24 novembre à 09:00.")


def test_back_on_monday_in_english(db: Database, catalogs: Catalogs) -> None:
    text = desk(db, catalogs).waiting_text(2, "en", SATURDAY)
    assert text == ("You are number 2 in the queue.\n"
                    "The team is not here at the moment. "
                    "They will be back on Monday 24 November at 09:00.")
    assert "équipe" not in text and "lundi" not in text


def test_back_on_monday_in_arabic(db: Database, catalogs: Catalogs) -> None:
    text = desk(db, catalogs).waiting_text(1, "ar", SATURDAY)
    first, second = text.split("\n")
    assert first == "أنت رقم 1 في قائمة الانتظار."
    assert second == "الفريق غير موجود الآن. سيعود يوم الاثنين 24 نوفمبر الساعة 09:00."
    assert "équipe" not in text and "lundi" not in text and "Monday" not in text


def test_closed_days_are_skipped(db: Database, catalogs: Catalogs) -> None:
    d = desk(db, catalogs, closed=(dt.date(2025, 11, 24), dt.date(2025, 11, 25)))
    assert d.waiting_text(1, "fr", SATURDAY).endswith("Elle revient mercredi 26 novembre à 09:00.")
    assert d.waiting_text(1, "en", SATURDAY).endswith(
        "They will be back on Wednesday 26 November at 09:00.")
    # a closed day that is today: closed even inside the usual hours
    tuesday_10h = dt.datetime(2025, 11, 25, 10, 0, tzinfo=PARIS)
    assert not d.is_open(tuesday_10h)
    assert d.waiting_text(1, "fr", tuesday_10h).endswith("mercredi 26 novembre à 09:00.")


def test_europe_paris_time_zone(db: Database, catalogs: Catalogs) -> None:
    d = desk(db, catalogs)
    # winter: 07:30 UTC is 08:30 in Paris, before the 09:00 opening the same day
    winter = dt.datetime(2025, 11, 24, 7, 30, tzinfo=UTC)
    assert not d.is_open(winter)
    assert d.waiting_text(1, "fr", winter).endswith("Elle revient lundi 24 novembre à 09:00.")
    assert d.is_open(dt.datetime(2025, 11, 24, 8, 0, tzinfo=UTC))  # 09:00 in Paris
    # summer: 07:30 UTC is 09:30 in Paris, open
    summer = dt.datetime(2025, 7, 7, 7, 30, tzinfo=UTC)
    assert d.is_open(summer)
    assert d.waiting_text(1, "fr", summer).endswith("L'équipe est là en ce moment.")
    # lunch break: back at 14:00 the same day, said in Paris time
    lunch = dt.datetime(2025, 11, 24, 11, 30, tzinfo=UTC)  # 12:30 in Paris
    assert d.waiting_text(1, "fr", lunch).endswith("Elle revient lundi 24 novembre à 14:00.")
    # Friday 17:00 Paris (16:00 UTC): closed, back on Monday
    friday = dt.datetime(2025, 11, 28, 16, 0, tzinfo=UTC)
    assert d.waiting_text(1, "en", friday).endswith("back on Monday 1 December at 09:00.")


def test_no_hours_means_open_and_no_opening_means_no_date(
    db: Database, catalogs: Catalogs
) -> None:
    assert desk(db, catalogs, weekly=()).waiting_text(1, "fr", SATURDAY).endswith(
        "L'équipe est là en ce moment.")
    every_day = tuple(dt.date(2025, 11, 22) + dt.timedelta(days=i) for i in range(70))
    away = desk(db, catalogs, closed=every_day)
    assert away.waiting_text(1, "fr", SATURDAY).endswith(
        "L'équipe n'est pas là en ce moment. Elle vous répondra dès son retour.")
    assert away.waiting_text(1, "en", SATURDAY).endswith(
        "The team is not here at the moment. They will answer you as soon as they are back.")


# --------------------------------------------------------------------------- end to end


@pytest.mark.matrix
async def test_person_told_when_team_returns_fixed_clock(
    synapse: Any, bot_account: Any, make_person: Any, run_app: Any, tmp_path: Path
) -> None:
    bot, room = bot_account.user_id, bot_account.mediators_room
    hours = {"timezone": "Europe/Paris", "weekly": WEEKLY_CONFIG,
             "closed": ["2025-11-24"]}
    data = config_dict(tmp_path, synapse, bot, room, mediators={"room": room, "hours": hours})
    app = await run_app(data, tmp_path)
    app.desk.clock = SATURDAY.timestamp  # Saturday 16:00 in Paris; Monday 24 is closed
    await bot_account.mediator.wait_membership(room, bot, "join")

    def waiting(person: Any, dm: str, needle: str) -> Any:
        return next((e for e in bot_messages(person, dm, bot)
                     if needle in str(getattr(e, "body", ""))), None)

    fr = await make_person("person")
    dm_fr = await open_dm(fr, bot)
    await say(fr, dm_fr, bot, "bonjour")
    await say(fr, dm_fr, bot, "quelqu'un")
    await say(fr, dm_fr, bot, "oui")
    await wait_until(lambda: waiting(fr, dm_fr, "n°1") is not None, 30, "the French place")
    told = waiting(fr, dm_fr, "n°1")
    assert told.body == ("Vous êtes n°1 dans la file d'attente.\n"
                         "L'équipe n'est pas là en ce moment. "
                         "Elle revient mardi 25 novembre à 09:00."), told.body

    en = await make_person("person")
    dm_en = await open_dm(en, bot)
    first = await say(en, dm_en, bot, "hello I lost my password for ameli, can you help me?")
    assert "Pour quelle démarche" not in first.body, first.body
    await say(en, dm_en, bot, "I want to talk to someone")
    await say(en, dm_en, bot, "yes")
    await wait_until(lambda: waiting(en, dm_en, "in the queue") is not None, 30,
                     "the English place")
    told_en = waiting(en, dm_en, "in the queue")
    assert told_en.body == ("You are number 2 in the queue.\n"
                            "The team is not here at the moment. "
                            "They will be back on Tuesday 25 November at 09:00."), told_en.body

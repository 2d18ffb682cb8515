"""The desk's command table and office hours as plain values (no homeserver)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.config import OfficeHours
from bot.desk import commands, hours

PARIS = ZoneInfo("Europe/Paris")


def test_every_documented_command_and_alias_is_in_the_table() -> None:
    documented = {"prendre": "claim", "claim": "claim", "liberer": "release",
                  "release": "release", "transferer": "transfer", "transfer": "transfer",
                  "fin": "close", "close": "close", "oublier": "forget", "forget": "forget",
                  "file": "queue", "queue": "queue", "nom": "name", "name": "name",
                  "stats": "stats", "aide": "help", "help": "help"}
    for alias, name in documented.items():
        assert commands.BY_ALIAS[alias].name == name


def test_aliases_are_unique_and_each_command_has_one_handler() -> None:
    aliases = [a for c in commands.TABLE for a in c.aliases]
    assert len(aliases) == len(set(aliases))
    for c in commands.TABLE:
        assert (c.room is None) != (c.thread is None), c.name
    assert [c.name for c in commands.TABLE if c.public] == ["help"]


def test_parse() -> None:
    command, word, arg = commands.parse("!Transferer  @lea:example.org ")
    assert command is commands.BY_NAME["transfer"]
    assert (word, arg) == ("Transferer", "@lea:example.org")
    assert commands.parse("!nimporte quoi") == (None, "nimporte", "quoi")
    assert commands.parse("!") == (None, "", "")


WEEKLY = OfficeHours(weekly=((0, dt.time(9), dt.time(12)), (0, dt.time(14), dt.time(17))),
                     closed=(dt.date(2025, 11, 24),))


def test_office_hours_are_pure() -> None:
    monday_10h = dt.datetime(2025, 12, 1, 10, 0, tzinfo=PARIS)
    assert hours.is_open(WEEKLY, monday_10h)
    assert not hours.is_open(WEEKLY, monday_10h.replace(hour=13))
    assert hours.next_opening(WEEKLY, monday_10h.replace(hour=13)) == monday_10h.replace(hour=14)
    # a closed Monday: back the Monday after
    closed_monday = dt.datetime(2025, 11, 24, 10, 0, tzinfo=PARIS)
    assert not hours.is_open(WEEKLY, closed_monday)
    assert hours.next_opening(WEEKLY, closed_monday) == monday_10h.replace(hour=9)


def test_no_hours_means_always_open() -> None:
    now = dt.datetime(2025, 11, 22, 3, 0, tzinfo=dt.UTC)
    assert hours.is_open(OfficeHours(), now)
    assert hours.next_opening(OfficeHours(), now) is None

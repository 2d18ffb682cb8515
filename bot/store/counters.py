"""Anonymous statistics: counts per day and category, and nothing else.

No Matrix id, room id, hash, text or time finer than the day ever reaches these tables, so they
survive ``forget_person`` and every purge: they hold nothing about anyone in particular.
Small counts are masked only when reported (``bot.stats``), never at write time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.dialogue.model import Outcome as ModelOutcome
from bot.store._time import local_day as local_day  # the day to count under
from bot.store.db import Conn


class Outcome(StrEnum):
    ENTERED = "entered"  # a conversation reached a topic
    HELPED = "helped"  # "did this help?" -> yes
    NOT_HELPED = "not_helped"
    HANDED_OVER = "handed_over"  # a ticket was opened
    CLAIMED = "claimed"
    CLOSED = "closed"
    ABANDONED = "abandoned"  # left without an answer
    DISTRESS = "distress"  # a distress alert was detected (the person was pointed to help)


_OUTCOMES = frozenset(o.value for o in Outcome)


class Metric(StrEnum):
    WAIT = "wait_seconds"  # from handover to claim
    HANDOVER = "handover_seconds"  # from claim to close


BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("<1min", 60),
    ("1-5min", 5 * 60),
    ("5-15min", 15 * 60),
    ("15-60min", 60 * 60),
    ("1-4h", 4 * 3600),
    (">4h", None),
)
BUCKET_LABELS: tuple[str, ...] = tuple(label for label, _ in BUCKETS)


def bucket_for(seconds: float) -> str:
    for label, upper in BUCKETS:
        if upper is None or seconds < upper:
            return label
    return BUCKETS[-1][0]


@dataclass(frozen=True, slots=True)
class CounterRow:
    day: date
    topic: str  # "" when no topic was reached
    entry: str
    outcome: Outcome
    locale: str
    distress: bool
    count: int


@dataclass(frozen=True, slots=True)
class HistogramRow:
    day: date
    metric: Metric
    bucket: str
    count: int


@dataclass(frozen=True, slots=True)
class SatisfactionRow:
    day: date
    score: int
    count: int


async def increment(
    conn: Conn,
    day: date,
    outcome: Outcome | str,
    *,
    topic: str | None = None,
    entry: str | None = None,
    locale: str | None = None,
    distress: bool = False,
    by: int = 1,
) -> None:
    """Add ``by`` to one counter (raises ValueError for an unknown outcome)."""
    kind = Outcome(outcome)
    await conn.execute(
        """INSERT INTO counters (day, topic, entry, outcome, locale, distress, count)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (day, topic, entry, outcome, locale, distress)
           DO UPDATE SET count = count + excluded.count""",
        (day.isoformat(), topic or "", entry or "", kind.value, locale or "", int(distress), by),
    )


async def record_effect(
    conn: Conn, day: date, outcome: ModelOutcome, *, locale: str | None = None
) -> None:
    """Count an engine ``Outcome`` effect: "rated" goes to satisfaction, the rest to counters.

    Unknown kinds are ignored rather than failing the person's conversation.
    """
    if outcome.kind == "rated":
        if outcome.score is not None and 1 <= outcome.score <= 5:
            await record_satisfaction(conn, day, outcome.score)
        return
    if outcome.kind not in _OUTCOMES:
        return
    await increment(
        conn,
        day,
        outcome.kind,
        topic=outcome.topic,
        entry=outcome.entry,
        locale=locale,
        distress=outcome.kind == Outcome.DISTRESS,
    )


async def record_duration(conn: Conn, day: date, metric: Metric | str, seconds: float) -> str:
    """Count a duration in its bucket (the exact value is not kept); returns the bucket."""
    label = bucket_for(seconds)
    await conn.execute(
        """INSERT INTO histograms (day, metric, bucket, count) VALUES (?, ?, ?, 1)
           ON CONFLICT (day, metric, bucket) DO UPDATE SET count = count + 1""",
        (day.isoformat(), Metric(metric).value, label),
    )
    return label


async def record_satisfaction(conn: Conn, day: date, score: int) -> None:
    if not 1 <= score <= 5:
        raise ValueError(f"satisfaction score must be 1..5, got {score}")
    await conn.execute(
        """INSERT INTO satisfaction (day, score, count) VALUES (?, ?, 1)
           ON CONFLICT (day, score) DO UPDATE SET count = count + 1""",
        (day.isoformat(), score),
    )


async def _days(conn: Conn, sql: str, start: date, end: date) -> list[Any]:
    """The rows of one statistics table for the days ``start``..``end`` included."""
    return list(await conn.fetchall(sql, (start.isoformat(), end.isoformat())))


async def counter_rows(conn: Conn, start: date, end: date) -> list[CounterRow]:
    """Rows for the days ``start``..``end`` included."""
    rows = await _days(conn, "SELECT day, topic, entry, outcome, locale, distress, count"
                       " FROM counters WHERE day BETWEEN ? AND ?"
                       " ORDER BY day, topic, entry, outcome, locale, distress", start, end)
    return [CounterRow(date.fromisoformat(r["day"]), r["topic"], r["entry"], Outcome(r["outcome"]),
                       r["locale"], bool(r["distress"]), int(r["count"])) for r in rows]


async def histogram_rows(conn: Conn, start: date, end: date) -> list[HistogramRow]:
    rows = await _days(conn, "SELECT day, metric, bucket, count FROM histograms"
                       " WHERE day BETWEEN ? AND ? ORDER BY day, metric, bucket", start, end)
    return [HistogramRow(date.fromisoformat(r["day"]), Metric(r["metric"]), r["bucket"],
                         int(r["count"])) for r in rows]


async def satisfaction_rows(conn: Conn, start: date, end: date) -> list[SatisfactionRow]:
    rows = await _days(conn, "SELECT day, score, count FROM satisfaction"
                       " WHERE day BETWEEN ? AND ? ORDER BY day, score", start, end)
    return [SatisfactionRow(date.fromisoformat(r["day"]), int(r["score"]), int(r["count"]))
            for r in rows]

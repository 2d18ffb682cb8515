"""Building a report from the store's counters (the only place raw counts are seen)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from bot.stats.model import (
    BY_CHOICES,
    COUNT_COLUMN,
    DEFAULT_K,
    METRIC_LABELS,
    MONTHS,
    NO_TOPIC,
    OUTCOME_LABELS,
    OUTCOME_ORDER,
    Figure,
    Histogram,
    Line,
    Report,
    publish,
    total_of,
)
from bot.store.counters import (
    BUCKET_LABELS,
    CounterRow,
    Metric,
    Outcome,
    counter_rows,
    histogram_rows,
    satisfaction_rows,
)
from bot.store.db import Conn

# --------------------------------------------------------------------------- building


def _day_label(day: date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def _short_day(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _period_key(day: date, by: str) -> str:
    if by == "day":
        return day.isoformat()
    if by == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{day.year}-{day.month:02d}"


def _period_label(key: str, by: str) -> str:
    if by == "day":
        return _short_day(date.fromisoformat(key))
    if by == "week":
        monday = date.fromisocalendar(int(key[:4]), int(key[6:]), 1)
        return f"sem. du {_short_day(monday)}"
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def _periods(start: date, end: date, by: str) -> list[str]:
    keys: list[str] = []
    day = start
    while day <= end:
        key = _period_key(day, by)
        if not keys or keys[-1] != key:
            keys.append(key)
        day += timedelta(days=1)
    return keys


def locale_label(code: str) -> str:
    if not code:
        return "Inconnue"
    try:
        from babel import Locale

        name = Locale.parse(code.replace("-", "_")).get_display_name("fr")
    except (ValueError, TypeError, LookupError):
        return code
    return str(name).capitalize() if name else code


async def report(
    db: Conn,
    start: date,
    end: date,
    by: str,
    *,
    k: int = DEFAULT_K,
    titles: Mapping[str, str] | None = None,
) -> Report:
    """Aggregate the days ``start``..``end`` (both included), broken down ``by``.

    ``titles`` maps topic ids to the titles people know ("caf" -> "CAF"); unknown ids show
    as themselves.  Raises ValueError for an unknown ``by``, a reversed period or ``k`` < 1.
    """
    if by not in BY_CHOICES:
        raise ValueError(f"unknown breakdown {by!r}; choose one of {', '.join(BY_CHOICES)}")
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    if k < 1:
        raise ValueError("k must be at least 1")
    titles = titles or {}
    raw = _group(with_started(await counter_rows(db, start, end)), by)
    if by == "outcome":
        columns: tuple[str, ...] = (COUNT_COLUMN,)
    else:
        columns = tuple(o.value for o in OUTCOME_ORDER)
    lines = tuple(
        Line(key, _label(key, by, titles),
             tuple(publish(raw.get(key, {}).get(c, 0), k) for c in columns))
        for key in _keys(raw, by, start, end)
    )
    totals: tuple[Figure, ...] = ()
    if by != "outcome":
        totals = tuple(total_of((line.cells[i] for line in lines), k) for i in range(len(columns)))
    satisfaction, sat_total, mean = await _satisfaction(db, start, end, k)
    return Report(
        start=start,
        end=end,
        by=by,
        k=k,
        columns=columns,
        lines=lines,
        totals=totals,
        satisfaction=satisfaction,
        satisfaction_total=sat_total,
        satisfaction_mean=mean,
        histograms=await _histograms(db, start, end, k),
    )


def with_started(rows: Sequence[CounterRow]) -> list[CounterRow]:
    """The rows, with "entered" raised to at least "handed_over" in each (day, topic, locale).

    The engine counts a conversation when it reaches a topic; a person who asks for a human
    (or is in distress) at once never reaches one, and a report showed "0 conversations
    commencées" next to "1 transmise". A ticket is opened once per conversation, so each
    cell's started conversations are at least its handovers: the difference is added as an
    "entered" row without an entry. Done when reading, so existing databases add up too.
    """
    entered: dict[tuple[date, str, str], int] = defaultdict(int)
    handed: dict[tuple[date, str, str], int] = defaultdict(int)
    for row in rows:
        cell = (row.day, row.topic, row.locale)
        if row.outcome is Outcome.ENTERED:
            entered[cell] += row.count
        elif row.outcome is Outcome.HANDED_OVER:
            handed[cell] += row.count
    extra = [
        CounterRow(day=day, topic=topic, entry="", outcome=Outcome.ENTERED, locale=locale,
                   distress=False, count=count - entered[(day, topic, locale)])
        for (day, topic, locale), count in handed.items()
        if count > entered[(day, topic, locale)]
    ]
    return [*rows, *extra]


def _group(rows: Iterable[CounterRow], by: str) -> dict[str, dict[str, int]]:
    """Raw counts per line key and column (never published as they are)."""
    raw: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if by == "topic":
            key = row.topic
        elif by == "locale":
            key = row.locale
        elif by == "outcome":
            key = row.outcome.value
        else:
            key = _period_key(row.day, by)
        column = COUNT_COLUMN if by == "outcome" else row.outcome.value
        raw[key][column] += row.count
    return raw


def _keys(raw: Mapping[str, Mapping[str, int]], by: str, start: date, end: date) -> list[str]:
    """The lines in order: every outcome, every period, or the most entered first."""
    if by == "outcome":
        return [o.value for o in OUTCOME_ORDER]
    if by in ("day", "week", "month"):
        return _periods(start, end, by)
    entered = Outcome.ENTERED.value
    return sorted(raw, key=lambda key: (-raw[key][entered], key))


def _label(key: str, by: str, titles: Mapping[str, str]) -> str:
    if by == "topic":
        return titles.get(key, key) if key else NO_TOPIC
    if by == "locale":
        return locale_label(key)
    if by == "outcome":
        return OUTCOME_LABELS[key]
    return _period_label(key, by)


async def _satisfaction(
    db: Conn, start: date, end: date, k: int
) -> tuple[tuple[tuple[int, Figure], ...], Figure, float | None]:
    """(published count per score 1..5, their total, the mean of the published cells)."""
    sat_raw: dict[int, int] = defaultdict(int)
    for s in await satisfaction_rows(db, start, end):
        sat_raw[s.score] += s.count
    satisfaction = tuple((score, publish(sat_raw[score], k)) for score in range(1, 6))
    sat_total = total_of((f for _, f in satisfaction), k)
    shown = sum(f.shown for _, f in satisfaction)
    mean = round(sum(score * f.shown for score, f in satisfaction) / shown, 1) if shown else None
    return satisfaction, sat_total, mean


async def _histograms(db: Conn, start: date, end: date, k: int) -> tuple[Histogram, ...]:
    hist_raw: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for h in await histogram_rows(db, start, end):
        hist_raw[h.metric.value][h.bucket] += h.count
    return tuple(
        Histogram(
            metric.value,
            METRIC_LABELS[metric.value],
            tuple((b, publish(hist_raw[metric.value][b], k)) for b in BUCKET_LABELS),
        )
        for metric in Metric
    )



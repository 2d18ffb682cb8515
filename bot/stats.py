"""Anonymous statistics reports for sponsors and mediators (table, CSV, JSON, HTML).

The store's statistics tables hold only counts per day and category (``bot.store.counters``).
Reports add one more protection, small-count suppression (k-anonymity, ``k`` = 5 by default):

- every count from 1 to k-1 is published as "<k" (zero stays 0: it says nothing about anyone),
  in every format, and the real value never enters the ``Report`` object at all;
- a total is the sum of the *published* cells.  When some cells of its column were masked, the
  total counts each of them as 1 (their smallest possible value, which everyone knows) and is
  shown "≥ N": a reader can never get a masked cell back by subtracting the published cells
  from an exact total (the classic leak of primary-only suppression).  The alternative,
  secondary suppression, hides more useful figures in small deployments and still needs care
  with several masked cells, so it was not chosen;
- averages (satisfaction) are computed from the published cells only, for the same reason.

Known limit, stated in the table, JSON and HTML exports: figures from *different* tables
count related events (e.g. the waiting-time histogram has one entry per claimed ticket), so
combining two tables, or two exports of the same period broken down differently, can narrow a
masked value.  For very small volumes publish longer periods or raise ``k``.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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

DEFAULT_K = 5
BY_CHOICES = ("topic", "day", "week", "month", "outcome", "locale")

OUTCOME_ORDER: tuple[Outcome, ...] = (
    Outcome.ENTERED,
    Outcome.HELPED,
    Outcome.NOT_HELPED,
    Outcome.HANDED_OVER,
    Outcome.CLAIMED,
    Outcome.CLOSED,
    Outcome.ABANDONED,
    Outcome.DISTRESS,
)
OUTCOME_LABELS: Mapping[str, str] = {
    "entered": "Conversations commencées",
    "helped": "Réponse utile",
    "not_helped": "Réponse pas utile",
    "handed_over": "Transmises à un médiateur",
    "claimed": "Prises en charge",
    "closed": "Accompagnements terminés",
    "abandoned": "Abandonnées en cours",
    "distress": "Alertes de détresse",
}
SHORT_LABELS: Mapping[str, str] = {
    "entered": "Conv.",
    "helped": "Utile",
    "not_helped": "Pas utile",
    "handed_over": "Transmises",
    "claimed": "Prises",
    "closed": "Terminées",
    "abandoned": "Abandons",
    "distress": "Détresse",
}
METRIC_LABELS: Mapping[str, str] = {
    Metric.WAIT.value: "Attente avant prise en charge par un médiateur",
    Metric.HANDOVER.value: "Durée d'un accompagnement (prise en charge → fin)",
}
BUCKET_TEXT: Mapping[str, str] = {
    "<1min": "moins d'1 min",
    "1-5min": "1 à 5 min",
    "5-15min": "5 à 15 min",
    "15-60min": "15 min à 1 h",
    "1-4h": "1 h à 4 h",
    ">4h": "plus de 4 h",
}
BY_TITLES: Mapping[str, str] = {
    "topic": "Demandes par thème",
    "day": "Conversations par jour",
    "week": "Conversations par semaine",
    "month": "Conversations par mois",
    "outcome": "Ce qui s'est passé",
    "locale": "Conversations par langue",
}
BY_HEADINGS: Mapping[str, str] = {
    "topic": "Thème",
    "day": "Jour",
    "week": "Semaine",
    "month": "Mois",
    "outcome": "Résultat",
    "locale": "Langue",
}
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NO_TOPIC = "Sans thème choisi"
COUNT_COLUMN = "count"


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Figure:
    """A published number: exact, masked ("<k", value unknown) or a lower bound ("≥ n")."""

    value: int | None  # None when masked
    k: int = DEFAULT_K
    at_least: bool = False

    @property
    def masked(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> int:
        """The published part (0 for a masked cell): what totals and averages may use."""
        return 0 if self.value is None else self.value

    @property
    def text(self) -> str:
        """Exactly what every export shows (no thousands separator)."""
        if self.value is None:
            return f"<{self.k}"
        return f"≥{self.value}" if self.at_least else str(self.value)

    @property
    def pretty(self) -> str:
        """For people: French thousands separator, spaced "≥"."""
        if self.value is None:
            return f"<{self.k}"
        number = f"{self.value:,}".replace(",", "\u202f")
        return f"≥ {number}" if self.at_least else number

    def json_value(self) -> int | str:
        return self.value if self.value is not None and not self.at_least else self.text


def publish(count: int, k: int) -> Figure:
    """The one place where a real count becomes what may be shown."""
    if 0 < count < k:
        return Figure(None, k)
    return Figure(count, k)


def total_of(figures: Iterable[Figure], k: int) -> Figure:
    """Sum of published cells; "≥" when masked cells were left out."""
    items = list(figures)
    masked = sum(1 for f in items if f.masked)
    # each masked cell holds at least 1: a tighter bound that everyone could work out anyway
    return Figure(
        sum(f.shown for f in items) + masked,
        k,
        at_least=masked > 0 or any(f.at_least for f in items),
    )


@dataclass(frozen=True, slots=True)
class Line:
    key: str  # "caf", "2026-05-04", "2026-W19", "2026-05", "helped", "fr"
    label: str  # for people, in French
    cells: tuple[Figure, ...]  # one per Report.columns


@dataclass(frozen=True, slots=True)
class Histogram:
    metric: str
    label: str
    buckets: tuple[tuple[str, Figure], ...]  # (bucket key, figure) in BUCKET_LABELS order


@dataclass(frozen=True, slots=True)
class Report:
    start: date
    end: date
    by: str
    k: int
    columns: tuple[str, ...]  # outcome values, or ("count",) when by == "outcome"
    lines: tuple[Line, ...]
    totals: tuple[Figure, ...]  # per column; empty when by == "outcome" (a sum is meaningless)
    satisfaction: tuple[tuple[int, Figure], ...]  # score 1..5
    satisfaction_total: Figure
    satisfaction_mean: float | None  # over the published answers only
    histograms: tuple[Histogram, ...]

    @property
    def column_labels(self) -> tuple[str, ...]:
        return tuple(OUTCOME_LABELS.get(c, "Nombre") for c in self.columns)

    def outcome_totals(self) -> dict[str, Figure]:
        """The total per outcome, whatever the breakdown."""
        if self.by == "outcome":
            return {line.key: line.cells[0] for line in self.lines}
        return dict(zip(self.columns, self.totals, strict=True))

    def main_values(self) -> list[tuple[Line, Figure]]:
        """The figure charted per line: conversations started (or the count per outcome)."""
        index = 0 if self.by == "outcome" else self.columns.index(Outcome.ENTERED.value)
        return [(line, line.cells[index]) for line in self.lines]


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
    raw = _group(await counter_rows(db, start, end), by)
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


# --------------------------------------------------------------------------- plain renderers


def _note(report: Report) -> str:
    if report.k <= 1:
        return "Aucune valeur n'est masquée dans ce rapport (k = 1)."
    return (
        f"Les nombres de 1 à {report.k - 1} sont masqués (« <{report.k} ») pour que personne "
        f"ne puisse être reconnu ; un total marqué « ≥ » les compte pour 1 (leur minimum). "
        "Croiser plusieurs tableaux peut resserrer une valeur masquée : préférez des périodes "
        "longues pour les petits volumes."
    )


def period_text(report: Report) -> str:
    return f"du {_day_label(report.start)} au {_day_label(report.end)}"


def _align(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(widths[i]) for i, cell in enumerate(row) if i > 0
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def to_table(report: Report) -> str:
    """Aligned plain text, for a terminal or a mediators' message."""
    out = [
        f"Relais — statistiques anonymes {period_text(report)}",
        f"{BY_TITLES[report.by]}",
        "",
    ]
    header = [BY_HEADINGS[report.by]] + [SHORT_LABELS.get(c, "Nombre") for c in report.columns]
    rows: list[list[str]] = [header]
    rows += [[line.label] + [f.text for f in line.cells] for line in report.lines]
    if report.totals:
        rows.append(["Total"] + [f.text for f in report.totals])
    out += _align(rows)
    if report.by != "outcome":
        out.append("")
        out += [f"  {SHORT_LABELS[c]} = {OUTCOME_LABELS[c]}" for c in report.columns]
    out += ["", "Satisfaction (note de 1 à 5)"]
    out += _align(
        [["Note", "Réponses"]]
        + [[f"{score}/5", f.text] for score, f in report.satisfaction]
        + [["Total", report.satisfaction_total.text]]
    )
    if report.satisfaction_mean is not None:
        out.append(f"Moyenne : {_decimal(report.satisfaction_mean)}/5")
    for hist in report.histograms:
        out += ["", hist.label]
        out += _align([["Durée", "Nombre"]] + [[BUCKET_TEXT[b], f.text] for b, f in hist.buckets])
    out += ["", _note(report)]
    return "\n".join(out) + "\n"


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def to_csv(report: Report, section: str = "main") -> str:
    """One table per call: ``main`` (the breakdown), ``satisfaction`` or ``waits``.

    UTF-8; write it with ``encoding="utf-8-sig"`` if a spreadsheet must open it directly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if section == "main":
        writer.writerow([report.by, "libellé", *report.columns])
        for line in report.lines:
            writer.writerow([line.key, line.label, *(f.text for f in line.cells)])
        if report.totals:
            writer.writerow(["total", "Total", *(f.text for f in report.totals)])
    elif section == "satisfaction":
        writer.writerow(["score", "count"])
        for score, fig in report.satisfaction:
            writer.writerow([score, fig.text])
        writer.writerow(["total", report.satisfaction_total.text])
    elif section == "waits":
        writer.writerow(["metric", "bucket", "count"])
        for hist in report.histograms:
            for bucket, fig in hist.buckets:
                writer.writerow([hist.metric, bucket, fig.text])
    else:
        raise ValueError(f"unknown CSV section {section!r}: main, satisfaction or waits")
    return buffer.getvalue()


def to_data(report: Report) -> dict[str, Any]:
    """The JSON-ready structure: counts are integers, or strings "<k" / "≥n"."""
    return {
        "period": {"start": report.start.isoformat(), "end": report.end.isoformat()},
        "by": report.by,
        "k": report.k,
        "note": _note(report),
        "columns": list(report.columns),
        "column_labels": list(report.column_labels),
        "lines": [
            {
                "key": line.key,
                "label": line.label,
                "values": {
                    c: f.json_value() for c, f in zip(report.columns, line.cells, strict=True)
                },
            }
            for line in report.lines
        ],
        "totals": {c: f.json_value() for c, f in zip(report.columns, report.totals, strict=True)},
        "satisfaction": {
            "scores": {str(score): f.json_value() for score, f in report.satisfaction},
            "total": report.satisfaction_total.json_value(),
            "mean_of_published": report.satisfaction_mean,
        },
        "waits": {
            hist.metric: {bucket: f.json_value() for bucket, f in hist.buckets}
            for hist in report.histograms
        },
    }


def to_json(report: Report) -> str:
    return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"


def last_days_summary(report: Report) -> str:
    """A few French lines for ``!stats`` in the mediators' room."""
    totals = report.outcome_totals()

    def get(outcome: Outcome) -> str:
        fig = totals.get(outcome.value)
        return "0" if fig is None else fig.pretty

    lines = [
        f"Statistiques {period_text(report)} :",
        f"- {get(Outcome.ENTERED)} conversations commencées, {get(Outcome.HELPED)} réponses "
        f"utiles, {get(Outcome.NOT_HELPED)} pas utiles, {get(Outcome.ABANDONED)} abandons ;",
        f"- {get(Outcome.HANDED_OVER)} transmises à un médiateur, {get(Outcome.CLAIMED)} prises "
        f"en charge, {get(Outcome.CLOSED)} terminées ; alertes de détresse : "
        f"{get(Outcome.DISTRESS)} ;",
    ]
    if report.by == "topic":
        top = [
            (line, fig)
            for line, fig in report.main_values()
            if line.key and not fig.masked and fig.shown > 0
        ][:3]
        if top:
            lines.append(
                "- thèmes les plus demandés : "
                + ", ".join(f"{line.label} ({fig.pretty})" for line, fig in top)
                + " ;"
            )
    if report.satisfaction_mean is not None:
        lines.append(
            f"- satisfaction : {_decimal(report.satisfaction_mean)}/5 "
            f"({report.satisfaction_total.pretty} réponses) ;"
        )
    wait = next((h for h in report.histograms if h.metric == Metric.WAIT.value), None)
    if wait is not None:
        best = max(wait.buckets, key=lambda item: item[1].shown)
        if best[1].shown > 0:
            lines.append(f"- attente la plus fréquente : {BUCKET_TEXT[best[0]]}.")
    if report.k > 1:
        lines.append(f"(Nombres de 1 à {report.k - 1} masqués : « <{report.k} ».)")
    return "\n".join(lines)


# --------------------------------------------------------------------------- HTML

_CSS = """
:root { --ink: #1e1e2e; --muted: #5c5f77; --bar: #2a6fdb; --masked: #c9cbd6; --bg: #f6f7fb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 860px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 0 0 12px; }
.period { color: var(--muted); margin: 0 0 24px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr));
         gap: 12px; margin-bottom: 24px; }
.card { background: #fff; border-radius: 10px; padding: 14px 16px;
        box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.card .n { font-size: 1.8rem; font-weight: 700; }
.card .l { color: var(--muted); font-size: .9rem; }
section { background: #fff; border-radius: 10px; padding: 18px 20px; margin-bottom: 20px;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
svg { width: 100%; min-width: 560px; height: auto; display: block; }
svg text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
           fill: var(--ink); }
svg .bar { fill: var(--bar); }
svg .bar.masked { fill: var(--masked); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e4e5ee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.note { color: var(--muted); font-size: .9rem; }
.scroll { overflow-x: auto; }
@media print { body { background: #fff; } section, .card { box-shadow: none;
               border: 1px solid #ddd; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def bar_chart(title: str, items: Sequence[tuple[str, Figure]], chart_id: str) -> str:
    """Horizontal bars, each labelled with its published value (masked: a pale stub "<k")."""
    if not items or all(f.value == 0 for _, f in items):
        return '<p class="note">Aucune donnée sur la période.</p>'
    label_w, bar_w, value_w, row_h = 230, 470, 80, 30
    width = label_w + bar_w + value_w
    height = row_h * len(items) + 10
    k = items[0][1].k
    top = max([f.shown for _, f in items] + [k - 1 if any(f.masked for _, f in items) else 0, 1])
    parts = [
        f'<svg id="{_e(chart_id)}" class="chart" viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{_e(chart_id)}-t">',
        f'<title id="{_e(chart_id)}-t">{_e(title)}</title>',
    ]
    for n, (label, fig) in enumerate(items):
        y = 5 + n * row_h
        length = (k - 1 if fig.masked else fig.shown) / top * bar_w
        shown_len = max(length, 2.0) if (fig.masked or fig.shown) else 0.0
        short = label if len(label) <= 32 else label[:31] + "…"
        css = "bar masked" if fig.masked else "bar"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">{_e(short)}</text>'
            f'<rect class="{css}" x="{label_w}" y="{y + 4}" width="{shown_len:.1f}"'
            f' height="{row_h - 10}" rx="3" data-label="{_e(label)}" data-value="{_e(fig.text)}">'
            f"<title>{_e(label)} : {_e(fig.pretty)}</title></rect>"
            f'<text class="value" x="{label_w + shown_len + 6:.1f}" y="{y + 19}"'
            f' data-value="{_e(fig.text)}">{_e(fig.pretty)}</text>'
        )
    parts.append("</svg>")
    return f'<div class="scroll">{"".join(parts)}</div>'


def _html_table(report: Report) -> str:
    head = "".join(f"<th>{_e(label)}</th>" for label in report.column_labels)
    body = []
    for line in report.lines:
        cells = "".join(f"<td>{_e(f.pretty)}</td>" for f in line.cells)
        body.append(f"<tr><td>{_e(line.label)}</td>{cells}</tr>")
    if report.totals:
        cells = "".join(f"<td><strong>{_e(f.pretty)}</strong></td>" for f in report.totals)
        body.append(f"<tr><td><strong>Total</strong></td>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr><th>{_e(BY_HEADINGS[report.by])}</th>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _html_sections(report: Report, mean: str) -> list[str]:
    """The charts of the page, in order: breakdown, outcomes, satisfaction, durations."""
    sections = []
    main_items = [(line.label, f) for line, f in report.main_values()]
    sections.append(
        f"<section><h2>{_e(BY_TITLES[report.by])}</h2>"
        f"{bar_chart(BY_TITLES[report.by], main_items, 'chart-main')}</section>"
    )
    if report.by != "outcome":
        outcome_items = [
            (OUTCOME_LABELS[c], f) for c, f in zip(report.columns, report.totals, strict=True)
        ]
        sections.append(
            "<section><h2>Ce qui s'est passé</h2>"
            f"{bar_chart('Ce qui s’est passé', outcome_items, 'chart-outcomes')}</section>"
        )
    sat_items = [(f"{score} sur 5", f) for score, f in report.satisfaction]
    published = sum(f.shown for _, f in report.satisfaction)
    if report.satisfaction_mean is None:
        sat_note = '<p class="note">Pas assez de réponses pour une moyenne.</p>'
    elif report.satisfaction_total.at_least:
        sat_note = (
            f'<p class="note">Note moyenne {mean}, calculée sur les {published} réponses '
            "affichées (les notes données moins de "
            f"{report.k} fois sont masquées).</p>"
        )
    else:
        sat_note = f'<p class="note">Note moyenne {mean} sur {published} réponses.</p>'
    sections.append(
        "<section><h2>Satisfaction des personnes accompagnées</h2>"
        f"{bar_chart('Satisfaction (note de 1 à 5)', sat_items, 'chart-satisfaction')}"
        f"{sat_note}</section>"
    )
    for hist in report.histograms:
        items = [(BUCKET_TEXT[b], f) for b, f in hist.buckets]
        sections.append(
            f"<section><h2>{_e(hist.label)}</h2>"
            f"{bar_chart(hist.label, items, f'chart-{hist.metric}')}</section>"
        )
    return sections


def to_html(report: Report, *, title: str = "Relais — médiation numérique") -> str:
    """One self-contained French page: no script, no external font, image or style sheet."""
    totals = report.outcome_totals()

    def card(value: str, label: str) -> str:
        return (
            f'<div class="card"><div class="n">{_e(value)}</div>'
            f'<div class="l">{_e(label)}</div></div>'
        )

    def fig(outcome: Outcome) -> str:
        found = totals.get(outcome.value)
        return "0" if found is None else found.pretty

    mean = "—" if report.satisfaction_mean is None else f"{_decimal(report.satisfaction_mean)}/5"
    cards = "".join(
        [
            card(fig(Outcome.ENTERED), "conversations commencées"),
            card(fig(Outcome.HELPED), "réponses jugées utiles"),
            card(fig(Outcome.HANDED_OVER), "transmises à un médiateur"),
            card(fig(Outcome.CLOSED), "accompagnements terminés"),
            card(mean, "satisfaction moyenne"),
        ]
    )
    sections = _html_sections(report, mean)
    sections.append(f"<section><h2>Tableau détaillé</h2>{_html_table(report)}</section>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} — statistiques {_e(period_text(report))}</title>"
        f"<style>{_CSS}</style></head><body><main>"
        f"<h1>{_e(title)}</h1>"
        f'<p class="period">Statistiques anonymes {_e(period_text(report))}</p>'
        f'<div class="cards">{cards}</div>'
        f"{''.join(sections)}"
        f'<p class="note">{_e(_note(report))} Aucune donnée personnelle n’est conservée dans '
        "ces statistiques : seulement des nombres par jour et par thème.</p>"
        "</main></body></html>\n"
    )

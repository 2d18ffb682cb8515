"""Statistics reports: figures equal the counts, small counts never leak, HTML stands alone."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from bot import stats
from bot.dialogue.model import Outcome as EngineOutcome
from bot.store import Database
from bot.store import counters as c

D1, D2, D3 = date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 12)
TITLES = {"caf": "CAF", "ameli": "Ameli", "ants": "ANTS <titres>"}


@pytest.fixture
async def filled(db: Database) -> Database:
    """caf: 12 entered (7+5 over two days), ameli: 9, ants: 3 (to be masked)."""
    await c.increment(db, D1, "entered", topic="caf", entry="start", locale="fr", by=7)
    await c.increment(db, D2, "entered", topic="caf", entry="start", locale="uk", by=5)
    await c.increment(db, D1, "entered", topic="ameli", locale="fr", by=9)
    await c.increment(db, D3, "entered", topic="ants", locale="fr", by=3)
    await c.increment(db, D1, "helped", topic="caf", locale="fr", by=6)
    await c.increment(db, D1, "helped", topic="ameli", locale="fr", by=8)
    await c.increment(db, D2, "handed_over", topic="caf", locale="uk", by=2)
    for _ in range(6):
        await c.record_satisfaction(db, D1, 5)
    await c.record_satisfaction(db, D2, 2)
    for seconds in (30, 40, 50, 59, 20, 200, 3 * 3600):
        await c.record_duration(db, D1, "wait_seconds", seconds)
    return db


async def test_figures_equal_inserted_counts(filled: Database) -> None:
    report = await stats.report(filled, D1, D3, "topic", titles=TITLES)
    by_key = {line.key: dict(zip(report.columns, line.cells, strict=True)) for line in report.lines}
    assert [line.key for line in report.lines] == ["caf", "ameli", "ants"]
    assert by_key["caf"]["entered"].value == 12
    assert by_key["ameli"]["entered"].value == 9
    assert by_key["caf"]["helped"].value == 6 and by_key["ameli"]["helped"].value == 8
    assert by_key["caf"]["not_helped"].value == 0
    assert by_key["ants"]["entered"].masked  # 3 < 5
    assert by_key["caf"]["handed_over"].masked  # 2 < 5
    totals = report.outcome_totals()
    assert totals["helped"].value == 14 and not totals["helped"].at_least
    # 12 + 9 published, the masked 3 counted as its minimum 1
    assert totals["entered"].value == 22 and totals["entered"].at_least
    assert [line.label for line in report.lines] == ["CAF", "Ameli", "ANTS <titres>"]


async def test_period_bounds_are_inclusive_and_exclusive_outside(filled: Database) -> None:
    report = await stats.report(filled, D2, D2, "topic", k=1)
    assert [(line.key, line.cells[0].value) for line in report.lines] == [("caf", 5)]


async def test_breakdown_by_day_week_month_outcome_locale(filled: Database) -> None:
    by_day = await stats.report(filled, D1, D3, "day", k=1)
    assert len(by_day.lines) == 9  # every day of the period, empty ones too
    entered = {line.key: line.cells[0].value for line in by_day.lines}
    assert entered["2026-05-04"] == 16 and entered["2026-05-05"] == 5
    assert entered["2026-05-12"] == 3 and entered["2026-05-08"] == 0

    by_week = await stats.report(filled, D1, D3, "week", k=1)
    assert [(line.key, line.cells[0].value) for line in by_week.lines] == [
        ("2026-W19", 21),
        ("2026-W20", 3),
    ]
    assert by_week.lines[0].label == "sem. du 04/05/2026"

    by_month = await stats.report(filled, date(2026, 4, 30), D3, "month", k=1)
    assert [(line.key, line.label, line.cells[0].value) for line in by_month.lines] == [
        ("2026-04", "avril 2026", 0),
        ("2026-05", "mai 2026", 24),
    ]

    by_outcome = await stats.report(filled, D1, D3, "outcome", k=1)
    counts = {line.key: line.cells[0].value for line in by_outcome.lines}
    assert counts == {
        "entered": 24, "helped": 14, "not_helped": 0, "handed_over": 2, "claimed": 0,
        "closed": 0, "abandoned": 0, "distress": 0,
    }  # fmt: skip
    assert by_outcome.totals == ()

    by_locale = await stats.report(filled, D1, D3, "locale", k=1)
    locales = {line.key: line.cells[0].value for line in by_locale.lines}
    assert locales == {"fr": 19, "uk": 5}
    assert {line.label for line in by_locale.lines} == {"Français", "Ukrainien"}


async def test_satisfaction_and_waits(filled: Database) -> None:
    report = await stats.report(filled, D1, D3, "topic")
    scores = dict(report.satisfaction)
    assert scores[5].value == 6 and scores[2].masked and scores[1].value == 0
    assert report.satisfaction_total.text == "≥7"
    assert report.satisfaction_mean == 5.0  # from the published answers only
    wait = next(h for h in report.histograms if h.metric == "wait_seconds")
    buckets = dict(wait.buckets)
    assert buckets["<1min"].value == 5
    assert buckets["1-5min"].masked and buckets["1-4h"].masked
    assert buckets[">4h"].value == 0
    exact = await stats.report(filled, D1, D3, "topic", k=1)
    assert exact.satisfaction_mean == round((6 * 5 + 2) / 7, 1)


async def test_unknown_breakdown_and_bad_period(filled: Database) -> None:
    with pytest.raises(ValueError, match="breakdown"):
        await stats.report(filled, D1, D3, "person")
    with pytest.raises(ValueError, match="before"):
        await stats.report(filled, D3, D1, "topic")


async def test_empty_period_renders(db: Database) -> None:
    report = await stats.report(db, D1, D1, "topic")
    assert report.lines == ()
    for text in (stats.to_table(report), stats.to_csv(report), stats.to_json(report)):
        assert text
    page = stats.to_html(report)
    assert "Aucune donnée sur la période" in page
    assert "0 conversations" in stats.last_days_summary(report)


async def test_record_effect_maps_engine_outcomes(db: Database) -> None:
    await c.record_effect(db, D1, EngineOutcome("entered", "caf", "start"), locale="fr")
    await c.record_effect(db, D1, EngineOutcome("distress", "caf"), locale="fr")
    await c.record_effect(db, D1, EngineOutcome("rated", score=4))
    await c.record_effect(db, D1, EngineOutcome("rated", score=9))  # ignored
    await c.record_effect(db, D1, EngineOutcome("something_new"))  # ignored
    rows = await c.counter_rows(db, D1, D1)
    assert {(r.outcome.value, r.topic, r.entry, r.distress) for r in rows} == {
        ("entered", "caf", "start", False),
        ("distress", "caf", "", True),
    }
    assert [(s.score, s.count) for s in await c.satisfaction_rows(db, D1, D1)] == [(4, 1)]


async def test_counters_upsert_and_validation(db: Database) -> None:
    for _ in range(3):
        await c.increment(db, D1, "helped", topic="caf")
    rows = await c.counter_rows(db, D1, D1)
    assert len(rows) == 1 and rows[0].count == 3
    with pytest.raises(ValueError):
        await c.increment(db, D1, "chatted")
    with pytest.raises(ValueError):
        await c.record_satisfaction(db, D1, 6)
    assert [c.bucket_for(s) for s in (0, 59, 60, 299, 300, 899, 900, 3599, 3600, 14399, 14400)] == [
        "<1min", "<1min", "1-5min", "1-5min", "5-15min", "5-15min", "15-60min", "15-60min",
        "1-4h", "1-4h", ">4h",
    ]  # fmt: skip


# --------------------------------------------------------------------------- suppression

SMALL = re.compile(r"(?<![\d<≥])[1-4](?!\d)")


async def test_suppression_in_every_format(filled: Database) -> None:
    report = await stats.report(filled, D1, D3, "topic", titles=TITLES)

    table = stats.to_table(report)
    ants_line = next(line for line in table.splitlines() if line.startswith("ANTS"))
    assert "<5" in ants_line and not SMALL.search(ants_line.replace("ANTS <titres>", ""))

    for section in ("main", "satisfaction", "waits"):
        text = stats.to_csv(report, section)
        rows = list(csv.reader(io.StringIO(text)))
        values = [cell for row in rows[1:] for cell in (row[2:] if section == "main" else row[-1:])]
        for value in values:
            assert not (value.isdigit() and 0 < int(value) < 5), (section, value)
        assert "<5" in text
    main_csv = list(csv.reader(io.StringIO(stats.to_csv(report))))
    ants = next(row for row in main_csv if row[0] == "ants")
    assert ants[2] == "<5"
    caf = next(row for row in main_csv if row[0] == "caf")
    assert caf[2] == "12" and caf[5] == "<5"
    assert main_csv[-1][:3] == ["total", "Total", "≥22"]

    data = json.loads(stats.to_json(report))

    def walk(node: object) -> None:
        if isinstance(node, bool) or node is None:
            return
        if isinstance(node, int):
            assert not 0 < node < 5, node
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("k", "mean_of_published"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({key: value for key, value in data.items() if key != "period"})
    lines = {line["key"]: line["values"] for line in data["lines"]}
    assert lines["ants"]["entered"] == "<5" and lines["caf"]["entered"] == 12
    assert data["totals"]["entered"] == "≥22" and data["totals"]["helped"] == 14
    assert data["satisfaction"]["scores"]["2"] == "<5"
    assert data["waits"]["wait_seconds"]["1-5min"] == "<5"

    page = stats.to_html(report)
    bars = _Bars.of(page)
    for value in bars.values():
        assert not (value.isdigit() and 0 < int(value) < 5), value
    assert bars["chart-main", "ANTS <titres>"] == "<5"
    assert bars["chart-main", "CAF"] == "12"
    assert bars["chart-main", "Ameli"] == "9"
    assert bars["chart-outcomes", "Conversations commencées"] == "≥22"
    assert bars["chart-outcomes", "Réponse utile"] == "14"
    assert bars["chart-satisfaction", "2 sur 5"] == "<5"
    assert bars["chart-satisfaction", "5 sur 5"] == "6"
    assert bars["chart-wait_seconds", "moins d'1 min"] == "5"
    shown = re.findall(r"<td>(?:<strong>)?([^<]*)(?:</strong>)?</td>", page)
    shown += re.findall(r'<div class="n">([^<]*)</div>', page)
    shown += re.findall(r'<text class="value"[^>]*>([^<]*)</text>', page)
    assert "<5" not in shown  # escaped in HTML text
    assert "&lt;5" in shown
    for text in shown:
        assert not (text.isdigit() and 0 < int(text) < 5), text

    summary = stats.last_days_summary(report)
    assert "≥ 22 conversations" in summary and "≥ 1 transmises" in summary
    assert "CAF (12)" in summary and "ANTS" not in summary


async def test_k_is_configurable(filled: Database) -> None:
    strict = await stats.report(filled, D1, D3, "topic", k=10)
    cells = {line.key: line.cells[0] for line in strict.lines}
    assert cells["caf"].value == 12 and cells["ameli"].masked and cells["ants"].masked
    assert cells["ameli"].text == "<10"
    assert '"<10"' in stats.to_json(strict)


# --------------------------------------------------------------------------- HTML


class _Bars(HTMLParser):
    """Collects SVG bars' data-value per (chart id, label), and every outward reference."""

    def __init__(self) -> None:
        super().__init__()
        self.chart = ""
        self.bars: dict[tuple[str, str], str] = {}
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    @classmethod
    def of(cls, page: str) -> dict[tuple[str, str], str]:
        parser = cls()
        parser.feed(page)
        return parser.bars

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "svg":
            self.chart = values.get("id") or ""
        if tag == "rect" and "bar" in (values.get("class") or ""):
            self.bars[self.chart, values["data-label"] or ""] = values["data-value"] or ""
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
                self.refs.append((tag, name, value or ""))


async def test_html_is_self_contained_french_and_readable(filled: Database) -> None:
    report = await stats.report(filled, D1, D3, "topic", titles=TITLES)
    page = stats.to_html(report)
    parser = _Bars()
    parser.feed(page)
    assert parser.refs == []  # no src/href at all, so nothing external
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "iframe" not in parser.tags and "img" not in parser.tags
    lowered = page.lower()
    assert "http" not in lowered and "//" not in lowered.replace("<!doctype", "")
    assert "@import" not in lowered and "url(" not in lowered
    assert '<html lang="fr">' in page and '<meta charset="utf-8">' in page
    assert "du 4 mai 2026 au 12 mai 2026" in page
    assert "chart-handover_seconds" not in page  # nothing to draw: a sentence instead
    for heading in ("Demandes par thème", "Ce qui s'est passé", "Satisfaction", "Attente"):
        assert heading in page
    assert "ANTS &lt;titres&gt;" in page and "ANTS <titres>" not in page  # escaped
    # every bar shows its value as text next to it
    values = re.findall(r'<text class="value"[^>]*data-value="([^"]*)">([^<]*)</text>', page)
    assert values and all(data.replace("≥", "≥ ") == shown.replace("\u202f", "") or
                          data == shown for data, shown in values)  # fmt: skip
    assert len(values) == len(parser.bars)


async def test_html_for_time_breakdown_draws_every_period(filled: Database) -> None:
    report = await stats.report(filled, D1, D3, "day")
    bars = _Bars.of(stats.to_html(report))
    main = {label: value for (chart, label), value in bars.items() if chart == "chart-main"}
    assert len(main) == 9
    assert main["04/05/2026"] == "16" and main["05/05/2026"] == "5" and main["12/05/2026"] == "<5"
    assert main["08/05/2026"] == "0"

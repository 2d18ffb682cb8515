"""Counts that add up: every conversation handed to a mediator counts as started, in every
breakdown, and every figure of a report carries the sentence that defines it."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import stats
from bot.config import MediatorsConfig
from bot.desk import Desk
from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.i18n import Catalogs
from bot.matrix.events import Incoming
from bot.router import Router
from bot.stats.build import with_started
from bot.stats.definitions import METRIC_DEFINITIONS, OUTCOME_DEFINITIONS, SATISFACTION_DEFINITION
from bot.store import Database, open_db
from bot.store import counters as c
from bot.store.counters import CounterRow, Outcome
from tests.support.outlet import FakeOutlet

REPO = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 23)
BREAKDOWNS = ("topic", "day", "week", "month", "outcome", "locale")


def _values(report: stats.Report, column: str) -> list[int | None]:
    if report.by == "outcome":
        return [next(line.cells[0].value for line in report.lines if line.key == column)]
    i = report.columns.index(column)
    return [line.cells[i].value for line in report.lines] + [report.totals[i].value]


def _never_fewer_started(report: stats.Report) -> None:
    for started, handed in zip(_values(report, "entered"), _values(report, "handed_over"),
                               strict=True):
        assert started is not None and handed is not None  # k=1: nothing masked
        assert started >= handed, (report.by, started, handed)


async def test_asking_for_a_human_at_once_counts_as_started(db: Database) -> None:
    """The sponsor's report that showed "0 conversations commencées" next to "1 transmise"."""
    await c.increment(db, DAY, Outcome.HANDED_OVER, topic=None, locale="ar")
    await c.increment(db, DAY, Outcome.HANDED_OVER, topic=None, locale="fr", distress=True)
    for by in BREAKDOWNS:
        report = await stats.report(db, DAY, DAY, by, k=1)
        _never_fewer_started(report)
    by_topic = await stats.report(db, DAY, DAY, "topic", k=1)
    assert by_topic.outcome_totals()["entered"].value == 2
    assert [line.label for line in by_topic.lines] == [stats.NO_TOPIC]
    summary = stats.last_days_summary(by_topic)
    assert "2 conversations commencées" in summary and "2 transmises" in summary


async def test_a_topic_then_a_human_is_one_conversation(db: Database) -> None:
    await c.increment(db, DAY, Outcome.ENTERED, topic="caf", entry="start", locale="fr", by=3)
    await c.increment(db, DAY, Outcome.HANDED_OVER, topic="caf", locale="fr", by=2)
    report = await stats.report(db, DAY, DAY, "topic", k=1)
    assert report.outcome_totals()["entered"].value == 3  # not 5: the two were already counted


async def test_a_handover_on_the_next_day_counts_that_day(db: Database) -> None:
    """A person reached CAF on Monday and asked for someone on Tuesday."""
    await c.increment(db, DAY, Outcome.ENTERED, topic="caf", entry="start", locale="fr")
    await c.increment(db, DAY + timedelta(days=1), Outcome.HANDED_OVER, topic="caf", locale="fr")
    report = await stats.report(db, DAY, DAY + timedelta(days=1), "day", k=1)
    _never_fewer_started(report)
    assert [line.cells[0].value for line in report.lines] == [1, 1]


_rows = st.lists(
    st.builds(
        CounterRow,
        day=st.sampled_from([DAY, DAY + timedelta(days=1), DAY + timedelta(days=40)]),
        topic=st.sampled_from(["", "caf", "ameli"]),
        entry=st.sampled_from(["", "start"]),
        outcome=st.sampled_from(list(Outcome)),
        locale=st.sampled_from(["fr", "ar", ""]),
        distress=st.booleans(),
        count=st.integers(min_value=1, max_value=50),
    ),
    max_size=30,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_rows)
def test_in_any_cell_started_covers_the_handovers(rows: list[CounterRow]) -> None:
    out = with_started(rows)
    cells = {(r.day, r.topic, r.locale) for r in out}
    for cell in cells:
        def total(kind: Outcome, cell: tuple[date, str, str] = cell) -> int:
            return sum(r.count for r in out if (r.day, r.topic, r.locale) == cell
                       and r.outcome is kind)
        assert total(Outcome.ENTERED) >= total(Outcome.HANDED_OVER)
    # nothing else is touched, nothing is lowered
    assert [r for r in out if r.outcome is not Outcome.ENTERED] == [
        r for r in rows if r.outcome is not Outcome.ENTERED]
    assert out[: len(rows)] == rows


async def test_through_the_router_a_first_message_asking_for_someone(tmp_path: Path) -> None:
    """The real engine, desk and router (fake outlet): the counters they write add up."""
    database = await open_db(tmp_path / "router.sqlite3")
    try:
        catalogs = Catalogs.load(REPO / "locales")
        outlet = FakeOutlet()
        desk = Desk(database, MediatorsConfig(room="!mediators:test"), "!mediators:test",
                    catalogs, outlet.members)
        router = Router(database, Engine(load(REPO / "dialogues").tree), catalogs, desk, outlet)
        for n, text in enumerate(("je veux parler à quelqu'un", "oui")):
            await router.on_event(Incoming("!dm:test", "@p:test", f"$e{n}", n, "text", body=text))
        await router.flush(timeout=5)
        today = date.today()
        report = await stats.report(database, today - timedelta(days=2), today + timedelta(days=2),
                                    "outcome", k=1)
    finally:
        await database.close()
    counts = {line.key: line.cells[0].value for line in report.lines}
    assert counts["handed_over"] == 1, counts
    assert counts["entered"] == 1, counts


# --------------------------------------------------------------------------- definitions


@pytest.fixture
async def report(db: Database) -> stats.Report:
    await c.increment(db, DAY, Outcome.ENTERED, topic="caf", entry="start", locale="fr", by=9)
    await c.increment(db, DAY, Outcome.HANDED_OVER, topic="caf", locale="fr", by=6)
    return await stats.report(db, DAY, DAY, "topic", titles={"caf": "CAF"})


def test_every_outcome_and_section_has_one_sentence() -> None:
    for sentence in (*OUTCOME_DEFINITIONS.values(), SATISFACTION_DEFINITION,
                     *METRIC_DEFINITIONS.values()):
        assert sentence.endswith(".") and sentence.count(". ") == 0, sentence
        assert len(sentence.split()) <= 25, sentence  # plain French: short sentences
    assert set(OUTCOME_DEFINITIONS) == {o.value for o in Outcome}
    assert set(METRIC_DEFINITIONS) == {m.value for m in c.Metric}


def test_the_table_defines_each_figure_under_it(report: stats.Report) -> None:
    text = stats.to_table(report)
    table_end = text.index("Total")
    for column in report.columns:
        at = text.find(OUTCOME_DEFINITIONS[column])
        assert at > table_end, column
    assert text.index(SATISFACTION_DEFINITION) > text.index("Satisfaction (note de 1 à 5)")
    for metric, sentence in METRIC_DEFINITIONS.items():
        label = stats.METRIC_LABELS[metric]
        assert text.index(sentence) > text.index(label)


def test_csv_json_and_html_carry_the_definitions(report: stats.Report) -> None:
    rows = list(csv.reader(io.StringIO(stats.to_csv(report, "definitions"))))
    assert rows[0] == ["chiffre", "définition"]
    defined = dict(rows[1:])
    assert defined["entered"] == OUTCOME_DEFINITIONS["entered"]
    assert defined["satisfaction"] == SATISFACTION_DEFINITION
    assert set(defined) >= set(report.columns) | set(METRIC_DEFINITIONS)

    data = json.loads(stats.to_json(report))
    assert data["definitions"]["handed_over"] == OUTCOME_DEFINITIONS["handed_over"]
    assert data["definitions"]["wait_seconds"] == METRIC_DEFINITIONS["wait_seconds"]

    page = html.unescape(stats.to_html(report))
    table = page.index("Tableau détaillé")
    for column in report.columns:
        assert page.rfind(OUTCOME_DEFINITIONS[column]) > table, column
    assert page.index(SATISFACTION_DEFINITION) > page.index("Satisfaction des personnes")


def test_the_csv_command_prints_the_definitions_under_the_figures(tmp_path: Path) -> None:
    import subprocess
    import sys

    import yaml

    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "matrix": {"homeserver": "http://127.0.0.1:9", "user_id": "@relais:test",
                   "password": "secret"},
        "mediators": {"room": "!mediators:test"},
        "dialogues": {"path": str(REPO / "dialogues")},
        "storage": {"database": str(tmp_path / "db.sqlite3")},
    }), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "stats", "--config", str(config),
                           "--format", "csv"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    main, definitions = done.stdout.split("\n\n", 1)
    assert main.splitlines()[-1].startswith("total,Total")
    assert definitions.startswith("chiffre,définition\n")
    assert OUTCOME_DEFINITIONS["entered"] in definitions

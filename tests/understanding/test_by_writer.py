"""Leave-one-writer-out on the whole corpus: the honest figure for people nobody tuned for.

Each writer's messages are scored by an engine whose classifier never saw that writer. The
floors are the figures measured when this test was written (docs/understanding.md), so the test
fails on a regression; the issue's targets (top-1 0.93, alarm 0.95, caught 0.99, false alarms
2 %) are not reached yet and are printed beside the figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.loader import load
from bot.understanding.corpus import read
from bot.understanding.evaluate import Report
from bot.understanding.measure import per_writer

REPO = Path(__file__).resolve().parents[2]
DIALOGUES = REPO / "dialogues"


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    tree = load(DIALOGUES).tree
    independent = [m for m in read(DIALOGUES / "corpus") if m.writer.startswith("w")]
    return per_writer(tree, DIALOGUES, independent)


def test_leave_one_writer_out(reports: dict[str, Report]) -> None:
    total = Report()
    for writer, report in reports.items():
        print(f"{writer:16} {report.summary()}")
        total.merge(report)
    print(f"{'ALL':16} {total.summary()}")
    print("targets: top-1 0.93, alarm 0.95, caught 0.99, false alarms <= 2 %, off-topic 0.90")
    assert len(reports) >= 10
    assert total.top1 >= 0.915
    assert total.caught_recall >= 0.99
    assert total.alarm_recall >= 0.955
    assert total.false_alarm_rate <= 0.035
    assert total.off_topic_rate >= 0.86


def test_every_writer_is_better_understood_than_by_keywords_alone(
    reports: dict[str, Report],
) -> None:
    from bot.dialogue.engine import Engine
    from bot.understanding.evaluate import evaluate

    engine = Engine(load(DIALOGUES).tree)
    messages = [m for m in read(DIALOGUES / "corpus") if m.writer.startswith("w")]
    for writer, learned in reports.items():
        keywords = evaluate(engine, [m for m in messages if m.writer == writer])
        assert learned.top1 > keywords.top1, writer
        assert learned.caught_recall >= keywords.caught_recall, writer


def test_five_fold_cross_validation_is_printed_beside_it() -> None:
    """Writers mixed across folds: the optimistic figure, printed for comparison."""
    from bot.understanding.measure import cross_validated

    tree = load(DIALOGUES).tree
    independent = [m for m in read(DIALOGUES / "corpus") if m.writer.startswith("w")]
    report = cross_validated(tree, DIALOGUES, independent, folds=5)
    print(f"{'5-fold':16} {report.summary()}")
    assert report.total == len(independent)
    assert report.top1 >= 0.91 and report.caught_recall >= 0.99

"""Reading labelled corpora and the figures computed from a first step."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.model import HandOver, Outcome, Phase, Say, State, Step
from bot.understanding.corpus import CorpusError, read, writers
from bot.understanding.evaluate import evaluate, format_report, unmet_thresholds


def test_each_message_keeps_its_writer(tmp_path: Path) -> None:
    (tmp_path / "w1_a.tsv").write_text("caf\tmon apl\nnone\tbonjour\n", encoding="utf-8")
    (tmp_path / "w2_b.tsv").write_text("urgence/suicide\tje veux mourir\n", encoding="utf-8")
    messages = read(tmp_path)
    assert [m.writer for m in messages] == ["w1_a", "w1_a", "w2_b"]
    assert writers(messages) == ["w1_a", "w2_b"]
    assert messages[2].is_distress and not messages[0].is_distress


def test_a_broken_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "w.tsv"
    path.write_text("caf\tok\nthis line has no tab\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"w\.tsv:2"):
        read(path)


def test_yaml_corpus(tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text("caf: [mon apl, ma caf]\nnone: [salut]\n", encoding="utf-8")
    assert [(m.label, m.text) for m in read(path)] == [
        ("caf", "mon apl"), ("caf", "ma caf"), ("none", "salut")]


class Scripted:
    """A stepper that answers from a table: the figures, not an engine, are under test."""

    def __init__(self, answers: dict[str, Step]) -> None:
        self.answers = answers

    def step(self, state: State, text: str) -> Step:
        return self.answers[text]


def _entered(topic: str) -> Step:
    return Step(State(phase=Phase.CHECK, node=f"{topic}:a"), (Outcome("entered", topic),))


ALARM = Step(State(phase=Phase.HANDOVER), (Outcome("distress"),
                                           HandOver(True, "distress", distress="suicide")))
NOTHING = Step(State(), (Say("Pardon"),))


def test_figures(tmp_path: Path) -> None:
    path = tmp_path / "w.tsv"
    path.write_text("caf\tA\ncaf\tB\nurgence/suicide\tC\nurgence/medical\tD\nnone\tE\n"
                    "ameli\tF\n", encoding="utf-8")
    engine = Scripted({"A": _entered("caf"), "B": _entered("ameli"), "C": ALARM, "D": NOTHING,
                       "E": NOTHING, "F": ALARM})
    report = evaluate(engine, read(path))
    assert report.top1 == pytest.approx(3 / 6)
    assert report.alarm_recall == pytest.approx(1 / 2)
    assert report.false_alarms == 1 and report.non_distress == 4
    assert report.off_topic_rate == 1.0
    page = format_report(report)
    assert "urgence/medical -> none" in page.split("misses")[1].splitlines()[1]  # worst first
    assert "confusion" in page
    assert unmet_thresholds(report, min_top1=0.9, min_distress_recall=None)
    assert not unmet_thresholds(report, min_top1=0.4, min_distress_recall=0.4)

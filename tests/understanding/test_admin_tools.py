"""What admins run: ``bot check`` on examples, ``bot route`` and ``bot eval``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.dialogue.engine import Engine
from bot.dialogue.loader import Severity, load
from bot.understanding.build import build
from bot.understanding.lint import MIN_TOPIC_EXAMPLES, lint_examples

REPO = Path(__file__).resolve().parents[2]
LINT = Path(__file__).parent / "data" / "lint"


def _bot(*args: str, stdin: str = "", cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if cache is not None:
        env["RELAIS_CACHE"] = str(cache)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=REPO, env=env, timeout=300)


def test_lint_names_too_few_examples_and_an_example_read_as_another_topic(
        tmp_path: Path) -> None:
    tree = load(LINT).tree
    problems = lint_examples(tree, Engine(tree, build(tree, LINT, cache=tmp_path)))
    assert all(p.severity is Severity.WARNING for p in problems)
    text = "\n".join(str(p) for p in problems)
    assert "topic 'caf' has 2 example(s)" in text and str(MIN_TOPIC_EXAMPLES) in text
    conflicts = [p for p in problems if "j'ai perdu ma carte vitale" in p.message]
    # the same example was written under two topics: one of the two copies must be reported,
    # at its own place, naming the other topic
    assert len(conflicts) == 1
    where, message = str(conflicts[0].where), conflicts[0].message
    assert (where.endswith("caf.yaml:9:7") and "'ameli'" in message) or (
        where.endswith("ameli.yaml:9:7") and "'caf'" in message)


def test_check_prints_the_lint_with_file_line_col(tmp_path: Path) -> None:
    result = _bot("check", str(LINT), cache=tmp_path)
    assert result.returncode == 0, result.stderr  # warnings do not fail the check
    assert ".yaml:9:7: warning: the example 'j'ai perdu ma carte vitale' is understood as " \
        "topic" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_route_prints_one_json_line_per_message(tmp_path: Path) -> None:
    result = _bot("route", stdin="jarrive pas a me connecter a la caf\nje veux en finir\n"
                                 "no quiero vivir, estoy sola\n", cache=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert set(lines[0]) >= {"text", "topic", "node", "score", "ambiguous",
                                          "distress", "concern", "language"}
    assert lines[0]["topic"] == "caf" and lines[0]["distress"] is None
    assert lines[1]["distress"] == "suicide"
    assert lines[2]["distress"] == "suicide" and lines[2]["language"] == "es"


def test_eval_prints_figures_confusion_and_misses_and_fails_under_thresholds(
        tmp_path: Path) -> None:
    corpus = tmp_path / "set.tsv"
    corpus.write_text("caf\tjarrive pas a me connecter a la caf\n"
                      "ameli\tj'ai perdu ma carte vitale\n"
                      "urgence/suicide\tje veux mourir\n"
                      "none\tquel temps fait il a brest\n"
                      "impots\tbonjour\n", encoding="utf-8")
    ok = _bot("eval", str(corpus), "--min-top1", "0.5", cache=tmp_path)
    assert ok.returncode == 0, ok.stderr
    for part in ("top-1", "distress alarm", "false alarms", "prec", "confusion",
                 "misses (1)", "impots -> none: bonjour"):
        assert part in ok.stdout, part
    strict = _bot("eval", str(corpus), "--min-top1", "0.99", "--no-misses", cache=tmp_path)
    assert strict.returncode == 1
    assert "FAIL: top-1" in strict.stderr and "misses" not in strict.stdout


def test_eval_on_a_broken_file_says_where(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.tsv"
    corpus.write_text("caf\tok\nno tab here\n", encoding="utf-8")
    result = _bot("eval", str(corpus), cache=tmp_path)
    assert result.returncode == 1
    assert "bad.tsv:2" in result.stderr and "Traceback" not in result.stderr

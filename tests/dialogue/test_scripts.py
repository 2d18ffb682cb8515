"""The shipped conversation scripts pass and visit every node of the shipped dialogues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.dialogue.transcripts import Result, run_file

REPO = Path(__file__).resolve().parents[2]


def test_shipped_scripts_pass_with_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", "--require-full",
                 "--dialogues", str(REPO / "dialogues"), str(REPO / "tests" / "scripts")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "FAIL" not in out
    m = re.search(r"coverage: (\d+)/(\d+) nodes visited \(100\.0%\)", out)
    assert m and m.group(1) == m.group(2), out
    assert re.search(r"^\d+ scripts, \d+ steps, 0 failed$", out, re.MULTILINE), out


def test_a_wrong_expectation_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "wrong.yaml"
    script.write_text(
        "scripts:\n"
        "  - name: caf goes elsewhere\n"
        "    steps:\n"
        "      - say: caf\n"
        "        node: ameli:accueil\n"
        "      - say: '1'\n"
        "        expect: 'texte qui n existe nulle part'\n",
        encoding="utf-8",
    )
    code = main(["test", "--dialogues", str(REPO / "dialogues"), str(script)])
    out = capsys.readouterr().out
    assert code == 1
    assert "expected node ameli:accueil, got caf:accueil" in out
    assert "does not match /texte qui n existe nulle part/" in out


def test_partial_scripts_fail_require_full(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", "--require-full", "--dialogues", str(REPO / "dialogues"),
                 str(REPO / "tests" / "scripts" / "caf.yaml")])
    out = capsys.readouterr().out
    assert code == 1
    assert "not visited:" in out


def test_unreadable_script_is_reported_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scripts: [\n", encoding="utf-8")
    result = Result()
    run_file(Engine(load(REPO / "dialogues").tree), bad, result)
    assert len(result.failures) == 1
    assert "cannot read this script file" in result.failures[0].message

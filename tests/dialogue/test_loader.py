"""The loader tells an admin what is wrong, where, and how to fix it; it never raises.

Every file in broken/ carries one deliberate mistake and says, in its first comment lines, the
exact place and message expected (``# expect: LINE:COL message``), the severity when it is a
warning, and a substring of the hint (``# hint: ...``). A sub-folder is a directory case (a
problem that only exists across files); its expectation sits in the file that holds it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.__main__ import main
from bot.dialogue.loader import Severity, load

REPO = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).resolve().parent / "broken"
DIALOGUES = REPO / "dialogues"


@dataclass(frozen=True)
class Case:
    load_path: Path  # what load() / check is given
    file: str  # the expected Where.file
    line: int
    col: int
    message: str
    hint: str
    severity: Severity

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


_EXPECT = re.compile(rb"^# expect: (\d+):(\d+) (.+)$", re.MULTILINE)
_HINT = re.compile(rb"^# hint: (.+)$", re.MULTILINE)


def _case(load_path: Path, holder: Path, display: str) -> Case:
    comments = []  # the leading comment lines are UTF-8; the rest of the file may not be
    for line in holder.read_bytes().split(b"\n"):
        if not line.startswith(b"#"):
            break
        comments.append(line)
    text = b"\n".join(comments)
    m = _EXPECT.search(text)
    assert m, f"{holder}: no '# expect: LINE:COL message' line"
    hint = _HINT.search(text)
    return Case(
        load_path=load_path,
        file=display,
        line=int(m.group(1)),
        col=int(m.group(2)),
        message=m.group(3).decode("utf-8").strip(),
        hint=hint.group(1).decode("utf-8").strip() if hint else "",
        severity=Severity.WARNING if b"# severity: warning" in text else Severity.ERROR,
    )


def _cases() -> list[Case]:
    out: list[Case] = []
    for path in sorted(BROKEN.glob("*.yaml")):
        out.append(_case(path, path, path.name))
    for folder in sorted(p for p in BROKEN.iterdir() if p.is_dir()):
        holders = [f for f in sorted(folder.glob("*.yaml")) if b"# expect:" in f.read_bytes()]
        assert len(holders) == 1, f"{folder}: exactly one file must hold '# expect:'"
        out.append(_case(folder, holders[0], f"{folder.name}/{holders[0].name}"))
    return out


CASES = _cases()


def test_the_broken_collection_covers_the_required_mistakes() -> None:
    assert len(CASES) >= 28
    names = {c.load_path.stem for c in CASES}
    for required in (
        "yaml_syntax", "tab_indent", "unclosed_quote", "empty_file", "several_documents",
        "not_utf8", "top_level_list", "missing_version", "wrong_version", "unknown_key_typo",
        "unknown_option_key", "missing_topic_id", "invalid_topic_id", "missing_entry",
        "entry_missing_node", "duplicate_node_id", "duplicate_key", "goto_missing",
        "unreachable_node", "option_without_label", "option_without_goto", "shared_keyword",
        "dead_end", "options_and_end", "unknown_end", "refer_without_contact",
        "link_not_https", "contact_url_not_https", "empty_options", "unknown_snippet",
        "text_too_long", "duplicate_topic", "keyword_no_letters", "sentence_too_long",
        "paragraph_too_long",
    ):  # fmt: skip
        assert required in names, required
    raw = (BROKEN / "not_utf8.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.load_path.stem)
def test_one_problem_at_its_place_with_a_hint(case: Case) -> None:
    loaded = load(case.load_path)
    problems = loaded.problems
    assert len(problems) == 1, "\n".join(str(p) for p in problems)
    problem = problems[0]
    assert str(problem.where) == case.place, str(problem)
    assert case.message in problem.message
    assert problem.severity is case.severity
    assert problem.hint.strip(), f"no hint for: {problem}"
    assert case.hint in problem.hint
    assert "Traceback" not in str(problem)
    assert loaded.ok is (case.severity is Severity.WARNING)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.load_path.stem)
def test_check_cli_prints_the_place_and_fails(case: Case) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bot", "check", str(case.load_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert "Traceback" not in output
    assert f"{case.place}:" in run.stdout
    assert case.message in run.stdout
    if case.severity is Severity.ERROR:
        assert run.returncode == 1, output
        assert "1 error(s)" in run.stdout
    else:
        assert run.returncode == 0, output
        assert "OK" in run.stdout and "1 warning(s)" in run.stdout


def test_shipped_dialogues_have_no_error() -> None:
    loaded = load(DIALOGUES)
    assert loaded.errors == (), "\n".join(str(p) for p in loaded.errors)
    assert len(loaded.tree.topics) >= 10
    assert all(loaded.tree.entry(t.id) is not None for t in loaded.tree.topics)


def test_check_cli_says_ok_on_shipped_dialogues(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(DIALOGUES)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert re.search(r"^OK: \d+ topics, \d+ nodes", out, re.MULTILINE), out


def test_check_cli_on_a_missing_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["check", str(tmp_path / "nope")])
    out = capsys.readouterr().out
    assert code == 1
    assert "does not exist" in out


def test_one_error_among_good_files_is_still_found(tmp_path: Path) -> None:
    for path in DIALOGUES.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    text = (tmp_path / "caf.yaml").read_text(encoding="utf-8")
    (tmp_path / "caf.yaml").write_text(text.replace("end: check", "end: chek", 1),
                                       encoding="utf-8")
    loaded = load(tmp_path)
    assert [p.message for p in loaded.errors] == ["unknown ending 'chek'"]
    assert loaded.errors[0].where.file == f"{tmp_path.name}/caf.yaml"


# --------------------------------------------------------------------------- never raises

_VALID = (DIALOGUES / "caf.yaml").read_text(encoding="utf-8")
_LINES = _VALID.splitlines(keepends=True)


@st.composite
def _mutated_dialogue(draw: st.DrawFn) -> str:
    """A real dialogue file with lines dropped, duplicated, re-indented or garbled: the
    mistakes people make, and closer to the loader's deep paths than random text."""
    lines = list(_LINES)
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "dup", "indent", "dedent", "garble", "swap"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif action == "dedent":
            lines[i] = lines[i][2:]
        elif action == "garble":
            lines[i] = draw(st.text(max_size=40)) + "\n"
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            break
    return "".join(lines)


_YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab:- \n\t'\"[]{},#&*!|>%@`?~0123456789é")), max_size=200
)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(), _YAMLISH, _mutated_dialogue()))
def test_load_never_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    try:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    except UnicodeEncodeError:
        return
    loaded = load(path)
    for problem in loaded.problems:
        assert problem.message
        assert problem.where.line >= 1 and problem.where.col >= 1
        assert "Traceback" not in str(problem)
    if loaded.ok:  # a file the loader accepts gives a usable tree
        for topic in loaded.tree.topics:
            assert loaded.tree.entry(topic.id) is not None


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_load_never_raises_on_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    loaded = load(path)
    assert all(p.message for p in loaded.problems)

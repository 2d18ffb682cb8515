"""Reading one YAML file with the position of every value (``yaml.compose``), and the typed
accessors that report a wrong shape at its place instead of raising.

No input file ever raises: a bad encoding, a tab, an unclosed quote, several documents all
become one ``Problem`` with ``file:line:col`` and a hint an admin can act on.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.nodes import Node as YNode

from bot.dialogue.loader.problems import Problem, Severity
from bot.dialogue.matching import normalise
from bot.dialogue.model import Node, Topic, Where

LOCALE_KEY = re.compile(r"^(?:keywords|examples)_([a-z]{2,3})$")
EMPTY_HINT = "start from a copy of an existing topic file (see docs/dialogues.md)"

# libyaml's C parser when present (ten times faster); nodes keep their marks either way.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKeyLoader(_BaseLoader):  # type: ignore[misc]
    """The loader used to compose (no constructors needed: we read nodes with positions)."""


@dataclass(slots=True)
class Draft:
    """What one file declared, before cross-file checks."""

    file: str
    topic: Topic | None = None
    nodes: list[Node] = field(default_factory=list)
    uses: list[tuple[str, str, Where]] = field(default_factory=list)  # node key, snippet, where


class Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def at(self, node: YNode) -> Where:
        mark = node.start_mark
        return Where(self.file, mark.line + 1, mark.column + 1)

    def error(self, node: YNode | Where, message: str, hint: str = "") -> None:
        where = node if isinstance(node, Where) else self.at(node)
        self.problems.append(Problem(where, message, hint))

    def warn(self, node: YNode | Where, message: str, hint: str = "") -> None:
        where = node if isinstance(node, Where) else self.at(node)
        self.problems.append(Problem(where, message, hint, Severity.WARNING))

    # -- typed accessors: report and return None on the wrong shape

    def mapping(
        self, node: YNode, what: str, allowed: tuple[str, ...], *, locale_keys: bool = False
    ) -> dict[str, tuple[ScalarNode, YNode]] | None:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a set of 'key: value' lines", shape_hint(node))
            return None
        out: dict[str, tuple[ScalarNode, YNode]] = {}
        written = {str(k.value) for k, _ in node.value if isinstance(k, ScalarNode)}
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, f"a key in {what} must be a plain word",
                           "write 'key: value' with a simple word before the colon")
                continue
            key = str(key_node.value)
            if key in out:
                self.error(
                    key_node,
                    f"'{key}' appears twice in {what}",
                    "keep one; the second one would silently replace the first",
                )
                continue
            if key not in allowed and not (locale_keys and LOCALE_KEY.match(key)):
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
                self.error(key_node, f"unknown key '{key}' in {what}", hint)
                if close and close[0] not in written and close[0] not in out:
                    # read it as the key it resembles, so one typo gives one problem
                    # (not also "dead end", "no label", "cannot be reached"...)
                    out[close[0]] = (key_node, value)
                continue
            out[key] = (key_node, value)
        return out

    def text(self, node: YNode, what: str, *, required: bool = True) -> str | None:
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:null":
            value = str(node.value).strip()
            if not value and required:
                self.error(node, f"{what} is empty", "write something here, or remove the line")
                return None
            return value
        if isinstance(node, ScalarNode):
            if required:
                self.error(node, f"{what} is empty", "write something after the colon")
            return None
        self.error(node, f"{what} must be a text", shape_hint(node))
        return None

    def sequence(self, node: YNode, what: str) -> list[YNode] | None:
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        self.error(
            node, f"{what} must be a list", "write each item on its own line starting with '- '"
        )
        return None

    def words(self, node: YNode, what: str) -> tuple[str, ...]:
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:null":
            # a single keyword, or "a, b, c": accept it, people write lists that way
            return tuple(w.strip() for w in str(node.value).split(",") if w.strip())
        hint = "punctuation and emoji are ignored when matching: write a word"
        return tuple(value for _, value in self.texts_with_letters(node, what, "a keyword", hint))

    def texts_with_letters(self, node: YNode, what: str, one: str,
                           hint: str) -> list[tuple[YNode, str]]:
        """(item, text) of each item of a list that holds letters or digits; the others are
        reported once, with ``hint``. ``one``: "a keyword", "an example"."""
        noun = one.split(" ", 1)[-1]
        out: list[tuple[YNode, str]] = []
        for item in self.sequence(node, what) or ():
            value = self.text(item, f"{one} in {what}")
            if value is None:
                continue
            if not normalise(value):
                self.error(item, f"the {noun} '{value}' has no letters or digits", hint)
                continue
            out.append((item, value))
        return out


def shape_hint(node: YNode) -> str:
    if isinstance(node, SequenceNode):
        return "this is a list (lines starting with '- '); check the indentation"
    if isinstance(node, MappingNode):
        return "this is a group of 'key: value' lines; check the indentation"
    return "check the indentation: items of a group are indented by the same number of spaces"


def yaml_error(file: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = str(getattr(exc, "context", None) or "")
    if "quoted scalar" in context and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark  # type: ignore[attr-defined]  # where the quote opens
    where = Where(file, mark.line + 1, mark.column + 1) if mark else Where(file, 1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    hint = "check the indentation and the quotes around this place"
    if "quoted scalar" in context:
        problem = "a quote opened here is never closed"
        hint = "close the quote at the end of the text, or remove it"
    elif "\t" in problem or "\\t" in problem or "tab" in problem:
        hint = "YAML does not accept tab characters for indentation: use spaces"
    elif "mapping values are not allowed" in problem:
        hint = "a text containing ': ' must be put between quotes"
    elif "found character '@'" in problem or "found character '`'" in problem:
        hint = "a text starting with @ or ` must be put between quotes"
    elif "expected <block end>" in problem or "block" in problem:
        hint = "the indentation does not line up with the lines above"
    elif "scanning a quoted scalar" in problem or "end of stream" in problem:
        hint = "a quote is opened but never closed"
    return Problem(where, f"this is not valid YAML: {problem}", hint)


def display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_file(path: Path, root: Path) -> tuple[str, YNode | None, Problem | None]:
    file = display(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return file, None, Problem(Where(file, 1, 1), f"cannot read the file ({exc.strerror})",
                                   "check that the file exists and that you may read it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return (
            file,
            None,
            Problem(
                Where(file, line, 1),
                "the file is not UTF-8 text",
                "save it as UTF-8 (in most editors: 'Save with encoding' > UTF-8)",
            ),
        )
    try:
        documents = list(yaml.compose_all(text, Loader=_DuplicateKeyLoader))
    except yaml.YAMLError as exc:
        return file, None, yaml_error(file, exc)
    except (ValueError, RecursionError) as exc:  # pathological input: never a traceback
        return file, None, Problem(Where(file, 1, 1), f"this is not valid YAML: {exc}",
                                   "start from a copy of an existing topic file")
    documents = [d for d in documents if d is not None]
    if not documents:
        return file, None, Problem(Where(file, 1, 1), "the file is empty", EMPTY_HINT)
    if len(documents) > 1:
        second = documents[1]
        return (
            file,
            None,
            Problem(
                Where(file, second.start_mark.line + 1, 1),
                "the file holds several YAML documents (separated by '---')",
                "keep one topic per file",
            ),
        )
    return file, documents[0], None

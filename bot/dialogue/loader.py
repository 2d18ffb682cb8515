"""YAML dialogue files -> Tree, with every problem reported at once and with its place.

Admins are not programmers: they must learn, before deploying, *what* is wrong, *where*
(``file:line:col``) and *how to fix it* (a one-line hint). ``yaml.compose`` keeps the position of
every value, so we validate the node graph ourselves instead of loading plain dicts. No input
file ever raises: every failure becomes a ``Problem``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.nodes import Node as YNode

from bot.dialogue.matching import keyword_stems, normalise
from bot.dialogue.model import (
    Contact,
    Ending,
    Example,
    Link,
    Node,
    Option,
    Topic,
    TopicKind,
    Tree,
    Where,
)
from bot.dialogue.plain import findings

FORMAT_VERSION = 1
MAX_TEXT = 500  # characters: about one phone screen
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_LOCALE_KEY = re.compile(r"^(?:keywords|examples)_([a-z]{2,3})$")

FILE_KEYS = ("version", "topic", "nodes", "snippets")
TOPIC_KEYS = ("id", "title", "entry", "keywords", "examples", "order", "menu", "kind")
NODE_KEYS = ("id", "text", "options", "links", "contact", "use", "end")
OPTION_KEYS = ("label", "goto", "keywords", "examples")
LINK_KEYS = ("label", "url")
CONTACT_KEYS = ("name", "phone", "hours", "place", "url")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    where: Where
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        text = f"{self.where}: {self.severity.value}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


@dataclass(frozen=True, slots=True)
class Loaded:
    tree: Tree
    problems: tuple[Problem, ...]
    snippets: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors


# libyaml's C parser when present (ten times faster); nodes keep their marks either way.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKeyLoader(_BaseLoader):  # type: ignore[misc]
    """The loader used to compose (no constructors needed: we read nodes with positions)."""


@dataclass(slots=True)
class _Draft:
    """What one file declared, before cross-file checks."""

    file: str
    topic: Topic | None = None
    nodes: list[Node] = field(default_factory=list)
    uses: list[tuple[str, str, Where]] = field(default_factory=list)  # node key, snippet, where


class _Checker:
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
            self.error(node, f"{what} must be a set of 'key: value' lines", _shape_hint(node))
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
            if key not in allowed and not (locale_keys and _LOCALE_KEY.match(key)):
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
        self.error(node, f"{what} must be a text", _shape_hint(node))
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


def _shape_hint(node: YNode) -> str:
    if isinstance(node, SequenceNode):
        return "this is a list (lines starting with '- '); check the indentation"
    if isinstance(node, MappingNode):
        return "this is a group of 'key: value' lines; check the indentation"
    return "check the indentation: items of a group are indented by the same number of spaces"


def _yaml_error(file: str, exc: yaml.YAMLError) -> Problem:
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


def _read(path: Path, root: Path) -> tuple[str, YNode | None, Problem | None]:
    file = _display(path, root)
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
        return file, None, _yaml_error(file, exc)
    except (ValueError, RecursionError) as exc:  # pathological input: never a traceback
        return file, None, Problem(Where(file, 1, 1), f"this is not valid YAML: {exc}",
                                   "start from a copy of an existing topic file")
    documents = [d for d in documents if d is not None]
    if not documents:
        return file, None, Problem(Where(file, 1, 1), "the file is empty", _EMPTY_HINT)
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


_EMPTY_HINT = "start from a copy of an existing topic file (see docs/dialogues.md)"


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _parse_file(file: str, doc: YNode, snippets: dict[str, tuple[str, Where]]) -> tuple[
    _Draft, list[Problem]
]:
    c = _Checker(file)
    draft = _Draft(file)
    top = c.mapping(doc, "the file", FILE_KEYS)
    if top is None:
        return draft, c.problems
    if "version" not in top:
        c.error(Where(file, 1, 1), "the file has no 'version'", "add a first line: version: 1")
    else:
        vnode = top["version"][1]
        if not (isinstance(vnode, ScalarNode) and str(vnode.value).strip() == str(FORMAT_VERSION)):
            c.error(
                vnode,
                f"unsupported format version '{getattr(vnode, 'value', '?')}'",
                f"this Relais reads version {FORMAT_VERSION}",
            )
    if "snippets" in top:
        _parse_snippets(c, top["snippets"][1], snippets)
    if "topic" not in top:
        if "nodes" in top:
            c.error(Where(file, 1, 1), "the file has nodes but no 'topic'", _EMPTY_HINT)
        elif "snippets" not in top:
            c.error(Where(file, 1, 1), "the file has no 'topic'", _EMPTY_HINT)
        return draft, c.problems
    topic = _parse_topic(c, top["topic"][1])
    if "nodes" not in top:
        c.error(top["topic"][0], "the topic has no 'nodes'", "add a 'nodes:' list after the topic")
        return draft, c.problems
    if topic is None:
        return draft, c.problems
    draft.topic = topic
    items = c.sequence(top["nodes"][1], "'nodes'")
    seen: dict[str, Where] = {}
    for item in items or ():
        node = _parse_node(c, item, topic.id, draft)
        if node is None:
            continue
        if node.id in seen:
            c.error(
                node.where or c.at(item),
                f"node id '{node.id}' is used twice in this topic"
                f" (first at line {seen[node.id].line})",
                "give each node its own id",
            )
            continue
        seen[node.id] = node.where or c.at(item)
        draft.nodes.append(node)
    if topic.entry not in seen and topic.where is not None:
        close = difflib.get_close_matches(topic.entry, list(seen), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "name one of the node ids below"
        c.error(_value_of(top["topic"][1], "entry"),
                f"the entry node '{topic.entry}' does not exist", hint)
    return draft, c.problems


def _value_of(mapping: YNode, key: str) -> YNode:
    """The value node of ``key`` in a mapping (the mapping itself when absent)."""
    if isinstance(mapping, MappingNode):
        for k, v in mapping.value:
            if isinstance(k, ScalarNode) and k.value == key and isinstance(v, YNode):
                return v
    return mapping


def _parse_snippets(c: _Checker, node: YNode, snippets: dict[str, tuple[str, Where]]) -> None:
    if not isinstance(node, MappingNode):
        c.error(node, "'snippets' must be a set of 'name: text' lines", _shape_hint(node))
        return
    for key_node, value in node.value:
        name = str(getattr(key_node, "value", ""))
        if name in snippets:
            c.error(
                key_node,
                f"snippet '{name}' is defined twice (also at {snippets[name][1]})",
                "rename one of them",
            )
            continue
        text = c.text(value, f"snippet '{name}'")
        if text is not None:
            snippets[name] = (text, c.at(key_node))


def _ident(c: _Checker, node: YNode, what: str) -> str | None:
    value = c.text(node, what)
    if value is None:
        return None
    if not _ID.match(value):
        suggestion = re.sub(r"[^a-z0-9_]+", "_", normalise(value).replace(" ", "_")).strip("_")
        c.error(
            node,
            f"{what} '{value}' is not a valid id",
            f"use lowercase letters, digits and _, starting with a letter (e.g. '{suggestion}')",
        )
        return None
    return value


def _keywords(c: _Checker, fields: dict[str, tuple[ScalarNode, YNode]], what: str) -> tuple[
    tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]
]:
    base: list[str] = []
    by_locale: list[tuple[str, tuple[str, ...]]] = []
    for key, (_, value) in fields.items():
        if key == "keywords":
            base.extend(c.words(value, f"{what} keywords"))
        elif (m := _LOCALE_KEY.match(key)) and key.startswith("keywords_"):
            words = c.words(value, f"{what} {key}")
            by_locale.append((m.group(1), words))
    return tuple(base), tuple(by_locale)


def _examples(c: _Checker, fields: dict[str, tuple[ScalarNode, YNode]], what: str) -> tuple[
    Example, ...
]:
    """Phrasings people write (``examples``, ``examples_en``…), kept with their place in the
    file so that ``check`` can point at an example the model reads as something else."""
    out: list[Example] = []
    for key, (_, value) in fields.items():
        if key != "examples" and not key.startswith("examples_"):
            continue
        locale = "fr" if key == "examples" else key.split("_", 1)[1]
        if isinstance(value, ScalarNode) and value.tag != "tag:yaml.org,2002:null":
            c.error(value, f"{what} {key} must be a list",
                    "write one example per line, each starting with '- '")
            continue
        for item, text in c.texts_with_letters(value, f"{what} {key}", "an example",
                                               "write a message as a person would send it"):
            out.append(Example(text=text, locale=locale, where=c.at(item)))
    return tuple(out)


def _parse_topic(c: _Checker, node: YNode) -> Topic | None:
    fields = c.mapping(node, "the topic", TOPIC_KEYS, locale_keys=True)
    if fields is None:
        return None
    for required in ("id", "title", "entry"):
        if required not in fields:
            c.error(node, f"the topic has no '{required}'", _TOPIC_HINTS[required])
    if any(r not in fields for r in ("id", "title", "entry")):
        return None
    topic_id = _ident(c, fields["id"][1], "the topic id")
    title = c.text(fields["title"][1], "the topic title")
    entry = _ident(c, fields["entry"][1], "the entry node")
    kind = TopicKind.PROCEDURE
    if "kind" in fields:
        raw = c.text(fields["kind"][1], "the topic kind")
        try:
            kind = TopicKind(raw or "")
        except ValueError:
            c.error(
                fields["kind"][1],
                f"unknown topic kind '{raw}'",
                "use procedure, humain or urgence",
            )
    order = 100
    if "order" in fields:
        raw = c.text(fields["order"][1], "the topic order")
        if raw is not None and not raw.lstrip("-").isdigit():
            c.error(fields["order"][1], f"order '{raw}' is not a whole number", "e.g. order: 10")
        elif raw is not None:
            order = int(raw)
    in_menu = True
    if "menu" in fields:
        raw = (c.text(fields["menu"][1], "'menu'") or "").lower()
        if raw not in ("true", "false", "yes", "no"):
            c.error(fields["menu"][1], f"menu must be true or false, not '{raw}'",
                    "write menu: false to hide the topic from the main menu, or remove the line")
        in_menu = raw in ("true", "yes")
    keywords, by_locale = _keywords(c, fields, "the topic")
    if topic_id is None or title is None or entry is None:
        return None
    all_keywords = keywords + tuple(w for _, ws in by_locale for w in ws)
    return Topic(
        id=topic_id,
        title=title,
        entry=entry,
        keywords=all_keywords,
        keywords_by_locale=(("fr", keywords), *by_locale),
        examples=_examples(c, fields, "the topic"),
        kind=kind,
        in_menu=in_menu,
        order=order,
        where=c.at(fields["id"][1]),
    )


_TOPIC_HINTS = {
    "id": "add e.g. 'id: caf' (lowercase, digits, _)",
    "title": "add a 'title:' shown in the main menu",
    "entry": "add 'entry:' with the id of the first node",
}


def _plain(c: _Checker, field: tuple[ScalarNode, YNode], text: str, what: str) -> None:
    """Warnings for long sentences and paragraphs, at the line where each one starts."""
    key, value = field
    block = isinstance(value, ScalarNode) and value.style in ("|", ">")
    start = c.at(value)
    for finding in findings(text):
        if block:  # the text starts on the line after "|", indented under the key
            where = Where(start.file, start.line + 1 + finding.line, key.start_mark.column + 3)
        else:
            where = Where(start.file, start.line + finding.line, start.col)
        c.warn(where, f"{what}: {finding.message}", finding.hint)


def _parse_node(c: _Checker, item: YNode, topic_id: str, draft: _Draft) -> Node | None:
    fields = c.mapping(item, "a node", NODE_KEYS)
    if fields is None:
        return None
    if "id" not in fields:
        c.error(item, "this node has no 'id'", "add 'id: some_name' as its first line")
        return None
    node_id = _ident(c, fields["id"][1], "the node id")
    if node_id is None:
        return None
    where = c.at(fields["id"][1])
    text = ""
    if "text" not in fields:
        c.error(where, f"node '{node_id}' has no 'text'", "add 'text:' with what the bot says")
    else:
        text = c.text(fields["text"][1], f"the text of node '{node_id}'") or ""
    options = _parse_options(c, fields, node_id)
    links = _parse_links(c, fields, node_id)
    contact = _parse_contact(c, fields, node_id)
    ending = Ending.NONE
    if "end" in fields:
        raw = c.text(fields["end"][1], f"'end' of node '{node_id}'") or ""
        try:
            ending = Ending(raw)
        except ValueError:
            close = difflib.get_close_matches(raw, ["check", "refer", "handover", "menu"], n=1)
            hint = f"did you mean '{close[0]}'?" if close else "use check, refer, handover or menu"
            c.error(fields["end"][1], f"unknown ending '{raw}'", hint)
        if ending is Ending.NONE and raw == "none":
            c.error(fields["end"][1], "unknown ending 'none'", "use check, refer, handover or menu")
        if options and ending is not Ending.NONE:
            c.error(
                fields["end"][0],
                f"node '{node_id}' has both options and 'end'",
                "a node either offers choices or ends: remove one of them",
            )
            ending = Ending.NONE
    if not options and ending is Ending.NONE and "end" not in fields and "options" not in fields:
        c.error(
            where,
            f"node '{node_id}' is a dead end: no options and no 'end'",
            "add options, or 'end: check' to ask whether it helped",
        )
    if ending is Ending.REFER and contact is None:
        c.error(
            fields["end"][1],
            f"node '{node_id}' ends with 'refer' but has no 'contact'",
            "add a 'contact:' with name and phone or place",
        )
    if "use" in fields:
        for name_node in c.sequence(fields["use"][1], "'use'") or ():
            name = c.text(name_node, "a snippet name")
            if name:
                draft.uses.append((f"{topic_id}:{node_id}", name, c.at(name_node)))
    if text and "text" in fields:
        _plain(c, fields["text"], text, f"node '{node_id}'")
    if len(text) > MAX_TEXT and "text" in fields:
        c.warn(
            fields["text"][1],
            f"the text of node '{node_id}' has {len(text)} characters: too long for a phone screen",
            f"keep it under {MAX_TEXT}: split it into two nodes, or shorten the sentences",
        )
    return Node(
        id=node_id,
        topic=topic_id,
        text=text,
        options=options,
        links=links,
        contact=contact,
        ending=ending,
        where=where,
    )


def _parse_options(
    c: _Checker, fields: dict[str, tuple[ScalarNode, YNode]], node_id: str
) -> tuple[Option, ...]:
    if "options" not in fields:
        return ()
    items = c.sequence(fields["options"][1], f"the options of node '{node_id}'")
    if items is not None and not items:
        c.error(
            fields["options"][0],
            f"node '{node_id}' has an empty 'options' list",
            "add options, or remove 'options:' and add 'end: check'",
        )
    options: list[Option] = []
    owner_of_stems: dict[tuple[str, ...], tuple[str, Where]] = {}
    for number, item in enumerate(items or (), start=1):
        ofields = c.mapping(item, f"option {number} of node '{node_id}'", OPTION_KEYS,
                            locale_keys=True)
        if ofields is None:
            continue
        label = None
        if "label" not in ofields:
            c.error(item, f"option {number} of node '{node_id}' has no 'label'",
                    "add 'label:' with the text shown to the person")
        else:
            label = c.text(ofields["label"][1], f"the label of option {number}")
        target = None
        if "goto" not in ofields:
            c.error(item, f"option {number} of node '{node_id}' has no 'goto'",
                    "add 'goto:' with the id of the node it leads to")
        else:
            target = c.text(ofields["goto"][1], f"'goto' of option {number}")
        keywords, by_locale = _keywords(c, ofields, f"option {number}")
        all_keywords = keywords + tuple(w for _, ws in by_locale for w in ws)
        where = c.at(item)
        for kw in all_keywords:
            stems = keyword_stems(kw)
            previous = owner_of_stems.get(stems)
            if previous is not None and previous[0] != (label or ""):
                c.error(
                    where,
                    f"options '{previous[0]}' and '{label}' of node '{node_id}' share the "
                    f"keyword '{kw}'",
                    "keep it on one option only, so the bot knows which one is meant",
                )
            else:
                owner_of_stems[stems] = (label or "", where)
        if label is None or target is None:
            continue
        options.append(Option(label=label, target=target, keywords=all_keywords, where=where,
                              examples=_examples(c, ofields, f"option {number}")))
    return tuple(options)


def _parse_links(
    c: _Checker, fields: dict[str, tuple[ScalarNode, YNode]], node_id: str
) -> tuple[Link, ...]:
    if "links" not in fields:
        return ()
    links: list[Link] = []
    for item in c.sequence(fields["links"][1], f"the links of node '{node_id}'") or ():
        lfields = c.mapping(item, f"a link of node '{node_id}'", LINK_KEYS)
        if lfields is None:
            continue
        if "url" not in lfields:
            c.error(item, "this link has no 'url'", "add 'url: https://…'")
            continue
        if "label" not in lfields:
            c.error(item, "this link has no 'label'", "add 'label:' with the words shown")
            continue
        url = c.text(lfields["url"][1], "the link url")
        label = c.text(lfields["label"][1], "the link label")
        if url is None or label is None:
            continue
        if not _https(url):
            c.error(lfields["url"][1], f"the link '{url}' is not https",
                    "use the official https:// address of the site")
            continue
        links.append(Link(label=label, url=url))
    return tuple(links)


def _https(url: str) -> bool:
    return re.match(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:[/?#][^\s]*)?$", url) is not None


def _parse_contact(
    c: _Checker, fields: dict[str, tuple[ScalarNode, YNode]], node_id: str
) -> Contact | None:
    if "contact" not in fields:
        return None
    cfields = c.mapping(fields["contact"][1], f"the contact of node '{node_id}'", CONTACT_KEYS)
    if cfields is None:
        return None
    if "name" not in cfields:
        c.error(fields["contact"][1], "this contact has no 'name'", "add 'name:' (e.g. La Caf)")
        return None
    values = {k: c.text(v, f"contact {k}") or "" for k, (_, v) in cfields.items()}
    if values.get("url") and not _https(values["url"]):
        c.error(cfields["url"][1], f"the link '{values['url']}' is not https",
                "use the official https:// address of the site")
        values["url"] = ""
    if not (values.get("phone") or values.get("place") or values.get("url")):
        c.error(fields["contact"][1], "this contact has no phone, place or url",
                "add at least one way to reach them")
    return Contact(
        name=values.get("name", ""),
        phone=values.get("phone", ""),
        hours=values.get("hours", ""),
        place=values.get("place", ""),
        url=values.get("url", ""),
    )


# --------------------------------------------------------------------------- whole tree


def dialogue_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def load(root: str | Path) -> Loaded:
    """Load every dialogue file under ``root`` (a directory or one file)."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.exists():
        where = Where(str(root), 1, 1)
        empty = Tree((), ())
        return Loaded(empty, (Problem(where, "this folder does not exist",
                                      "give the path of the dialogues folder"),))
    snippets: dict[str, tuple[str, Where]] = {}
    drafts: list[_Draft] = []
    files = dialogue_files(root)
    if not files:
        problems.append(Problem(Where(str(root), 1, 1), "no .yaml file in this folder",
                                "dialogue files end with .yaml"))
    for path in files:
        file, doc, problem = _read(path, root)
        if problem is not None:
            problems.append(problem)
            continue
        assert doc is not None
        draft, found = _parse_file(file, doc, snippets)
        problems.extend(found)
        drafts.append(draft)
    topics: list[Topic] = []
    seen_topics: dict[str, str] = {}
    nodes: list[Node] = []
    for draft in drafts:
        if draft.topic is None:
            continue
        if draft.topic.id in seen_topics:
            problems.append(Problem(
                draft.topic.where or Where(draft.file, 1, 1),
                f"topic id '{draft.topic.id}' is already used in {seen_topics[draft.topic.id]}",
                "each topic id must be unique: rename one",
            ))
            continue
        seen_topics[draft.topic.id] = draft.file
        topics.append(draft.topic)
        nodes.extend(_with_snippets(n, draft, snippets, problems) for n in draft.nodes)
    tree = Tree(tuple(topics), tuple(nodes))
    problems.extend(_check_graph(tree))
    problems.sort(key=lambda p: (p.where.file, p.where.line, p.where.col))
    return Loaded(tree, tuple(problems), {k: v for k, (v, _) in snippets.items()})


def _with_snippets(
    node: Node, draft: _Draft, snippets: dict[str, tuple[str, Where]], problems: list[Problem]
) -> Node:
    extra: list[str] = []
    for key, name, where in draft.uses:
        if key != node.key:
            continue
        if name not in snippets:
            close = difflib.get_close_matches(name, list(snippets), n=1)
            hint = (f"did you mean '{close[0]}'?" if close
                    else "define it under 'snippets:' in _snippets.yaml")
            problems.append(Problem(where, f"unknown snippet '{name}'", hint))
            continue
        extra.append(snippets[name][0])
    if not extra:
        return node
    text = "\n\n".join([node.text, *extra]) if node.text else "\n\n".join(extra)
    return Node(node.id, node.topic, text, node.options, node.links, node.contact, node.ending,
                node.where)


def _check_graph(tree: Tree) -> Iterator[Problem]:
    reachable: set[str] = set()
    stack = [f"{t.id}:{t.entry}" for t in tree.topics]
    while stack:
        key = stack.pop()
        if key in reachable:
            continue
        node = tree.node(key)
        if node is None:
            continue
        reachable.add(key)
        for option in node.options:
            stack.append(tree.resolve(option, node.topic))
    for node in tree.nodes:
        for option in node.options:
            target = tree.resolve(option, node.topic)
            if tree.node(target) is None:
                where = option.where or node.where or Where("?", 1, 1)
                candidates = [n.id for n in tree.nodes if n.topic == node.topic]
                close = difflib.get_close_matches(option.target.split(":")[-1], candidates, n=1)
                hint = (f"did you mean '{close[0]}'?" if close
                        else "give the id of a node of this file, or of a topic")
                yield Problem(where, f"option '{option.label}' leads to '{option.target}', "
                                     "which does not exist", hint)
        if node.key not in reachable and tree.entry(node.topic) is not None:
            yield Problem(
                node.where or Where("?", 1, 1),
                f"node '{node.id}' cannot be reached from any topic entry",
                "add an option that leads to it ('goto: " + node.id + "'), or remove it",
                Severity.ERROR,
            )

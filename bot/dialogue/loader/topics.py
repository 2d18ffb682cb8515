"""One dialogue file: its version, its snippets, its topic and the topic's nodes."""

from __future__ import annotations

import difflib

from yaml.nodes import MappingNode, ScalarNode
from yaml.nodes import Node as YNode

from bot.dialogue.loader.fields import examples_of, ident, keywords_of
from bot.dialogue.loader.nodes import parse_node
from bot.dialogue.loader.problems import Problem
from bot.dialogue.loader.reading import EMPTY_HINT, Checker, Draft, shape_hint
from bot.dialogue.model import Topic, TopicKind, Where

FORMAT_VERSION = 1
FILE_KEYS = ("version", "topic", "nodes", "snippets")
TOPIC_KEYS = ("id", "title", "entry", "keywords", "examples", "order", "menu", "kind")

Fields = dict[str, tuple[ScalarNode, YNode]]


def parse_file(file: str, doc: YNode, snippets: dict[str, tuple[str, Where]]) -> tuple[
    Draft, list[Problem]
]:
    c = Checker(file)
    draft = Draft(file)
    top = c.mapping(doc, "the file", FILE_KEYS)
    if top is None:
        return draft, c.problems
    _check_version(c, top)
    if "snippets" in top:
        parse_snippets(c, top["snippets"][1], snippets)
    if "topic" not in top:
        if "nodes" in top:
            c.error(Where(file, 1, 1), "the file has nodes but no 'topic'", EMPTY_HINT)
        elif "snippets" not in top:
            c.error(Where(file, 1, 1), "the file has no 'topic'", EMPTY_HINT)
        return draft, c.problems
    topic = parse_topic(c, top["topic"][1])
    if "nodes" not in top:
        c.error(top["topic"][0], "the topic has no 'nodes'", "add a 'nodes:' list after the topic")
        return draft, c.problems
    if topic is None:
        return draft, c.problems
    draft.topic = topic
    seen = _parse_nodes(c, top["nodes"][1], topic, draft)
    if topic.entry not in seen and topic.where is not None:
        close = difflib.get_close_matches(topic.entry, list(seen), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "name one of the node ids below"
        c.error(value_of(top["topic"][1], "entry"),
                f"the entry node '{topic.entry}' does not exist", hint)
    return draft, c.problems


def _check_version(c: Checker, top: Fields) -> None:
    if "version" not in top:
        c.error(Where(c.file, 1, 1), "the file has no 'version'", "add a first line: version: 1")
        return
    vnode = top["version"][1]
    if not (isinstance(vnode, ScalarNode) and str(vnode.value).strip() == str(FORMAT_VERSION)):
        c.error(
            vnode,
            f"unsupported format version '{getattr(vnode, 'value', '?')}'",
            f"this Relais reads version {FORMAT_VERSION}",
        )


def _parse_nodes(c: Checker, nodes: YNode, topic: Topic, draft: Draft) -> dict[str, Where]:
    """The topic's nodes into ``draft``; returns where each node id is first declared."""
    seen: dict[str, Where] = {}
    for item in c.sequence(nodes, "'nodes'") or ():
        node = parse_node(c, item, topic.id, draft)
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
    return seen


def value_of(mapping: YNode, key: str) -> YNode:
    """The value node of ``key`` in a mapping (the mapping itself when absent)."""
    if isinstance(mapping, MappingNode):
        for k, v in mapping.value:
            if isinstance(k, ScalarNode) and k.value == key and isinstance(v, YNode):
                return v
    return mapping


def parse_snippets(c: Checker, node: YNode, snippets: dict[str, tuple[str, Where]]) -> None:
    if not isinstance(node, MappingNode):
        c.error(node, "'snippets' must be a set of 'name: text' lines", shape_hint(node))
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


def parse_topic(c: Checker, node: YNode) -> Topic | None:
    fields = c.mapping(node, "the topic", TOPIC_KEYS, locale_keys=True)
    if fields is None:
        return None
    for required in ("id", "title", "entry"):
        if required not in fields:
            c.error(node, f"the topic has no '{required}'", _TOPIC_HINTS[required])
    if any(r not in fields for r in ("id", "title", "entry")):
        return None
    topic_id = ident(c, fields["id"][1], "the topic id")
    title = c.text(fields["title"][1], "the topic title")
    entry = ident(c, fields["entry"][1], "the entry node")
    kind = _kind(c, fields)
    order = _order(c, fields)
    in_menu = _in_menu(c, fields)
    keywords, by_locale = keywords_of(c, fields, "the topic")
    if topic_id is None or title is None or entry is None:
        return None
    all_keywords = keywords + tuple(w for _, ws in by_locale for w in ws)
    return Topic(
        id=topic_id,
        title=title,
        entry=entry,
        keywords=all_keywords,
        keywords_by_locale=(("fr", keywords), *by_locale),
        examples=examples_of(c, fields, "the topic"),
        kind=kind,
        in_menu=in_menu,
        order=order,
        where=c.at(fields["id"][1]),
    )


def _kind(c: Checker, fields: Fields) -> TopicKind:
    if "kind" not in fields:
        return TopicKind.PROCEDURE
    raw = c.text(fields["kind"][1], "the topic kind")
    try:
        return TopicKind(raw or "")
    except ValueError:
        c.error(fields["kind"][1], f"unknown topic kind '{raw}'",
                "use procedure, humain or urgence")
        return TopicKind.PROCEDURE


def _order(c: Checker, fields: Fields) -> int:
    if "order" not in fields:
        return 100
    raw = c.text(fields["order"][1], "the topic order")
    if raw is not None and not raw.lstrip("-").isdigit():
        c.error(fields["order"][1], f"order '{raw}' is not a whole number", "e.g. order: 10")
    elif raw is not None:
        return int(raw)
    return 100


def _in_menu(c: Checker, fields: Fields) -> bool:
    if "menu" not in fields:
        return True
    raw = (c.text(fields["menu"][1], "'menu'") or "").lower()
    if raw not in ("true", "false", "yes", "no"):
        c.error(fields["menu"][1], f"menu must be true or false, not '{raw}'",
                "write menu: false to hide the topic from the main menu, or remove the line")
    return raw in ("true", "yes")


_TOPIC_HINTS = {
    "id": "add e.g. 'id: caf' (lowercase, digits, _)",
    "title": "add a 'title:' shown in the main menu",
    "entry": "add 'entry:' with the id of the first node",
}

"""Checks across files, once every file is read: snippets resolved, every option leading
somewhere, every node reachable from a topic's entry."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from bot.dialogue.loader.problems import Problem, Severity
from bot.dialogue.loader.reading import Draft
from bot.dialogue.model import Node, Tree, Where


def with_snippets(
    node: Node, draft: Draft, snippets: dict[str, tuple[str, Where]], problems: list[Problem]
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


def check_graph(tree: Tree) -> Iterator[Problem]:
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

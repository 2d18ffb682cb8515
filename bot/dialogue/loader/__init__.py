"""YAML dialogue files -> Tree, with every problem reported at once and with its place.

Admins are not programmers: they must learn, before deploying, *what* is wrong, *where*
(``file:line:col``) and *how to fix it* (a one-line hint). ``yaml.compose`` keeps the position of
every value, so we validate the node graph ourselves instead of loading plain dicts. No input
file ever raises: every failure becomes a ``Problem``.
"""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.loader.graph import check_graph, with_snippets
from bot.dialogue.loader.problems import Loaded, Problem, Severity
from bot.dialogue.loader.reading import Draft, read_file
from bot.dialogue.loader.topics import FORMAT_VERSION, parse_file
from bot.dialogue.model import Node, Topic, Tree, Where

__all__ = ["FORMAT_VERSION", "Loaded", "Problem", "Severity", "dialogue_files", "load"]


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
    drafts: list[Draft] = []
    files = dialogue_files(root)
    if not files:
        problems.append(Problem(Where(str(root), 1, 1), "no .yaml file in this folder",
                                "dialogue files end with .yaml"))
    for path in files:
        file, doc, problem = read_file(path, root)
        if problem is not None:
            problems.append(problem)
            continue
        assert doc is not None
        draft, found = parse_file(file, doc, snippets)
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
        nodes.extend(with_snippets(n, draft, snippets, problems) for n in draft.nodes)
    tree = Tree(tuple(topics), tuple(nodes))
    problems.extend(check_graph(tree))
    problems.sort(key=lambda p: (p.where.file, p.where.line, p.where.col))
    return Loaded(tree, tuple(problems), {k: v for k, (v, _) in snippets.items()})

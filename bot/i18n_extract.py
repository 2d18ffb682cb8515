"""Babel extraction method for dialogue YAML files.

Translators never open YAML: ``scripts/catalogs.py extract`` runs this over
``dialogues/*.yaml`` to build ``locales/dialogues.pot``, and translators work on ``.po``
files. Every string a person may read is extracted (topic titles, node texts, option and
link labels, contact name/hours/place, snippets) with a comment naming where it lives
("caf:connexion"), because a short label like "Oui" means little without its context.
Keywords are not extracted: people write different words in each language, so they are
written per language in the YAML (``keywords_en``...).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.i18n import normalise_msgid

# (lineno, funcname, message, comments), as Babel expects from an extraction method
Extracted = tuple[int, str | None, str, list[str]]


class DialogueExtractionError(ValueError):
    """A dialogue file that cannot be read as YAML; the message gives file:line."""


def _get(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            found: Node = v
            return found
    return None


def _scalar(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        text = normalise_msgid(node.value)
        return text or None
    return None


def _items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _emit(node: Node | None, comment: str) -> Iterator[Extracted]:
    text = _scalar(node)
    if node is not None and text is not None:
        yield (_line(node), None, text, [comment])


def extract_from_yaml(source: str, filename: str = "<dialogue>") -> Iterator[Extracted]:
    """The translatable strings of one dialogue file, in file order."""
    try:
        root = yaml.compose(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DialogueExtractionError(f"{where}: not valid YAML ({problem})") from exc
    if not isinstance(root, MappingNode):
        return

    topic = _get(root, "topic")
    topic_id = _scalar(_get(topic, "id")) or filename.rsplit("/", 1)[-1].removesuffix(".yaml")
    yield from _emit(_get(topic, "title"), f"{topic_id}: topic title, shown in the main menu")

    for node in _items(_get(root, "nodes")):
        node_id = _scalar(_get(node, "id")) or "?"
        where = f"{topic_id}:{node_id}"
        yield from _emit(_get(node, "text"), where)
        for option in _items(_get(node, "options")):
            goto = _scalar(_get(option, "goto")) or "?"
            yield from _emit(_get(option, "label"), f"{where}: choice leading to {goto}")
        for link in _items(_get(node, "links")):
            url = _scalar(_get(link, "url")) or "?"
            yield from _emit(_get(link, "label"), f"{where}: link label for {url}")
        contact = _get(node, "contact")
        for key, what in (("name", "contact name"), ("hours", "opening hours"),
                          ("place", "address or place")):  # fmt: skip
            yield from _emit(_get(contact, key), f"{where}: {what}")

    snippets = _get(root, "snippets")
    if isinstance(snippets, MappingNode):
        for key, value in snippets.value:
            name = _scalar(key) or "?"
            yield from _emit(value, f"snippet {name}: a paragraph added to several answers")


def extract_dialogues(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel extraction method (``bot.i18n_extract:extract_dialogues``)."""
    del keywords, comment_tags  # YAML has no function calls nor source comments to honour
    raw = fileobj.read()
    encoding = str(options.get("encoding", "utf-8"))
    source = raw.decode(encoding) if isinstance(raw, bytes) else str(raw)
    filename = str(getattr(fileobj, "name", "<dialogue>"))
    yield from extract_from_yaml(source, filename)


def dialogue_msgids(directory: str | Path) -> frozenset[str]:
    """Every translatable string of the ``*.yaml`` files in ``directory`` (what
    ``dialogues.pot`` holds once extracted), for coverage reports without a loaded tree."""
    out: set[str] = set()
    for path in sorted(Path(directory).glob("*.yaml")):
        out.update(m for _, _, m, _ in extract_from_yaml(path.read_text("utf-8"), str(path)))
    return frozenset(out)

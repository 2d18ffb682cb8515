"""The fields several parts of a file share: ids, keywords (per language), examples, and the
plain-French warnings on a text, each read with its place.
"""

from __future__ import annotations

import re

from yaml.nodes import Node as YNode
from yaml.nodes import ScalarNode

from bot.dialogue.loader.reading import LOCALE_KEY, Checker
from bot.dialogue.matching import normalise
from bot.dialogue.model import Example, Where
from bot.dialogue.plain import findings

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def ident(c: Checker, node: YNode, what: str) -> str | None:
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


def keywords_of(c: Checker, fields: dict[str, tuple[ScalarNode, YNode]], what: str) -> tuple[
    tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]
]:
    base: list[str] = []
    by_locale: list[tuple[str, tuple[str, ...]]] = []
    for key, (_, value) in fields.items():
        if key == "keywords":
            base.extend(c.words(value, f"{what} keywords"))
        elif (m := LOCALE_KEY.match(key)) and key.startswith("keywords_"):
            words = c.words(value, f"{what} {key}")
            by_locale.append((m.group(1), words))
    return tuple(base), tuple(by_locale)


def examples_of(c: Checker, fields: dict[str, tuple[ScalarNode, YNode]], what: str) -> tuple[
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


def plain_warnings(c: Checker, field: tuple[ScalarNode, YNode], text: str, what: str) -> None:
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

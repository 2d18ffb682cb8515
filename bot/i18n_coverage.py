"""Translation coverage: how much of the dialogues each locale reads in its own language.

Used by `python -m bot check` (one line per locale) and by the translators' reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.i18n import (
    LOCALES_DIR,
    SOURCE_LOCALE,
    SUPPORTED,
    CatalogError,
    Catalogs,
    normalise_msgid,
)

if TYPE_CHECKING:
    from bot.dialogue.model import Tree


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the dialogues a person reading ``locale`` gets in their language."""

    locale: str
    translated: int
    total: int
    missing: tuple[str, ...]  # French texts of the tree with no translation
    obsolete: tuple[str, ...]  # translations whose French text is no longer in the tree

    @property
    def share(self) -> float:
        return 1.0 if self.total == 0 else self.translated / self.total

    @property
    def percent(self) -> int:
        return int(self.share * 100)


def coverage(
    catalogs: Catalogs,
    tree_msgids: Iterable[str],
    locales: Iterable[str] = SUPPORTED,
) -> dict[str, Coverage]:
    """Share of the tree's dialogue strings translated, per locale.

    French is the source, so it is always complete. ``obsolete`` lists translations left
    behind when an admin changed or removed the French text: the translator must look again.
    """
    wanted = sorted({normalise_msgid(m) for m in tree_msgids if m and m.strip()})
    wanted_set = frozenset(wanted)
    result: dict[str, Coverage] = {}
    for locale in locales:
        if locale == SOURCE_LOCALE:
            result[locale] = Coverage(locale, len(wanted), len(wanted), (), ())
            continue
        done = catalogs.translated_msgids(locale, "dialogues")
        missing = tuple(m for m in wanted if m not in done)
        obsolete = tuple(sorted(done - wanted_set))
        result[locale] = Coverage(
            locale, len(wanted) - len(missing), len(wanted), missing, obsolete
        )
    return result


def tree_msgids(tree: Tree, snippets: Iterable[str] = ()) -> frozenset[str]:
    """Every dialogue text of a loaded tree a person may read (what translators translate).

    The loader appends snippets to node texts; pass ``Loaded.snippets.values()`` so node
    texts are counted without them and each snippet once, as in ``dialogues.pot``.
    """
    shared = sorted((normalise_msgid(x) for x in snippets if x.strip()), key=len, reverse=True)
    out: set[str] = set(shared)
    for topic in tree.topics:
        out.add(topic.title)
    for node in tree.nodes:
        text = normalise_msgid(node.text)
        trimmed = True
        while trimmed:
            trimmed = False
            for extra in shared:
                if text == extra:
                    text = ""
                elif text.endswith("\n\n" + extra):
                    text = text[: -len(extra) - 2].rstrip()
                    trimmed = True
                    break
        out.add(text)
        out.update(option.label for option in node.options)
        out.update(link.label for link in node.links)
        if node.contact is not None:
            c = node.contact
            out.update(x for x in (c.name, c.hours, c.place) if x)
    return frozenset(normalise_msgid(m) for m in out if m and m.strip())


class _LoadedDialogues(Protocol):
    """What :func:`translation_report` needs of ``bot.dialogue.loader.Loaded``."""

    @property
    def tree(self) -> Tree: ...

    @property
    def snippets(self) -> Mapping[str, str]: ...


def translation_report(
    loaded: _LoadedDialogues,
    locales_dir: Path | str = LOCALES_DIR,
    *,
    verbose: bool = False,
    limit: int = 20,
) -> str:
    """Lines for ``python -m bot check``: how much of the dialogues each language covers.

    Never raises for a catalog problem: the report says what to run instead, because a
    translation problem must not hide the result of the dialogue check.
    """
    try:
        catalogs = Catalogs.load(locales_dir)
    except CatalogError as exc:
        return f"translations: not checked: {exc}"
    report = coverage(catalogs, tree_msgids(loaded.tree, loaded.snippets.values()))
    parts = []
    for locale, cov in report.items():
        part = f"{locale} {cov.percent}% ({cov.translated}/{cov.total})"
        if cov.obsolete:
            part += f", {len(cov.obsolete)} outdated"
        parts.append(part)
    lines = ["translations of dialogue texts: " + ", ".join(parts)]
    if any(c.missing for c in report.values()):
        lines.append("  untranslated texts are shown in French; see docs/translating.md")
    if verbose:
        for locale, cov in report.items():
            for label, items in (("missing", cov.missing), ("outdated", cov.obsolete)):
                for msgid in items[:limit]:
                    first = msgid.splitlines()[0]
                    lines.append(f"  {locale} {label}: {first[:70]}")
                if len(items) > limit:
                    lines.append(f"  {locale} {label}: ... and {len(items) - limit} more")
    return "\n".join(lines)


# --------------------------------------------------------------------------- formatting

# Patterns rather than CLDR "full" formats: those add the year and, in English, a comma
# and AM/PM, which read stiffly in a chat ("Monday, November 24, 2025 9:00 AM").

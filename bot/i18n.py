"""Languages: gettext catalogs per locale, text direction, dates and numbers.

French is the source language: every bot string and every dialogue text is written in
French, and that French text *is* the gettext msgid. Translating is therefore a lookup that
can always fall back to the French text, so a missing translation never leaves a person
without an answer.

Two gettext domains live under ``locales/<lang>/LC_MESSAGES/``:

- ``messages``: the bot's own strings, marked in ``bot/**/*.py`` with :func:`N_`;
- ``dialogues``: titles, texts, labels, contacts and snippets of ``dialogues/*.yaml``
  (extracted by :mod:`bot.i18n_extract`).

Translators are explicit objects chosen per conversation (nothing is installed as ``_`` in
builtins), and a ``.po`` without its compiled ``.mo`` stops the bot at start: silently
running in French while translators believe their work is live would be worse.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from babel.dates import format_date, format_time
from babel.messages.mofile import read_mo
from babel.support import Translations

from bot.dialogue.texts import N_ as N_  # the marker is defined once, in texts.py

if TYPE_CHECKING:
    pass

SOURCE_LOCALE = "fr"
SUPPORTED: tuple[str, ...] = ("fr", "en", "ar")
DOMAINS: tuple[str, ...] = ("messages", "dialogues")
LOCALES_DIR: Path = Path(__file__).resolve().parent.parent / "locales"
COMPILE_COMMAND = "python scripts/catalogs.py compile"


# Put on every translation no native speaker has checked yet.
UNREVIEWED_COMMENT = "unreviewed: machine-assisted, needs native review"

_RTL = frozenset({"ar", "he", "fa", "ur", "ps", "yi"})


class CatalogError(Exception):
    """A catalog cannot be used as it is; the message says which file and what to run."""


def normalise_msgid(text: str) -> str:
    """The form under which a text is looked up.

    YAML block scalars end with a newline and editors leave trailing spaces; neither should
    make a translation go missing, so the extractor and the lookup both use this form.
    """
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def normalise_locale(tag: str | None) -> str | None:
    """``"en_GB"``, ``"EN-us"`` or ``"ar"`` to a supported locale, else None."""
    if not tag:
        return None
    base = tag.replace("-", "_").split("_", 1)[0].strip().lower()
    return base if base in SUPPORTED else None


def direction(locale: str) -> Literal["rtl", "ltr"]:
    """Text direction, so renderers can wrap right-to-left text for Matrix clients."""
    base = locale.replace("-", "_").split("_", 1)[0].lower()
    return "rtl" if base in _RTL else "ltr"


def is_rtl(locale: str) -> bool:
    """True for a language written right to left (Arabic): the one place that decides it."""
    return direction(locale) == "rtl"


_FORMATTER = string.Formatter()


@lru_cache(maxsize=4096)
def _fields(text: str) -> frozenset[str] | None:
    """The ``{name}`` fields of a text; None when the braces do not parse."""
    try:
        return frozenset(name for _, name, _, _ in _FORMATTER.parse(text) if name is not None)
    except ValueError:
        return None


def placeholders_match(msgid: str, msgstr: str) -> bool:
    """A translation must use exactly the fields of its French source, or it cannot be filled."""
    fields = _fields(msgid)
    return fields is not None and fields == _fields(msgstr)


# --------------------------------------------------------------------------- catalogs


def _one(entry: _Locale, key: str) -> str | None:
    found = entry.translations.gettext(key)
    if not isinstance(found, str) or not found.strip() or found == key:
        # GNU gettext hands the msgid back when it has nothing; a translation identical to
        # the French ("FranceConnect") is known from the translated sets
        return key if found == key and any(key in d for d in entry.translated.values()) else None
    return found if placeholders_match(key, found) else None


def _lookup(entry: _Locale, key: str) -> str | None:
    """A translation of ``key``, whole or paragraph by paragraph.

    The loader appends shared snippets to node texts as extra paragraphs, so the text the
    engine says may be "node text" + "snippet", each translated separately. Splitting into
    the fewest runs of paragraphs that all have translations keeps those texts translated;
    when any part is missing the whole stays French, never half and half.
    """
    whole = _one(entry, key)
    if whole is not None or "\n\n" not in key:
        return whole
    parts = key.split("\n\n")
    n = len(parts)
    # best[i]: translated pieces covering parts[:i] with the fewest pieces, or None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(end):
            head = best[start]
            if head is None or (best[end] is not None and len(head) + 1 >= len(best[end] or [])):
                continue
            piece = _one(entry, "\n\n".join(parts[start:end]))
            if piece is not None:
                best[end] = [*head, piece]
    done = best[n]
    return None if done is None else "\n\n".join(done)


@dataclass(frozen=True, slots=True)
class _Locale:
    translations: Translations
    # msgids with a usable translation, per domain (for coverage reports)
    translated: Mapping[str, frozenset[str]] = field(default_factory=dict)


class Catalogs:
    """The compiled translations of every locale, loaded once at start.

    ``gettext`` never raises and never returns an empty string: whatever is missing, empty,
    fuzzy (fuzzy entries are left out of ``.mo`` files at compile time) or unusable (its
    ``{fields}`` differ from the French) comes back as the French source text.
    """

    def __init__(self, locales: Mapping[str, _Locale] | None = None) -> None:
        self._locales: dict[str, _Locale] = dict(locales or {})

    @classmethod
    def french_only(cls) -> Catalogs:
        """No catalogs at all: every locale speaks French (tests, quick local tries)."""
        return cls()

    @classmethod
    def load(cls, directory: Path | str = LOCALES_DIR) -> Catalogs:
        """Read ``<directory>/<lang>/LC_MESSAGES/<domain>.mo`` for every locale found.

        Raises :class:`CatalogError` when a ``.po`` has no compiled ``.mo`` next to it, or a
        ``.mo`` cannot be read.
        """
        root = Path(directory)
        locales: dict[str, _Locale] = {}
        if not root.is_dir():
            return cls()
        for lang_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            lc = lang_dir / "LC_MESSAGES"
            if not lc.is_dir():
                continue
            merged = Translations()
            translated: dict[str, frozenset[str]] = {}
            found = False
            for domain in DOMAINS:
                po = lc / f"{domain}.po"
                mo = lc / f"{domain}.mo"
                if po.exists() and not mo.exists():
                    raise CatalogError(
                        f"The translation catalog {po} has no compiled {mo.name} next to it: "
                        f"run `{COMPILE_COMMAND}` in the project directory."
                    )
                if not mo.exists():
                    continue
                try:
                    with mo.open("rb") as fp:
                        catalog = read_mo(fp)
                    with mo.open("rb") as fp:
                        merged.merge(Translations(fp, domain=domain))
                except Exception as exc:  # a truncated or foreign file: say which one
                    raise CatalogError(
                        f"The compiled catalog {mo} cannot be read ({exc.__class__.__name__}): "
                        f"run `{COMPILE_COMMAND}` again."
                    ) from exc
                translated[domain] = frozenset(
                    normalise_msgid(m.id)
                    for m in catalog
                    if m.id
                    and isinstance(m.id, str)
                    and isinstance(m.string, str)
                    and m.string.strip()
                    and placeholders_match(m.id, m.string)
                )
                found = True
            if found:
                locales[lang_dir.name] = _Locale(merged, translated)
        return cls(locales)

    @property
    def locales(self) -> tuple[str, ...]:
        """Locales that have compiled catalogs (French is always usable even without one)."""
        return tuple(sorted(self._locales))

    def _entry(self, locale: str) -> _Locale | None:
        return self._locales.get(locale) or self._locales.get(normalise_locale(locale) or "")

    def gettext(self, locale: str, msgid: str) -> str:
        """The text in ``locale``, or the French msgid itself when there is no usable one."""
        if not msgid or locale == SOURCE_LOCALE:
            return msgid
        entry = self._entry(locale)
        if entry is None:
            return msgid
        found = _lookup(entry, normalise_msgid(msgid))
        return msgid if found is None else found

    def is_translated(self, locale: str, msgid: str) -> bool:
        """Whether the person will read ``msgid`` in ``locale`` (French always is)."""
        if locale == SOURCE_LOCALE or not msgid:
            return True
        entry = self._entry(locale)
        return entry is not None and _lookup(entry, normalise_msgid(msgid)) is not None

    def translator(self, locale: str) -> Callable[[str], str]:
        """A one-argument translate function for one conversation (what renderers take)."""
        return partial(self.gettext, locale)

    def text(self, locale: str, msgid: str, params: Iterable[tuple[str, str]] = ()) -> str:
        """Translate then fill ``{name}`` fields; a text that cannot be filled stays unfilled
        rather than raising in the middle of a conversation."""
        template = self.gettext(locale, msgid)
        values = dict(params)
        if not values:
            return template
        for candidate in (template, msgid):
            try:
                return candidate.format(**values)
            except (KeyError, IndexError, ValueError):
                continue
        return template

    def translated_msgids(self, locale: str, domain: str = "dialogues") -> frozenset[str]:
        entry = self._locales.get(locale)
        return frozenset() if entry is None else entry.translated.get(domain, frozenset())


_WHEN: Mapping[str, tuple[str, str, str]] = {
    # locale: (date pattern, joining words, time pattern)
    "fr": ("EEEE d MMMM", " à ", "HH:mm"),
    "en": ("EEEE d MMMM", " at ", "HH:mm"),
    "ar": ("EEEE d MMMM", " الساعة ", "HH:mm"),
}
_WHEN_YEAR: Mapping[str, str] = {
    "fr": "EEEE d MMMM y",
    "en": "EEEE d MMMM y",
    "ar": "EEEE d MMMM y",
}


def _babel_locale(locale: str) -> str:
    return normalise_locale(locale) or SOURCE_LOCALE


def format_when(
    when: dt.datetime,
    locale: str,
    *,
    tz: dt.tzinfo | None = None,
    with_year: bool = False,
) -> str:
    """A day and time as people say it: "lundi 24 novembre à 09:00",
    "Monday 24 November at 09:00", "الاثنين 24 نوفمبر الساعة 09:00".

    An aware datetime is shown in ``tz`` when given (the mediators' time zone).
    """
    loc = _babel_locale(locale)
    if tz is not None and when.tzinfo is not None:
        when = when.astimezone(tz)
    date_pattern, joiner, time_pattern = _WHEN[loc]
    if with_year:
        date_pattern = _WHEN_YEAR[loc]
    day = format_date(when, date_pattern, locale=loc)
    hour = format_time(when, time_pattern, tzinfo=None, locale=loc)
    return f"{day}{joiner}{hour}"


# coverage reports live in bot/i18n_coverage.py; their names stay importable from here
from bot.i18n_coverage import (  # noqa: E402  (it imports this module's names)
    Coverage,
    coverage,
    translation_report,
    tree_msgids,
)

__all__ = ["Coverage", "coverage", "translation_report", "tree_msgids"]

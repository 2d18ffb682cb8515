"""Checks on the deployment's own files, before anything talks to Matrix (no network).

Shared by ``python -m bot run`` (the first failure stops start-up with its sentence) and
``python -m bot doctor`` (every check, one line each). They exist because the quiet fallbacks
are the dangerous ones: a config copied to /etc/relais without ``locales.path`` resolves the
catalogs next to the config file, finds none, and the bot used to answer every Arabic or
English first message in French — the translators' work lost without a word in any log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.config import Config
from bot.dialogue.loader import load
from bot.i18n import COMPILE_COMMAND, DOMAINS, SOURCE_LOCALE, SUPPORTED, CatalogError, Catalogs
from bot.resources import default_locales

_LANGUAGE_NAMES = {"en": "English", "ar": "Arabic", "fr": "French"}


@dataclass(frozen=True, slots=True)
class Check:
    """One verdict: on success ``detail`` is a short fact, on failure one sentence to fix it."""

    what: str
    ok: bool
    detail: str = ""

    def line(self) -> str:
        if self.ok:
            return f"✓ {self.what}" + (f" ({self.detail})" if self.detail else "")
        return f"✗ {self.what}: {self.detail}"


def passed(what: str, detail: str = "") -> Check:
    return Check(what, True, detail)


def failed(what: str, sentence: str) -> Check:
    return Check(what, False, sentence)


def first_failure(checks: Iterable[Check]) -> Check | None:
    return next((c for c in checks if not c.ok), None)


# --------------------------------------------------------------------------- catalogs

CATALOGS = "catalogs compiled"


def _shipped_hint(path: Path) -> str:
    shipped = default_locales()
    if shipped.resolve() != path.resolve() and shipped.is_dir():
        return f" (the catalogs installed with Relais are in '{shipped}')"
    return ""


def check_locales(path: Path) -> Check:
    """Every served language has both compiled catalogs, each ``.po`` its ``.mo``."""
    if not path.is_dir():
        return failed(CATALOGS, f"The setting 'locales.path' names '{path}', which is not a "
                                f"folder: set it to the catalogs' folder{_shipped_hint(path)}.")
    missing = [lang for lang in SUPPORTED if lang != SOURCE_LOCALE
               and not any((path / lang / "LC_MESSAGES" / f"{d}.po").exists()
                           or (path / lang / "LC_MESSAGES" / f"{d}.mo").exists()
                           for d in DOMAINS)]
    if missing:
        names = ", ".join(f"{_LANGUAGE_NAMES.get(m, m)} ({m})" for m in missing)
        return failed(CATALOGS, f"The setting 'locales.path' names '{path}', which has no "
                                f"catalog for {names}: set it to the catalogs' "
                                f"folder{_shipped_hint(path)}.")
    for lang in SUPPORTED:
        for domain in DOMAINS:
            po = path / lang / "LC_MESSAGES" / f"{domain}.po"
            if po.exists() and not po.with_suffix(".mo").exists():
                return failed(CATALOGS, f"The catalog '{po}' (under 'locales.path') has no "
                                        f"compiled {po.with_suffix('.mo').name}: run "
                                        f"`{COMPILE_COMMAND}`.")
    try:
        catalogs = Catalogs.load(path)
    except CatalogError as exc:
        return failed(CATALOGS, f"{exc} (under 'locales.path')")
    served = [lang for lang in SUPPORTED if lang != SOURCE_LOCALE]
    empty = [lang for lang in served if not catalogs.translated_msgids(lang, "messages")]
    if empty:
        return failed(CATALOGS, f"The compiled catalog of {', '.join(empty)} under "
                                f"'locales.path' translates nothing: run `{COMPILE_COMMAND}`.")
    return passed(CATALOGS, f"{', '.join(served)} in {path}")


# --------------------------------------------------------------------------- dialogues

DIALOGUES = "dialogues valid"


def check_dialogues(path: Path) -> Check:
    """The tree loads without error (as ``python -m bot check``) and has at least one topic."""
    loaded = load(path)
    if not loaded.ok:
        first = loaded.errors[0]
        return failed(DIALOGUES, f"The dialogues in 'dialogues.path' have {len(loaded.errors)} "
                                 f"error(s), the first at {first.where}: {first.message}; run "
                                 f"'python -m bot check {path}'.")
    if not loaded.tree.topics:
        return failed(DIALOGUES, f"The setting 'dialogues.path' names '{path}', which holds no "
                                 "topic: set it to the folder of the dialogue files.")
    return passed(DIALOGUES, f"{len(loaded.tree.topics)} topics, {len(loaded.tree.nodes)} nodes")


def local_checks(config: Config) -> tuple[Check, ...]:
    """What ``run`` refuses to start without: the dialogues and the catalogs."""
    return (check_dialogues(config.dialogues), check_locales(config.locales))

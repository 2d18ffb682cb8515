#!/usr/bin/env python3
"""Translation catalogs: extract, update, compile.

    python scripts/catalogs.py extract   # sources -> locales/messages.pot, locales/dialogues.pot
    python scripts/catalogs.py update    # .pot -> locales/<lang>/LC_MESSAGES/<domain>.po
    python scripts/catalogs.py compile   # .po -> .mo (what the bot reads); fails on errors
    python scripts/catalogs.py all       # the three, in that order
    python scripts/catalogs.py status    # how much of each catalog is translated
    python scripts/catalogs.py check     # fail when an en/ar text is missing or fuzzy

Uses Babel's Python API with the mapping in ``babel.cfg``: ``python`` sections feed the
``messages`` domain, every other method (the dialogue extractor) feeds ``dialogues``.
Files are rewritten only when something other than a date changed, so running the
commands twice leaves git quiet.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the dialogue extractor lives in bot/
    sys.path.insert(0, str(ROOT))

from babel import Locale  # noqa: E402
from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po, unescape, write_po  # noqa: E402

from bot.i18n import DOMAINS, SOURCE_LOCALE, SUPPORTED, placeholders_match  # noqa: E402

KEYWORDS: dict[str, Any] = {"N_": None}  # the only marker used in bot/ (see bot.i18n.N_)
COMMENT_TAGS = ("Translators:",)
HEADER = """\
# Translations for Relais ({domain} domain).
# Written in French in the sources; French is the msgid. Edit .po files only
# (Poedit, Weblate...), never the YAML or the Python. See docs/translating.md.
#"""
_DATE_LINE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.MULTILINE)


class CatalogProblem(Exception):
    """Something a person must fix; printed as one line, without a traceback."""


# --------------------------------------------------------------------------- helpers


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already says the same apart from its dates."""
    if path.exists() and _DATE_LINE.sub(b"", path.read_bytes()) == _DATE_LINE.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=76, include_previous=True, omit_header=False)
    return buf.getvalue()


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _read_po(path: Path, lang: str | None = None) -> Catalog:
    """Read a ``.po``, keeping the ``#|`` lines (the old French of a fuzzy entry) as such.

    Babel writes them but reads them back as translator comments, which would then pile
    up as ``# | msgid ...``: they become the entry's previous msgid again when it is still
    fuzzy, and are dropped once it is not.
    """
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=lang)
    for message in catalog:
        previous = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        if previous and message.fuzzy and not message.previous_id:
            text = " ".join(previous).split("msgid_plural", 1)[0]
            pieces = [unescape(f'"{piece}"') for piece in _QUOTED.findall(text)]
            if pieces:
                message.previous_id = ["".join(pieces)]
    for message in catalog.obsolete.values():
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    return catalog


def _mappings(root: Path) -> dict[str, list[tuple[str, str]]]:
    cfg = root / "babel.cfg"
    if not cfg.exists():
        raise CatalogProblem(f"{cfg} is missing: it says which files hold translatable text.")
    with cfg.open(encoding="utf-8") as fp:
        method_map, _options = parse_mapping_cfg(fp, filename=str(cfg))  # type: ignore[no-untyped-call]
    by_domain: dict[str, list[tuple[str, str]]] = {d: [] for d in DOMAINS}
    for pattern, method in method_map:
        by_domain["messages" if method == "python" else "dialogues"].append((pattern, method))
    return by_domain


def _top_dirs(patterns: Iterable[tuple[str, str]]) -> set[str]:
    return {pattern.split("/", 1)[0] for pattern, _ in patterns}


# --------------------------------------------------------------------------- commands


def extract(root: Path = ROOT, locales: Path | None = None) -> dict[str, Catalog]:
    """Read the sources and write one ``.pot`` template per domain."""
    locales = locales or root / "locales"
    out: dict[str, Catalog] = {}
    for domain, method_map in _mappings(root).items():
        tops = _top_dirs(method_map)

        def only_sources(dirpath: str, tops: set[str] = tops) -> bool:
            rel = Path(dirpath).resolve().relative_to(root.resolve()).parts
            return bool(rel) and rel[0] in tops and not any(p.startswith((".", "__")) for p in rel)

        catalog = Catalog(
            project="Relais",
            version="1",
            header_comment=HEADER.format(domain=domain),
            msgid_bugs_address="",
            charset="utf-8",
            fuzzy=False,
        )
        try:
            found = extract_from_dir(
                str(root),
                method_map,
                {},
                keywords=KEYWORDS,
                comment_tags=COMMENT_TAGS,
                strip_comment_tags=True,
                directory_filter=only_sources,
            )
            for filename, lineno, message, comments, context in found:
                catalog.add(
                    message, None, [(filename, lineno)], auto_comments=comments, context=context
                )
        except ValueError as exc:  # the dialogue extractor names file:line itself
            raise CatalogProblem(str(exc)) from exc
        _write_if_changed(locales / f"{domain}.pot", _po_bytes(catalog))
        out[domain] = catalog
        print(f"extract: {domain}.pot, {len(catalog)} strings")
    return out


def update(
    root: Path = ROOT, locales: Path | None = None, langs: Sequence[str] = SUPPORTED
) -> None:
    """Merge each ``.pot`` into the ``.po`` of every locale (created when missing).

    Translations whose French text changed slightly come back marked fuzzy: they are left
    out of the compiled catalog (the bot shows French) until a translator confirms them.
    """
    locales = locales or root / "locales"
    for domain in DOMAINS:
        pot = locales / f"{domain}.pot"
        if not pot.exists():
            raise CatalogProblem(f"{pot} is missing: run `python scripts/catalogs.py extract`.")
        for lang in langs:
            with pot.open("rb") as fp:
                template = read_po(fp, locale=lang)
            po = locales / lang / "LC_MESSAGES" / f"{domain}.po"
            if po.exists():
                catalog = _read_po(po, lang)
                previous = {m.id: m.previous_id for m in catalog if m.fuzzy and m.previous_id}
                catalog.update(template, no_fuzzy_matching=(lang == SOURCE_LOCALE))
                for message in catalog:  # Babel forgets it for a text that did not change
                    if message.fuzzy and not message.previous_id and message.id in previous:
                        message.previous_id = previous[message.id]
                # keep no dead French texts in the source-language catalog
                if lang == SOURCE_LOCALE:
                    catalog.obsolete.clear()
            else:
                catalog = template
                catalog.locale = Locale.parse(lang)
                catalog.fuzzy = False
                catalog.revision_date = catalog.creation_date
            catalog.header_comment = HEADER.format(domain=domain)
            catalog.language_team = f"{Locale.parse(lang).english_name} <relais>"
            if lang == SOURCE_LOCALE:  # French is the source: nothing to translate
                for message in catalog:
                    if message.id:
                        message.string = "" if isinstance(message.id, str) else ("", "")
                        message.flags.discard("fuzzy")
            changed = _write_if_changed(po, _po_bytes(catalog))
            state = "updated" if changed else "unchanged"
            print(f"update: {lang}/LC_MESSAGES/{domain}.po {state}")


def _problems(po: Path, catalog: Catalog) -> list[str]:
    problems: list[str] = []
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"{po}:{message.lineno}: {error}")
    for message in catalog:
        if not message.id or message.fuzzy or not isinstance(message.id, str):
            continue
        msgstr = message.string
        if (
            isinstance(msgstr, str)
            and msgstr.strip()
            and not placeholders_match(message.id, msgstr)
        ):
            problems.append(
                f"{po}:{message.lineno}: the translation must keep exactly the fields in "
                f"braces of the French text (like {{name}}), untranslated"
            )
    return problems


def compile_all(root: Path = ROOT, locales: Path | None = None) -> list[str]:
    """Compile every ``.po`` to ``.mo``; return the problems (empty when all went well).

    Fuzzy entries are left out, so unconfirmed translations never reach people.
    """
    locales = locales or root / "locales"
    problems: list[str] = []
    pos = sorted(locales.glob("*/LC_MESSAGES/*.po"))
    if not pos:
        problems.append(f"no .po files under {locales}: run `python scripts/catalogs.py all`.")
    for po in pos:
        try:
            with po.open("rb") as fp:
                catalog = read_po(fp, locale=po.parent.parent.name, abort_invalid=True)
        except Exception as exc:
            problems.append(f"{po}: cannot be read ({exc})")
            continue
        found = _problems(po, catalog)
        if found:
            problems.extend(found)
            continue
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != buf.getvalue():
            mo.write_bytes(buf.getvalue())
        translated = sum(1 for m in catalog if m.id and m.string and not m.fuzzy)
        print(f"compile: {po.relative_to(locales)} -> .mo ({translated}/{len(catalog)})")
    return problems


def status(root: Path = ROOT, locales: Path | None = None) -> None:
    locales = locales or root / "locales"
    for po in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp)
        total = sum(1 for m in catalog if m.id)
        done = sum(1 for m in catalog if m.id and m.string and not m.fuzzy)
        fuzzy = sum(1 for m in catalog if m.id and m.fuzzy)
        lang = po.parent.parent.name
        if lang == SOURCE_LOCALE:
            done = total
        share = 100 if total == 0 else int(100 * done / total)
        print(f"{lang:3} {po.stem:10} {done:4}/{total:<4} {share:3}%  fuzzy {fuzzy}")


def _translated(msgstr: str | tuple[str, ...] | None) -> bool:
    strings = msgstr if isinstance(msgstr, tuple) else (msgstr,)
    return all(s and s.strip() for s in strings)


def _source_gone(template: Catalog, message: Any) -> bool:
    return template.get(message.id, message.context) is None


def completeness_problems(
    root: Path = ROOT,
    locales: Path | None = None,
    langs: Sequence[str] = SUPPORTED,
    workdir: Path | None = None,
) -> list[str]:
    """What keeps the catalogs from being complete for the sources as they are now.

    The sources are extracted afresh (with :func:`extract`, into ``workdir`` or a
    temporary folder, so ``locales/*.pot`` is left alone) and each ``.po`` is compared
    with them: a French text with no translation, or only a fuzzy one, in a translated
    language; any fuzzy entry, in any language; a French text missing from the source
    catalog (``update`` was not run); a translation that changes the fields in braces.
    """
    import tempfile

    locales = locales or root / "locales"
    with tempfile.TemporaryDirectory(prefix="relais-pot-") as tmp:
        templates = extract(root, workdir or Path(tmp))
    problems: list[str] = []
    for domain, template in templates.items():
        for lang in langs:
            po = locales / lang / "LC_MESSAGES" / f"{domain}.po"
            if not po.exists():
                problems.append(f"{po}: missing: run `python scripts/catalogs.py update`")
                continue
            catalog = _read_po(po, lang)
            where = f"{lang}/{domain}"
            for source in template:
                if not source.id:
                    continue
                msgid = source.id if isinstance(source.id, str) else source.id[0]
                message = catalog.get(source.id, source.context)
                if message is None:
                    missing = "not in the catalog (run update)" if lang == SOURCE_LOCALE else ""
                    problems.append(f"{where}: {missing or 'missing'}: {msgid!r}")
                elif message.fuzzy:
                    problems.append(f"{where}:{message.lineno}: fuzzy: {msgid!r}")
                elif lang != SOURCE_LOCALE and not _translated(message.string):
                    problems.append(f"{where}:{message.lineno}: not translated: {msgid!r}")
            for message in catalog:
                if message.id and message.fuzzy and _source_gone(template, message):
                    problems.append(
                        f"{where}:{message.lineno}: fuzzy, text no longer used: {message.id!r}"
                    )
            problems.extend(_problems(po, catalog))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command", choices=["extract", "update", "compile", "all", "status", "check"]
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="project directory")
    parser.add_argument("--locales", type=Path, default=None, help="default: ROOT/locales")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    locales: Path = (args.locales or root / "locales").resolve()
    try:
        if args.command in ("extract", "all"):
            extract(root, locales)
        if args.command in ("update", "all"):
            update(root, locales)
        if args.command in ("compile", "all"):
            problems = compile_all(root, locales)
            if problems:
                for problem in problems:
                    print(problem, file=sys.stderr)
                print(f"compile: {len(problems)} problem(s); nothing was compiled for "
                      "those files.", file=sys.stderr)  # fmt: skip
                return 1
        if args.command == "status":
            status(root, locales)
        if args.command == "check":
            problems = completeness_problems(root, locales)
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                print(f"check: {len(problems)} text(s) to translate or confirm.", file=sys.stderr)
                return 1
            print("check: every catalog is complete")
    except CatalogProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Catalog pipeline (extract, update, compile), loading, fallback to French, formatting."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po, write_po

from bot.i18n import (
    SUPPORTED,
    UNREVIEWED_COMMENT,
    CatalogError,
    Catalogs,
    coverage,
    direction,
    format_when,
    normalise_locale,
    tree_msgids,
)
from bot.i18n_extract import DialogueExtractionError, dialogue_msgids, extract_from_yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "catalogs.py"

CAF = """\
version: 1
topic:
  id: caf
  title: "La Caf : allocations"
  entry: accueil
  keywords: [caf]
nodes:
  - id: accueil
    text: |
      Je peux vous aider pour la Caf.
      Quel est votre problème ?
    options:
      - label: Je n'arrive pas à me connecter
        keywords: [connexion]
        goto: connexion
  - id: connexion
    text: Pour vous connecter, il faut votre numéro.
    links:
      - label: Le site de la Caf
        url: https://www.caf.fr
    contact:
      name: La Caf
      phone: "3230"
      hours: Du lundi au vendredi
    use: [france_services]
    end: check
"""
SNIPPETS = """\
version: 1
snippets:
  france_services: |
    Une France Services peut vous aider.
"""
BOT = """\
from bot.i18n import N_

HELLO = N_("Bonjour {name} !")
MENU = N_("Menu principal")
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project with the real babel.cfg, one bot module and two dialogue files."""
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "strings.py").write_text(BOT, "utf-8")
    (tmp_path / "dialogues").mkdir()
    (tmp_path / "dialogues" / "caf.yaml").write_text(CAF, "utf-8")
    (tmp_path / "dialogues" / "_snippets.yaml").write_text(SNIPPETS, "utf-8")
    done = run("all", "--root", str(tmp_path))
    assert done.returncode == 0, done.stderr
    return tmp_path


def translate(po: Path, translations: dict[str, str], fuzzy: frozenset[str] = frozenset()) -> None:
    with po.open("rb") as fp:
        catalog = read_po(fp)
    for msgid, msgstr in translations.items():
        message = catalog[msgid]
        assert message is not None, msgid
        message.string = msgstr
        message.user_comments = [UNREVIEWED_COMMENT]
        if msgid in fuzzy:
            message.flags.add("fuzzy")
    buf = io.BytesIO()
    write_po(buf, catalog)
    po.write_bytes(buf.getvalue())


# --------------------------------------------------------------------------- pipeline


def test_round_trip_extract_update_compile(project: Path) -> None:
    locales = project / "locales"
    pot = (locales / "dialogues.pot").read_text("utf-8")
    assert 'msgid "La Caf : allocations"' in pot
    assert '"Je peux vous aider pour la Caf.\\n"' in pot
    assert "#. caf:accueil: choice leading to connexion" in pot
    assert "#: dialogues/caf.yaml:13" in pot  # the option label's own line
    assert 'msgid "Une France Services peut vous aider."' in pot
    assert "keywords" not in pot and 'msgid "connexion"' not in pot
    messages = (locales / "messages.pot").read_text("utf-8")
    assert 'msgid "Bonjour {name} !"' in messages and 'msgid "Menu principal"' in messages
    for lang in SUPPORTED:
        for domain in ("messages", "dialogues"):
            assert (locales / lang / "LC_MESSAGES" / f"{domain}.po").exists()
            assert (locales / lang / "LC_MESSAGES" / f"{domain}.mo").exists()
    # a second run changes nothing: no noise in git
    before = {p: p.read_bytes() for p in locales.rglob("*.po*")}
    again = run("all", "--root", str(project))
    assert again.returncode == 0, again.stderr
    assert {p: p.read_bytes() for p in locales.rglob("*.po*")} == before


def test_update_keeps_translations_and_comments(project: Path) -> None:
    po = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    translate(po, {"Menu principal": "Main menu"})
    assert run("all", "--root", str(project)).returncode == 0
    text = po.read_text("utf-8")
    assert 'msgstr "Main menu"' in text
    assert f"# {UNREVIEWED_COMMENT}" in text


def test_compile_fails_on_broken_placeholder(project: Path) -> None:
    po = project / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    translate(po, {"Bonjour {name} !": "Hello {nom}!"})
    done = run("compile", "--root", str(project))
    assert done.returncode == 1
    assert "messages.po" in done.stderr and "Traceback" not in done.stderr


def test_extract_reports_broken_yaml_without_traceback(project: Path) -> None:
    (project / "dialogues" / "bad.yaml").write_text("topic:\n  title: [oops\n", "utf-8")
    done = run("extract", "--root", str(project))
    assert done.returncode == 1
    assert "bad.yaml:" in done.stderr and "Traceback" not in done.stderr


def test_real_sources_extract_and_compile(tmp_path: Path) -> None:
    """The project's own sources and catalogs go through the pipeline without error."""
    locales = tmp_path / "locales"
    if (ROOT / "locales").is_dir():
        shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    done = run("all", "--root", str(ROOT), "--locales", str(locales))
    assert done.returncode == 0, done.stderr
    catalogs = Catalogs.load(locales)
    assert set(SUPPORTED) <= set(catalogs.locales)


# --------------------------------------------------------------------------- loading


def test_missing_mo_is_an_error(project: Path) -> None:
    mo = project / "locales" / "ar" / "LC_MESSAGES" / "dialogues.mo"
    mo.unlink()
    with pytest.raises(CatalogError) as raised:
        Catalogs.load(project / "locales")
    message = str(raised.value)
    assert "dialogues.po" in message and "scripts/catalogs.py compile" in message
    assert "\n" not in message


def test_unreadable_mo_is_an_error(project: Path) -> None:
    (project / "locales" / "en" / "LC_MESSAGES" / "messages.mo").write_bytes(b"not a catalog")
    with pytest.raises(CatalogError, match=r"messages\.mo"):
        Catalogs.load(project / "locales")


def test_translation_and_fallback_to_french(project: Path) -> None:
    lc = project / "locales" / "en" / "LC_MESSAGES"
    translate(
        lc / "dialogues.po",
        {
            "La Caf : allocations": "The Caf: benefits",
            "Le site de la Caf": "The Caf website",
            "La Caf": "",  # empty: not translated
            "Du lundi au vendredi": "Monday to Friday",
        },
        fuzzy=frozenset({"Du lundi au vendredi"}),
    )
    translate(lc / "messages.po", {"Bonjour {name} !": "Hello {name}!"})
    assert run("compile", "--root", str(project)).returncode == 0
    catalogs = Catalogs.load(project / "locales")

    assert catalogs.gettext("en", "La Caf : allocations") == "The Caf: benefits"
    assert catalogs.gettext("en_GB", "Le site de la Caf") == "The Caf website"
    assert catalogs.gettext("en", "La Caf") == "La Caf"  # empty msgstr
    assert catalogs.gettext("en", "Du lundi au vendredi") == "Du lundi au vendredi"  # fuzzy
    assert catalogs.gettext("en", "Jamais vu") == "Jamais vu"  # unknown msgid
    assert catalogs.gettext("ar", "La Caf : allocations") == "La Caf : allocations"
    assert catalogs.gettext("de", "La Caf : allocations") == "La Caf : allocations"
    assert catalogs.gettext("fr", "La Caf : allocations") == "La Caf : allocations"

    assert catalogs.is_translated("en", "Le site de la Caf")
    assert not catalogs.is_translated("en", "La Caf")
    assert not catalogs.is_translated("en", "Du lundi au vendredi")
    assert not catalogs.is_translated("ar", "Le site de la Caf")
    assert catalogs.is_translated("fr", "n'importe quoi")

    assert catalogs.text("en", "Bonjour {name} !", [("name", "Awa")]) == "Hello Awa!"
    assert catalogs.text("ar", "Bonjour {name} !", [("name", "Awa")]) == "Bonjour Awa !"
    # the block scalar's trailing newline does not hide a translation
    assert catalogs.gettext("en", "La Caf : allocations\n") == "The Caf: benefits"


def test_snippet_paragraphs_are_translated_separately(project: Path) -> None:
    lc = project / "locales" / "en" / "LC_MESSAGES"
    node = "Pour vous connecter, il faut votre numéro."
    snippet = "Une France Services peut vous aider."
    translate(lc / "dialogues.po", {node: "To log in, you need your number."})
    assert run("compile", "--root", str(project)).returncode == 0
    half = Catalogs.load(project / "locales")
    # one part missing: the whole text stays French rather than half and half
    assert half.gettext("en", f"{node}\n\n{snippet}") == f"{node}\n\n{snippet}"
    assert not half.is_translated("en", f"{node}\n\n{snippet}")

    translate(lc / "dialogues.po", {snippet: "A France Services office can help you."})
    assert run("compile", "--root", str(project)).returncode == 0
    full = Catalogs.load(project / "locales")
    assert full.gettext("en", f"{node}\n\n{snippet}") == (
        "To log in, you need your number.\n\nA France Services office can help you."
    )


def test_placeholder_mismatch_falls_back_at_run_time(tmp_path: Path, project: Path) -> None:
    """Even a catalog compiled by other tools cannot break a {field}."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="en")
    catalog.add("Bonjour {name} !", "Hello {nom}!")
    lc = tmp_path / "loc" / "en" / "LC_MESSAGES"
    lc.mkdir(parents=True)
    with (lc / "messages.mo").open("wb") as fp:
        write_mo(fp, catalog)
    catalogs = Catalogs.load(tmp_path / "loc")
    assert catalogs.gettext("en", "Bonjour {name} !") == "Bonjour {name} !"
    assert catalogs.text("en", "Bonjour {name} !", [("name", "Awa")]) == "Bonjour Awa !"


def test_french_only_and_no_builtin_underscore() -> None:
    import builtins

    catalogs = Catalogs.french_only()
    assert catalogs.gettext("en", "Bonjour") == "Bonjour"
    assert not hasattr(builtins, "_")


def test_coverage(project: Path) -> None:
    lc = project / "locales" / "en" / "LC_MESSAGES"
    translate(lc / "dialogues.po", {"Le site de la Caf": "The Caf website", "La Caf": "The Caf"})
    assert run("compile", "--root", str(project)).returncode == 0
    catalogs = Catalogs.load(project / "locales")
    msgids = dialogue_msgids(project / "dialogues")
    assert len(msgids) == 8
    report = coverage(catalogs, msgids)
    assert report["fr"].share == 1.0
    assert (report["en"].translated, report["en"].total) == (2, 8)
    assert "La Caf : allocations" in report["en"].missing
    assert report["ar"].translated == 0
    # the admin renamed the link: the old translation is now obsolete
    renamed = (msgids - {"Le site de la Caf"}) | {"Site officiel de la Caf"}
    report = coverage(catalogs, renamed)
    assert report["en"].obsolete == ("Le site de la Caf",)


def test_tree_msgids_match_extraction(project: Path) -> None:
    from bot.dialogue.loader import load

    loaded = load(project / "dialogues")
    assert loaded.ok, [str(p) for p in loaded.errors]
    from_tree = tree_msgids(loaded.tree, loaded.snippets.values())
    assert from_tree == dialogue_msgids(project / "dialogues")


def test_extractor_lines_and_errors() -> None:
    found = list(extract_from_yaml(CAF, "caf.yaml"))
    assert [(line, text) for line, _, text, _ in found][:2] == [
        (4, "La Caf : allocations"),
        (9, "Je peux vous aider pour la Caf.\nQuel est votre problème ?"),
    ]
    assert all(funcname is None and comments for _, funcname, _, comments in found)
    with pytest.raises(DialogueExtractionError, match=r"^bad\.yaml:2:"):
        list(extract_from_yaml("a: b\n- c\n", "bad.yaml"))


# --------------------------------------------------------------------------- formatting


def test_direction_and_locales() -> None:
    assert direction("ar") == "rtl"
    assert direction("ar_MA") == "rtl"
    assert direction("fr") == "ltr" and direction("en") == "ltr"
    assert normalise_locale("en-GB") == "en" and normalise_locale("AR") == "ar"
    assert normalise_locale("de") is None and normalise_locale(None) is None


def test_format_when_reads_naturally() -> None:
    when = dt.datetime(2025, 11, 24, 9, 0)
    assert format_when(when, "fr") == "lundi 24 novembre à 09:00"
    assert format_when(when, "en") == "Monday 24 November at 09:00"
    arabic = format_when(when, "ar")
    assert arabic.startswith("الاثنين") and "نوفمبر" in arabic and "09:00" in arabic
    assert format_when(when, "de") == "lundi 24 novembre à 09:00"  # unknown: French
    assert format_when(when, "fr", with_year=True) == "lundi 24 novembre 2025 à 09:00"
    utc = dt.datetime(2025, 11, 24, 8, 0, tzinfo=dt.UTC)
    assert format_when(utc, "en", tz=ZoneInfo("Europe/Paris")) == "Monday 24 November at 09:00"


def test_translation_report(project: Path) -> None:
    from bot.dialogue.loader import load
    from bot.i18n import translation_report

    lc = project / "locales" / "en" / "LC_MESSAGES"
    translate(lc / "dialogues.po", {"La Caf": "The Caf"})
    assert run("compile", "--root", str(project)).returncode == 0
    loaded = load(project / "dialogues")
    report = translation_report(loaded, project / "locales", verbose=True)
    assert "fr 100% (8/8)" in report and "en 12% (1/8)" in report and "ar 0% (0/8)" in report
    assert "en missing: La Caf : allocations" in report
    (lc / "dialogues.mo").unlink()
    broken = translation_report(loaded, project / "locales")
    assert broken.startswith("translations: not checked:") and "compile" in broken

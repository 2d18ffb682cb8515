"""The fr/en/ar catalogs are complete for the sources as they are now.

The sources (bot/**/*.py and dialogues/*.yaml) are extracted afresh into a temporary
folder with the project's own ``scripts/catalogs.py`` (``completeness_problems``, which
calls its ``extract``), then compared with every ``locales/<lang>/LC_MESSAGES/*.po``.
No server, no network: a second or two.

When this fails after a change to a dialogue or a bot sentence, run
``python scripts/catalogs.py all`` and translate what ``status`` shows as missing or fuzzy
(see docs/translating.md); ``python scripts/catalogs.py check`` prints the same list.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAINS, SOURCE_LOCALE, SUPPORTED

ROOT = Path(__file__).resolve().parent.parent


def _load_catalogs_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "relais_catalogs_script", ROOT / "scripts" / "catalogs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


catalogs = _load_catalogs_script()


def test_languages_and_domains_are_the_expected_ones() -> None:
    assert set(SUPPORTED) == {"fr", "en", "ar"} and SOURCE_LOCALE == "fr"
    assert set(DOMAINS) == {"messages", "dialogues"}


def test_every_text_is_translated_in_every_language(tmp_path: Path) -> None:
    problems = catalogs.completeness_problems(ROOT, ROOT / "locales", SUPPORTED, tmp_path)
    assert not problems, (
        f"{len(problems)} catalog problem(s); run `python scripts/catalogs.py all`, then "
        "translate (docs/translating.md):\n" + "\n".join(problems)
    )
    # the check really looked at the current sources, not at an empty extraction
    for domain in DOMAINS:
        assert (tmp_path / f"{domain}.pot").stat().st_size > 1000


# ------------------------------------------------------------- the check itself, on a fixture

BOT = 'from bot.i18n import N_\n\nHELLO = N_("Bonjour {name}")\n'
TOPIC = """\
version: 1
topic:
  id: caf
  title: "La Caf : allocations"
  entry: accueil
  keywords: [caf]
nodes:
  - id: accueil
    text: Je peux vous aider pour la Caf.
    end: check
"""


def _set(po: Path, lang: str, strings: dict[str, str], fuzzy: frozenset[str] = frozenset()) -> None:
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=lang)
    for msgid, msgstr in strings.items():
        message = catalog[msgid]
        assert message is not None, msgid
        message.string = msgstr
        if msgid in fuzzy:
            message.flags.add("fuzzy")
    with po.open("wb") as fp:
        write_po(fp, catalog)


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "project"
    (root / "bot").mkdir(parents=True)
    shutil.copy(ROOT / "babel.cfg", root / "babel.cfg")
    (root / "bot" / "strings.py").write_text(BOT, "utf-8")
    (root / "dialogues").mkdir()
    (root / "dialogues" / "caf.yaml").write_text(TOPIC, "utf-8")
    catalogs.extract(root)
    catalogs.update(root)
    capsys.readouterr()
    return root


def test_check_lists_missing_and_fuzzy_entries(project: Path) -> None:
    locales = project / "locales"
    everything = {
        "Bonjour {name}": "Hello {name}",
        "La Caf : allocations": "The Caf: benefits",
        "Je peux vous aider pour la Caf.": "I can help you with the Caf.",
    }
    for lang in ("en", "ar"):
        for domain in DOMAINS:
            po = locales / lang / "LC_MESSAGES" / f"{domain}.po"
            with po.open("rb") as fp:
                ids = {m.id for m in read_po(fp) if m.id}
            _set(po, lang, {k: v for k, v in everything.items() if k in ids})
    assert catalogs.completeness_problems(project, locales, SUPPORTED, project / "pot") == []

    po = locales / "ar" / "LC_MESSAGES" / "dialogues.po"
    _set(po, "ar", {"La Caf : allocations": ""})
    node = "Je peux vous aider pour la Caf."
    _set(po, "ar", {node: "x"}, fuzzy=frozenset({node}))
    bad = locales / "en" / "LC_MESSAGES" / "messages.po"
    _set(bad, "en", {"Bonjour {name}": "Hello {nom}"})
    link = "    links:\n      - label: Le site\n        url: https://www.caf.fr\n"
    topic = TOPIC.replace("    end: check\n", link + "    end: check\n")
    (project / "dialogues" / "caf.yaml").write_text(topic, "utf-8")

    problems = catalogs.completeness_problems(project, locales, SUPPORTED, project / "pot")
    text = "\n".join(problems)
    assert "ar/dialogues" in text and "not translated: 'La Caf : allocations'" in text
    assert "fuzzy: 'Je peux vous aider pour la Caf.'" in text
    assert "fr/dialogues: not in the catalog (run update): 'Le site'" in text
    assert "en/dialogues: missing: 'Le site'" in text
    assert "ar/dialogues: missing: 'Le site'" in text
    assert "messages.po" in text and "fields in braces" in text

"""Every sentence name used in the code is in its table (bot/text_tables.py).

A texts module answers its names through ``__getattr__``, so mypy reads ``T.ANY_NAME`` as a
``str``; this test gives back what mypy no longer checks: a misspelt name fails here, not in
front of a person.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType

import pytest

from bot.dialogue import texts as T
from bot.text_tables import by_name

REPO = Path(__file__).resolve().parent.parent
TEXTS_MODULES = ("bot.dialogue.texts", "bot.desk.texts")


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> texts module, for ``from bot.x import texts as T`` and the like."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in TEXTS_MODULES:
                    found[alias.asname or alias.name] = full
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in TEXTS_MODULES and alias.asname:
                    found[alias.asname] = alias.name
    return found


def _uses() -> list[tuple[str, str, str]]:
    """(file:line, module, name) of every ``T.NAME`` and ``from …texts import NAME``."""
    uses: list[tuple[str, str, str]] = []
    for folder in ("bot", "tests", "scripts", "devtools", "bench"):
        for path in sorted((REPO / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            rel = path.relative_to(REPO).as_posix()
            aliases = _aliases(tree)
            for node in ast.walk(tree):
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id in aliases):
                    uses.append((f"{rel}:{node.lineno}", aliases[node.value.id], node.attr))
                elif isinstance(node, ast.ImportFrom) and node.module in TEXTS_MODULES:
                    uses.extend((f"{rel}:{node.lineno}", node.module, a.name)
                                for a in node.names if a.name != "*")
    return uses


def test_every_sentence_name_used_exists() -> None:
    uses = _uses()
    assert len(uses) > 100  # the scan sees the engine's, the desk's and the tests' uses
    modules: dict[str, ModuleType] = {m: importlib.import_module(m) for m in TEXTS_MODULES}
    missing = [f"{where}: {module}.{name}" for where, module, name in uses
               if not hasattr(modules[module], name)]
    assert missing == []


def test_a_name_not_in_the_table_is_an_attribute_error() -> None:
    assert T.MENU_INTRO == "Pour quelle démarche voulez-vous de l'aide ?"
    misspelt = "MENU_INTRO_TYPO"  # through getattr: the scan above would flag T.MENU_INTRO_TYPO
    with pytest.raises(AttributeError, match=misspelt):
        getattr(T, misspelt)
    lookup = by_name({"A": "a"}, "m")
    assert lookup("A") == "a"
    with pytest.raises(AttributeError, match="'m' has no attribute 'B'"):
        lookup("B")

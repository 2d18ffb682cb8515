"""Sentence tables: the sentences of a texts module as one mapping, read by name.

The sentences are data: translators and the plain-French review read them together, and a
module of sixty ``NAME = N_("…")`` statements only repeats one shape of code. A texts module
holds one ``SENTENCES`` mapping (each value still marked with ``N_`` for extraction) and
``__getattr__ = by_name(SENTENCES, __name__)``, so ``T.MENU_INTRO`` keeps working. mypy reads
every such name as ``str``; ``tests/test_text_tables.py`` checks that each name used in bot/
and tests/ is in its table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


def by_name(sentences: Mapping[str, str], module: str) -> Callable[[str], str]:
    """A module ``__getattr__`` that answers the sentences of ``sentences`` by their name."""

    def __getattr__(name: str) -> str:
        try:
            return sentences[name]
        except KeyError:
            raise AttributeError(f"module {module!r} has no attribute {name!r}") from None

    return __getattr__

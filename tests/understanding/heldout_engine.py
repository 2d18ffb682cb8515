"""The engine as the bot runs it, for an in-repo set that must stay held out.

The earlier held-out and routing sets are also training writers (``dialogues/corpus/r_*.tsv``);
a test that measures one of them trains without that set's own file, so its figure stays a
held-out figure.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.understanding.build import build

DIALOGUES = Path(__file__).resolve().parents[2] / "dialogues"


@lru_cache(maxsize=8)
def learned_without(writer: str) -> Engine:
    tree = load(DIALOGUES).tree
    return Engine(tree, build(tree, DIALOGUES, exclude_writer=writer))

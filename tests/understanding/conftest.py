"""The shipped trees with their trained understanding, built once for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.understanding.build import build

REPO = Path(__file__).resolve().parents[2]
DIALOGUES = REPO / "dialogues"


@pytest.fixture(scope="session")
def learned_engine() -> Engine:
    tree = load(DIALOGUES).tree
    return Engine(tree, build(tree, DIALOGUES))

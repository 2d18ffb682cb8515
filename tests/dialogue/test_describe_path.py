"""The ticket root tells mediators the person's path in words, not node ids."""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.dialogue.model import State

ENGINE = Engine(load(Path(__file__).resolve().parents[2] / "dialogues").tree)


def test_path_of_a_conversation_reads_as_titles_and_labels() -> None:
    state = ENGINE.start(State()).state
    for text in ("3", "1"):
        state = ENGINE.step(state, text).state
    described = ENGINE.describe_path(state.path)
    topic = ENGINE.tree.topic("france_travail")
    assert topic is not None
    assert described.startswith(topic.title)
    assert " › " in described
    assert "france_travail:" not in described


def test_empty_path_is_empty() -> None:
    assert ENGINE.describe_path(()) == ""

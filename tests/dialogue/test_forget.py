"""The person's right to erasure, in the engine: asked, confirmed, in any phase."""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.dialogue.model import Forget, Phase, Relay, Say, State

ENGINE = Engine(load(Path(__file__).resolve().parents[2] / "dialogues").tree)


def says(step: object) -> str:
    return " ".join(e.text for e in step.effects if isinstance(e, Say))  # type: ignore[attr-defined]


def test_forget_in_bot_mode_asks_then_erases() -> None:
    state = ENGINE.start(State()).state
    asked = ENGINE.step(state, "oublie-moi")
    assert asked.state.phase is Phase.CONFIRM_FORGET
    assert "effac" in says(asked)
    done = ENGINE.step(asked.state, "oui")
    assert any(isinstance(e, Forget) for e in done.effects)
    assert done.state.said == () and done.state.path == ()


def test_forget_during_a_handover_asks_and_no_keeps_the_handover() -> None:
    state = State(phase=Phase.HANDOVER, started=True, locale="fr")
    asked = ENGINE.step(state, "supprimer mes données")
    assert asked.state.phase is Phase.CONFIRM_FORGET
    assert not any(isinstance(e, Relay) for e in asked.effects), "not sent to the mediator"
    kept = ENGINE.step(asked.state, "non")
    assert kept.state.phase is Phase.HANDOVER
    assert not any(isinstance(e, Forget) for e in kept.effects)
    # later messages go to the mediator again
    assert any(isinstance(e, Relay) for e in ENGINE.step(kept.state, "merci").effects)


def test_forget_during_a_handover_confirmed_erases() -> None:
    state = State(phase=Phase.HANDOVER, started=True, locale="fr", said=("mon texte",))
    asked = ENGINE.step(state, "forget me")
    done = ENGINE.step(asked.state, "oui")
    assert any(isinstance(e, Forget) for e in done.effects)
    assert done.state.phase is Phase.MENU
    assert done.state.said == ()

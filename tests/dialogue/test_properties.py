"""Whatever a person types, in whatever state the conversation is, the bot answers sensibly.

States are built the way people build them: random walks from the start with the inputs people
really send (numbers, keywords, labels, commands, yes/no, distress). Texts are any unicode,
plus the odd inputs of tests/data/messages_odd.yaml (emoji, invisible characters, markup,
5000-character messages...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.dialogue.matching import normalise, option_number
from bot.dialogue.model import Effect, HandOver, Options, Outcome, Phase, Relay, State
from bot.present import render

REPO = Path(__file__).resolve().parents[2]
TREE = load(REPO / "dialogues").tree
ENGINE = Engine(TREE)
ODD: list[dict[str, Any]] = yaml.safe_load(
    (REPO / "tests" / "data" / "messages_odd.yaml").read_text(encoding="utf-8")
)


def _odd_texts() -> list[str]:
    out: list[str] = []
    for item in ODD:
        if "repeat" in item:
            out.append(str(item["repeat"]["text"]) * int(item["repeat"]["times"]))
        else:
            out.append(str(item["text"]))
    return out


ODD_TEXTS = _odd_texts()

_WALK_INPUTS: list[str] = sorted(
    {
        *(str(n) for n in range(0, 10)), "2️⃣", "deux", "12",
        "menu", "retour", "recommencer", "quelqu'un", "stop", "langue", "aide", "merci",
        "supprimer mes données", "bonjour", "oui", "non", "pas vraiment", "blabla",
        "je veux mourir", "je dors dehors ce soir",
        *(kw for t in TREE.topics for kw in t.keywords[:3]),
        *(o.label for n in TREE.nodes[:40] for o in n.options[:2]),
    }
)  # fmt: skip

walks = st.lists(st.sampled_from(_WALK_INPUTS), min_size=0, max_size=6)
texts = st.one_of(st.text(), st.sampled_from(ODD_TEXTS), st.sampled_from(_WALK_INPUTS))
_SILENT = (Relay, HandOver, Outcome)


def _walk(inputs: list[str]) -> State:
    state = ENGINE.start(State()).state
    for text in inputs:
        state = ENGINE.step(state, text).state
    return state


def _check(state: State, text: str) -> None:
    step = ENGINE.step(state, text)
    assert len(step.effects) >= 1
    assert State.from_json(step.state.to_json()) == step.state
    effects: tuple[Effect, ...] = step.effects
    message = render(effects)
    if all(isinstance(e, _SILENT) for e in effects):
        # only during a handover: the mediator answers, the bot says nothing
        assert state.phase is Phase.HANDOVER
    else:
        assert message is not None and message.body.strip(), effects
        assert "Traceback" not in message.body
        assert "<script" not in message.html.lower()
    for effect in effects:
        if isinstance(effect, Options):
            assert effect.items, "an empty list of choices"


@settings(max_examples=300, deadline=None)
@given(inputs=walks, text=texts)
def test_any_text_in_any_reachable_state(inputs: list[str], text: str) -> None:
    _check(_walk(inputs), text)


@settings(max_examples=300, deadline=None)
@given(inputs=walks, text=st.sampled_from(ODD_TEXTS))
def test_odd_messages_in_any_reachable_state(inputs: list[str], text: str) -> None:
    _check(_walk(inputs), text)


@settings(max_examples=300, deadline=None)
@given(inputs=st.lists(st.sampled_from(_WALK_INPUTS), min_size=0, max_size=6),
       locale=st.sampled_from(["fr", "en", "ar"]), text=texts)
def test_stored_states_survive_a_restart(inputs: list[str], locale: str, text: str) -> None:
    """The router keeps the state as JSON between messages: a stored state behaves the same."""
    state = _walk(inputs).but(locale=locale)
    restored = State.from_json(state.to_json())
    assert restored == state
    assert ENGINE.step(restored, text) == ENGINE.step(state, text)


@pytest.mark.parametrize("text", ODD_TEXTS, ids=lambda t: repr(t[:20]))
def test_every_odd_message_from_the_menu(text: str) -> None:
    _check(ENGINE.start(State()).state, text)


_NUMBERED = [(i["text"], i["number"]) for i in ODD if "number" in i]


@pytest.mark.parametrize(("text", "number"), _NUMBERED, ids=lambda v: repr(v))
def test_numbers_as_people_write_them(text: str, number: int | None) -> None:
    count = max(30, number or 0)
    assert option_number(text, count) == number
    menu = TREE.menu_topics()
    state = ENGINE.start(State()).state
    step = ENGINE.step(state, text)
    if number is not None and number <= len(menu):
        topic = menu[number - 1]
        assert step.state.node == f"{topic.id}:{topic.entry}"
    elif number is None:
        entered = [e for e in step.effects if isinstance(e, Outcome) and e.kind == "entered"]
        if entered:  # whatever it reads, it must not be a menu number
            assert normalise(text) not in {str(n) for n in range(1, len(menu) + 1)}

"""How the bot behaves with the shipped dialogues: the conversations people actually have.

Everything runs on plain values (no homeserver): a state and a text in, a state and effects out.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

import pytest

from bot.dialogue import texts as T
from bot.dialogue.engine import Command, Engine, command_of, yes_no
from bot.dialogue.loader import load
from bot.dialogue.model import (
    Effect,
    End,
    Ending,
    Forget,
    HandOver,
    Node,
    Options,
    Outcome,
    Phase,
    Relay,
    Say,
    SetLocale,
    ShowContact,
    State,
    Step,
    TopicKind,
    Welcome,
)
from bot.dialogue.replies import node_options
from bot.present import render

DIALOGUES = Path(__file__).resolve().parents[2] / "dialogues"
LOADED = load(DIALOGUES)
TREE = LOADED.tree
ENGINE = Engine(TREE)
E = TypeVar("E")


# --------------------------------------------------------------------------- helpers


def started() -> State:
    return ENGINE.start(State()).state


def talk(*texts: str, state: State | None = None) -> tuple[State, list[Step]]:
    """Send each text in turn; the conversation starts at the menu unless a state is given."""
    state = started() if state is None else state
    steps: list[Step] = []
    for text in texts:
        step = ENGINE.step(state, text)
        steps.append(step)
        state = step.state
    return state, steps


def says(step: Step) -> list[str]:
    return [e.text for e in step.effects if isinstance(e, Say)]


def of_type(effects: Iterable[Effect], kind: type[E]) -> list[E]:
    return [e for e in effects if isinstance(e, kind)]


def body(step: Step) -> str:
    message = render(step.effects)
    return message.body if message else ""


def node(key: str) -> Node:
    found = TREE.node(key)
    assert found is not None, key
    return found


def target_of(key: str, number: int) -> str:
    n = node(key)
    return TREE.resolve(n.options[number - 1], n.topic)


def test_shipped_tree_loads() -> None:
    assert LOADED.ok, "\n".join(str(p) for p in LOADED.errors)


# --------------------------------------------------------------------------- menu


def test_start_says_who_we_are_then_shows_the_menu() -> None:
    step = ENGINE.start(State())
    assert isinstance(step.effects[0], Welcome)
    menus = of_type(step.effects, Options)
    assert len(menus) == 1
    assert [c.label for c in menus[0].items] == [t.title for t in TREE.menu_topics()]
    assert [c.number for c in menus[0].items] == list(range(1, len(TREE.menu_topics()) + 1))
    assert step.state.phase is Phase.MENU and step.state.started
    again = ENGINE.start(step.state)
    assert not of_type(again.effects, Welcome)


def test_first_message_without_start_still_welcomes() -> None:
    step = ENGINE.step(State(), "bonjour")
    assert isinstance(step.effects[0], Welcome)
    assert step.state.started
    assert not of_type(ENGINE.step(step.state, "bonjour").effects, Welcome)


@pytest.mark.parametrize("text", ["2", "2️⃣", "deux", "DEUX", "n°2", "le 2", " 2 ", "٢"])
def test_menu_number_enters_that_topic(text: str) -> None:
    second = TREE.menu_topics()[1]
    state, (step,) = talk(text)
    assert state.phase is Phase.NODE
    assert state.node == f"{second.id}:{second.entry}"
    assert Outcome("entered", second.id, second.entry) in step.effects


@pytest.mark.parametrize("text", ["2", "2️⃣", "deux", "le deuxieme"])
def test_option_number_in_a_node(text: str) -> None:
    state, _ = talk("caf", text)
    assert state.node == target_of("caf:accueil", 2)


@pytest.mark.parametrize("text", ["0", "99", "2.5", "1 2", "12345"])
def test_numbers_out_of_range_are_not_guessed(text: str) -> None:
    state, (step,) = talk(text)
    assert state.node is None
    assert not of_type(step.effects, Outcome)


def _option_pairs() -> list[tuple[str, int]]:
    return [(n.key, i) for n in TREE.nodes for i in range(1, len(n.options) + 1)]


@pytest.mark.parametrize(("key", "number"), _option_pairs(), ids=lambda v: str(v))
def test_typing_an_option_label_chooses_it(key: str, number: int) -> None:
    """People often retype the label they read; it must lead where the number leads."""
    n = node(key)
    state = State(phase=Phase.NODE, node=key, started=True)
    step = ENGINE.step(state, n.options[number - 1].label)
    assert step.state.node == target_of(key, number), (
        f"label «{n.options[number - 1].label}» at {key}"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("caf", "connexon"), "caf:connexion"),
        (("caf", "jarive pas a me conecter"), "caf:connexion"),
        (("pole emploi", "inscripton"), "france_travail:inscription"),
        (("pole emploi", "actualisaton"), "france_travail:actualisation"),
        (("ameli", "carte vital"), "ameli:vitale"),
    ],
)
def test_keywords_with_typos(path: tuple[str, ...], expected: str) -> None:
    state, _ = talk(*path)
    assert state.node == expected


# --------------------------------------------------------------------------- commands


def test_retour_goes_back_one_node() -> None:
    state, _ = talk("caf", "1")
    assert state.node == "caf:connexion"
    state, (step,) = talk("retour", state=state)
    assert state.node == "caf:accueil" and state.phase is Phase.NODE
    assert Say(node("caf:accueil").text) in step.effects


def test_retour_from_an_answer_goes_back_to_its_question() -> None:
    state, _ = talk("caf", "1", "1")
    assert state.phase is Phase.CHECK
    state, _ = talk("retour", state=state)
    assert state.node == "caf:connexion" and state.phase is Phase.NODE


def test_retour_at_the_menu_says_we_are_at_the_start() -> None:
    state, (step,) = talk("retour")
    assert T.BACK_AT_START in says(step)
    assert state.phase is Phase.MENU


@pytest.mark.parametrize("text", ["menu", "MENU", "Menu svp", "retour au menu", "0"])
def test_menu_from_anywhere(text: str) -> None:
    state, _ = talk("caf", "1")
    state, (step,) = talk(text, state=state)
    assert state.phase is Phase.MENU and state.node is None and state.history == ()
    assert T.MENU_INTRO in says(step)


def test_recommencer_forgets_the_path() -> None:
    state, _ = talk("caf", "1")
    assert state.path
    state, (step,) = talk("recommencer", state=state)
    assert T.RESTARTED in says(step)
    assert state.phase is Phase.MENU and state.path == () and state.history == ()


@pytest.mark.parametrize(
    "text", ["quelqu'un", "quelquun", "humain", "je voudrais parler a quelqu'un svp", "qqn"]
)
def test_asking_for_someone_offers_a_person_then_hands_over(text: str) -> None:
    state, (_, offer) = talk("caf", text)
    assert state.phase is Phase.CONFIRM_HANDOVER
    assert T.OFFER_PERSON_QUESTION in says(offer)
    assert not of_type(offer.effects, HandOver)
    state, (step,) = talk("oui", state=state)
    handovers = of_type(step.effects, HandOver)
    assert handovers == [
        HandOver(priority=False, reason="asked", topic="caf", path=("caf:accueil",),
                 said=("caf", text, "oui"))
    ]
    assert state.phase is Phase.HANDOVER


def test_declining_a_person_goes_back_to_the_menu() -> None:
    state, (_, step) = talk("quelqu'un", "non")
    assert state.phase is Phase.MENU
    assert not of_type(step.effects, HandOver)


def test_two_misses_in_a_row_offer_a_person() -> None:
    state, (_, first, second) = talk("caf", "blabla", "xyzzy plop")
    assert T.NOT_UNDERSTOOD in says(first)
    assert T.OFFER_PERSON_QUESTION not in says(first)
    assert T.NOT_UNDERSTOOD_TWICE in says(second)
    assert T.OFFER_PERSON_QUESTION in says(second)
    assert state.phase is Phase.CONFIRM_HANDOVER and state.reason == "misses"
    state, (step,) = talk("oui", state=state)
    assert of_type(step.effects, HandOver) and state.phase is Phase.HANDOVER


def test_a_miss_then_an_answer_resets_the_count() -> None:
    state, _ = talk("caf", "blabla", "1", "blabla")
    assert state.phase is Phase.NODE and state.misses == 1


@pytest.mark.parametrize(
    "texts",
    [
        ("quel temps demain",),
        ("je veux une pizza",),
        ("quel temps demain", "je veux une pizza"),
        ("qui a gagné le match hier",),
        ("tu connais une bonne recette de couscous",),
        ("raconte moi une blague",),
    ],
)
def test_off_topic_never_enters_a_procedure(texts: tuple[str, ...]) -> None:
    state = started()
    for text in texts:
        step = ENGINE.step(state, text)
        state = step.state
        assert state.node is None, f"«{text}» entered {state.node}"
        assert not [o for o in of_type(step.effects, Outcome) if o.kind == "entered"]
        assert body(step)


def test_off_topic_in_a_procedure_is_not_understood() -> None:
    state, (_, step) = talk("caf", "je veux une pizza")
    assert state.node == "caf:accueil"
    assert T.NOT_UNDERSTOOD in says(step)


def test_first_message_with_sms_spelling_reaches_actualisation() -> None:
    step = ENGINE.step(State(), "jarrive pa a mactualiser sur pole emplois")
    assert isinstance(step.effects[0], Welcome)
    assert step.state.node == "france_travail:actualisation"
    assert step.state.phase is Phase.NODE
    assert Say(node("france_travail:actualisation").text) in step.effects


def test_stop_ends_the_conversation() -> None:
    state, (_, step) = talk("caf", "stop")
    assert End("stop") in step.effects
    assert Outcome("abandoned", "caf") in step.effects
    assert state.phase is Phase.MENU and state.node is None


def test_help_repeats_the_current_question() -> None:
    state, (_, step) = talk("caf", "aide")
    assert T.HELP in says(step)
    assert of_type(step.effects, Options)[0] == node_options(node("caf:accueil"))
    assert state.node == "caf:accueil"


def test_empty_message_asks_for_words() -> None:
    state, (step,) = talk("   ")
    assert T.EMPTY_MESSAGE in says(step)
    assert state.misses == 0


# --------------------------------------------------------------------------- answers


def _leaves() -> list[tuple[str, int, str]]:
    """(parent, option number, leaf) for every procedure answer node."""
    out: dict[str, tuple[str, int, str]] = {}
    for parent in TREE.nodes:
        for i, option in enumerate(parent.options, start=1):
            leaf = TREE.node(TREE.resolve(option, parent.topic))
            assert leaf is not None
            topic = TREE.topic(leaf.topic)
            assert topic is not None
            if not leaf.options and topic.kind is TopicKind.PROCEDURE:
                out.setdefault(leaf.key, (parent.key, i, leaf.key))
    return sorted(out.values(), key=lambda v: v[2])


LEAVES = _leaves()


def test_every_procedure_answer_is_reachable_by_an_option() -> None:
    procedures = {t.id for t in TREE.topics if t.kind is TopicKind.PROCEDURE}
    answers = {n.key for n in TREE.nodes if not n.options and n.topic in procedures}
    assert answers == {leaf for _, _, leaf in LEAVES}
    assert len(answers) >= 50


@pytest.mark.parametrize(("parent", "number", "leaf"), LEAVES, ids=lambda v: str(v))
def test_every_answer_asks_whether_it_helped(parent: str, number: int, leaf: str) -> None:
    step = ENGINE.step(State(phase=Phase.NODE, node=parent, started=True), str(number))
    assert step.state.node == leaf
    assert step.state.phase is Phase.CHECK
    assert says(step)[-1] == T.ASK_HELPED
    options = of_type(step.effects, Options)
    assert [c.label for c in options[-1].items] == [T.YES_HELPED, T.NO_HELPED]
    if node(leaf).ending is Ending.REFER:
        assert of_type(step.effects, ShowContact)
    assert "Est-ce que cela vous a aidé" in body(step)


def test_helped_yes_goes_to_the_menu_with_an_outcome() -> None:
    state, (*_, step) = talk("caf", "1", "1", "oui")
    assert Outcome("helped", "caf") in step.effects
    assert T.GLAD in says(step)
    assert state.phase is Phase.MENU


@pytest.mark.parametrize("answer", ["non", "2", "pas vraiment", "Non, pas vraiment"])
def test_helped_no_offers_a_person(answer: str) -> None:
    state, (*_, step) = talk("caf", "1", "1", answer)
    assert Outcome("not_helped", "caf") in step.effects
    assert state.phase is Phase.CONFIRM_HANDOVER and state.reason == "not_helped"
    state, (step,) = talk("oui", state=state)
    (handover,) = of_type(step.effects, HandOver)
    assert handover.priority is False and handover.reason == "not_helped"
    assert handover.topic == "caf"


def test_urgence_topic_hands_over_with_priority() -> None:
    number = next(i for i, t in enumerate(TREE.menu_topics(), start=1) if t.id == "urgence")
    state, (step,) = talk(str(number))
    (handover,) = of_type(step.effects, HandOver)
    assert handover.priority is True
    assert "112" in body(step)
    assert state.phase is Phase.HANDOVER


# --------------------------------------------------------------------------- distress


def _state_in(phase: Phase) -> State:
    """A realistic state in each phase, reached by talking (RATE is set by the router)."""
    if phase is Phase.MENU:
        state = started()
    elif phase is Phase.NODE:
        state, _ = talk("caf")
    elif phase is Phase.CHECK:
        state, _ = talk("caf", "1", "1")
    elif phase is Phase.CONFIRM_HANDOVER:
        state, _ = talk("caf", "quelqu'un")
    elif phase is Phase.HANDOVER:
        state, _ = talk("caf", "quelqu'un", "oui")
    elif phase is Phase.CHOOSE:
        state, _ = talk("le bouton franceconnect il demande ameli ou impot jai aucun des deux")
    elif phase is Phase.LANGUAGE:
        state, _ = talk("langue")
    elif phase is Phase.CONFIRM_FORGET:
        state, _ = talk("supprimer mes données")
    else:
        state = started().but(phase=phase)
    assert state.phase is phase
    return state


DISTRESS = [
    ("je veux mourir", T.DISTRESS_SUICIDE, "3114"),
    ("mon mari me frappe", T.DISTRESS_VIOLENCE, "3919"),
    ("je dors dehors ce soir", T.DISTRESS_SHELTER, "115"),
    ("jarrive pas a respirer", T.DISTRESS_MEDICAL, "15"),
    ("mon voisin frappe ses enfants", T.DISTRESS_CHILD, "119"),
]


@pytest.mark.parametrize("phase", list(Phase), ids=lambda p: p.value)
@pytest.mark.parametrize(("text", "category_text", "number"), DISTRESS, ids=lambda v: str(v)[:12])
def test_distress_in_every_phase(phase: Phase, text: str, category_text: str, number: str) -> None:
    state = _state_in(phase)
    step = ENGINE.step(state, text)
    said = says(step)
    assert T.DISTRESS_DANGER in said and category_text in said
    handovers = of_type(step.effects, HandOver)
    assert len(handovers) == 1
    assert handovers[0].priority is True and handovers[0].reason == "distress"
    assert handovers[0].distress is not None
    assert [o.kind for o in of_type(step.effects, Outcome)] == ["distress"]
    text_out = body(step)
    assert "112" in text_out and number in text_out
    assert step.state.phase is Phase.HANDOVER and step.state.priority
    if phase is Phase.HANDOVER:
        assert Relay(text) in step.effects  # the mediator reads it too


def test_distress_as_the_very_first_message() -> None:
    step = ENGINE.step(State(), "je veux en finir ce soir")
    assert isinstance(step.effects[0], Welcome)
    assert T.DISTRESS_DANGER in says(step)
    assert of_type(step.effects, HandOver)[0].priority is True


# --------------------------------------------------------------------------- handover


def test_during_a_handover_the_bot_only_relays() -> None:
    state = _state_in(Phase.HANDOVER)
    step = ENGINE.step(state, "voila ma question sur la caf")
    assert step.effects == (Relay("voila ma question sur la caf"),)
    assert step.state.phase is Phase.HANDOVER
    for text in ("menu", "1", "retour", "quelqu'un"):
        assert ENGINE.step(state, text).effects == (Relay(text),)


@pytest.mark.parametrize("text", ["stop", "STOP", "fin", "au revoir"])
def test_stop_during_a_handover_ends_it(text: str) -> None:
    state = _state_in(Phase.HANDOVER)
    step = ENGINE.step(state, text)
    ends = of_type(step.effects, End)
    assert ends == [End("person_stopped")]
    assert not of_type(step.effects, Relay)
    assert step.state.phase is Phase.MENU
    assert body(step)


# --------------------------------------------------------------------------- forget me


@pytest.mark.parametrize("text", ["supprimer mes données", "oublie-moi", "Oubliez-moi", "forget me"])
def test_forget_me_asks_then_forgets(text: str) -> None:
    state, (_, _, ask) = talk("caf", "1", text)
    assert not of_type(ask.effects, Forget)
    assert T.FORGET_QUESTION in says(ask)
    assert state.phase is Phase.CONFIRM_FORGET
    state, (done,) = talk("oui", state=state)
    assert of_type(done.effects, Forget) == [Forget()]
    assert T.FORGET_DONE in says(done)
    assert state.said == () and state.path == () and state.history == ()
    assert state.phase is Phase.MENU


def test_forget_me_cancelled() -> None:
    state, (_, step) = talk("supprimer mes données", "non")
    assert not of_type(step.effects, Forget)
    assert T.FORGET_CANCELLED in says(step)
    assert state.phase is Phase.MENU


def test_the_welcome_tells_the_word_that_forgets() -> None:
    message = render(ENGINE.start(State()).effects)
    assert message is not None and "oublie-moi" in message.body
    assert command_of("oublie-moi") is Command.FORGET


# --------------------------------------------------------------------------- choose, language


def test_ambiguous_message_asks_which_then_takes_the_number() -> None:
    state = _state_in(Phase.CHOOSE)
    assert len(state.choices) >= 2
    first = state.choices[0]
    state, (step,) = talk("1", state=state)
    assert state.phase is Phase.NODE
    entry = TREE.entry(first[:-1])
    expected = entry.key if entry is not None and first.endswith(":") else first
    assert state.node == expected
    assert of_type(step.effects, Outcome)


def test_language_choice() -> None:
    state, (ask, step) = talk("langue", "2")
    assert T.LANGUAGE_QUESTION in says(ask)
    assert SetLocale("en") in step.effects
    assert state.locale == "en" and state.phase is Phase.MENU


def test_rate_after_a_handover() -> None:
    state = started().but(phase=Phase.RATE)
    step = ENGINE.step(state, "4")
    assert Outcome("rated", score=4) in step.effects
    assert step.state.phase is Phase.MENU


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("text", "cmd"),
    [
        ("menu", Command.MENU), ("Menu !", Command.MENU), ("retour", Command.BACK),
        ("recommencer", Command.RESTART), ("quelqu'un", Command.HUMAN),
        ("je veux parler à un humain", Command.HUMAN), ("stop", Command.STOP),
        ("langue", Command.LANGUAGE), ("supprimer mes données", Command.FORGET),
        ("?", Command.HELP), ("bonjour", Command.GREETING), ("merci", Command.THANKS),
        ("caf", None), ("je ne veux pas de menu compliqué", None),
    ],
)  # fmt: skip
def test_command_of(text: str, cmd: Command | None) -> None:
    assert command_of(text) is cmd


@pytest.mark.parametrize(
    ("text", "answer"),
    [("oui", True), ("OUI !", True), ("ouais", True), ("d'accord", True), ("1", True),
     ("non", False), ("nan", False), ("pas vraiment", False), ("2", False),
     ("peut-être", None), ("", None)],
)
def test_yes_no(text: str, answer: bool | None) -> None:
    assert yes_no(text) is answer


# --------------------------------------------------------------------------- state storage


def _states() -> list[State]:
    out = [State(), started()]
    out += [_state_in(p) for p in Phase]
    out.append(talk("caf", "1", "1", "non")[0])
    out.append(State(locale="ar", said=("é\u200b", "😭" * 3, '"quote"\n'), priority=True))
    return out


@pytest.mark.parametrize("state", _states(), ids=lambda s: s.phase.value)
def test_state_json_round_trip(state: State) -> None:
    assert State.from_json(state.to_json()) == state


@pytest.mark.parametrize(
    "raw",
    ["", "garbage", "null", "[]", "42", '"menu"', "{", '{"phase": "nope"}',
     '{"misses": "x"}', '{"history": 5}', '{"phase": 3}'],
)
def test_from_json_of_garbage_gives_a_fresh_state(raw: str) -> None:
    assert State.from_json(raw) == State()


@pytest.mark.parametrize("raw", ['{"misses": 1e400}', '{"misses": Infinity}'])
def test_from_json_of_huge_numbers_gives_a_fresh_state(raw: str) -> None:
    # BUG (bot/dialogue/model.py, State.from_json): int(float('inf')) raises OverflowError,
    # which the except clause does not list, so from_json raises instead of starting afresh.
    assert State.from_json(raw) == State()


@pytest.mark.parametrize(
    "raw",
    ['{"phase": "node", "node": 5}', '{"node": ["caf:accueil"]}',
     '{"phase": "choose", "choices": [1, 2]}'],
)
def test_a_stored_state_with_wrong_types_never_breaks_a_step(raw: str) -> None:
    # BUG (bot/dialogue/model.py, State.from_json): field types are not checked, so a stored
    # {"node": 5} gives State(node=5) and engine._topic_of calls 5.split() -> AttributeError,
    # even on a distress message. Either from_json returns State() or step copes.
    state = State.from_json(raw)
    for text in ("stop", "je veux mourir", "1", "blabla"):
        step = ENGINE.step(state, text)
        assert step.effects


def test_a_stale_choice_after_a_dialogue_update_never_breaks_a_step() -> None:
    # BUG (bot/dialogue/engine.py, _at_choose, `assert topic is not None`): a state stored
    # while choices were offered names a topic that a new dialogue deployment removed; the
    # person answers "1" and the engine raises AssertionError instead of showing the menu.
    state = State(phase=Phase.CHOOSE, choices=("ancien_sujet:", "caf:"), started=True)
    step = ENGINE.step(state, "1")
    assert step.effects
    assert step.state.phase in (Phase.MENU, Phase.NODE)


def test_a_stale_node_after_a_dialogue_update_shows_the_menu() -> None:
    state = State(phase=Phase.NODE, node="caf:ancien_noeud", started=True)
    step = ENGINE.step(state, "1")
    assert step.effects
    assert body(step)

"""The replies every phase of the engine repeats: the menu, a node's choices, "did this help?",
the offer of a person, the list of languages, and the prompt of the current phase.

Written once here so a wording or an order of choices changes in one place for every phase;
each function returns plain effects (no state, no I/O).
"""

from __future__ import annotations

from bot.dialogue import texts as T
from bot.dialogue.commands import LOCALES
from bot.dialogue.model import Choice, Effect, Node, Options, Phase, Say, State, Topic
from bot.dialogue.routing import Routing

MAX_SAID = 20  # messages kept for the ticket, until the handover


def menu_effects(menu: tuple[Topic, ...]) -> tuple[Effect, ...]:
    items = tuple(Choice(i, t.title) for i, t in enumerate(menu, start=1))
    return (Say(T.MENU_INTRO), Options(items), Say(T.MENU_HINT))


def node_options(node: Node) -> Options:
    return Options(tuple(Choice(i, o.label) for i, o in enumerate(node.options, start=1)))


def yes_no_options(yes: str, no: str) -> Options:
    return Options((Choice(1, yes), Choice(2, no)))


def check_effects() -> tuple[Effect, ...]:
    return (Say(T.ASK_HELPED), yes_no_options(T.YES_HELPED, T.NO_HELPED))


def offer_effects() -> tuple[Effect, ...]:
    return (Say(T.OFFER_PERSON), Say(T.OFFER_PERSON_QUESTION),
            yes_no_options(T.YES_PERSON, T.NO_PERSON))


def forget_question() -> tuple[Effect, ...]:
    return (Say(T.FORGET_QUESTION), yes_no_options(T.YES, T.NO))


def languages() -> Options:
    return Options(tuple(Choice(i, name) for i, (_, name) in enumerate(LOCALES, start=1)),
                   footer=False)


def choose_effects(routing: Routing, choices: tuple[str, ...]) -> tuple[Effect, ...]:
    items = tuple(Choice(i, routing.choice_label(c)) for i, c in enumerate(choices, start=1))
    return (Say(T.CHOOSE_WHICH), Options(items))


def current_prompt(state: State, routing: Routing) -> tuple[Effect, ...]:
    """What the phase is waiting for, asked again (after help, a greeting, a miss)."""
    if state.phase is Phase.NODE and state.node:
        node = routing.tree.node(state.node)
        if node is not None and node.options:
            return (node_options(node),)
    if state.phase is Phase.CHECK:
        return check_effects()
    if state.phase is Phase.CONFIRM_HANDOVER:
        return offer_effects()
    if state.phase is Phase.CHOOSE and state.choices:
        return choose_effects(routing, state.choices)
    if state.phase is Phase.LANGUAGE:
        return (Say(T.LANGUAGE_QUESTION), languages())
    if state.phase is Phase.CONFIRM_FORGET:
        return forget_question()
    if state.phase is Phase.RATE:
        return (Say(T.RATE_QUESTION),)
    return menu_effects(routing.menu)


def topic_of(state: State) -> str | None:
    if state.node:
        return state.node.split(":", 1)[0]
    return None


def remember(state: State, text: str) -> State:
    """Keep what the person wrote for the ticket: mediators read it when they take over."""
    clipped = text.strip()[:500]
    if not clipped:
        return state
    return state.but(said=(*state.said, clipped)[-MAX_SAID:])

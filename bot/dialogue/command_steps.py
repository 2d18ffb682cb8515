"""What the words that work everywhere do ("menu", "retour", "stop", "langue"…), one small
handler per command, and the few words the bot still answers during a handover.

The words themselves are in ``bot/dialogue/commands.py``; the engine asks here once it knows
a message is a command, so each command's behaviour reads on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.dialogue import texts as T
from bot.dialogue.commands import (
    LANGUAGE_CHOICES,
    LOCALE_WORDS,
    LOCALES,
    Command,
    command_of,
    locale_named,
)
from bot.dialogue.concern import FROM_HANDOVER
from bot.dialogue.matching import normalise, option_number
from bot.dialogue.model import End, Outcome, Phase, Relay, Say, State, Step
from bot.dialogue.replies import current_prompt, forget_question, menu_effects, topic_of

if TYPE_CHECKING:
    from bot.dialogue.engine import Engine

Handler = Callable[["Engine", State], Step]


def _menu(engine: Engine, state: State) -> Step:
    return Step(state.but(phase=Phase.MENU, node=None, history=(), misses=0),
                menu_effects(engine.menu))


def _restart(engine: Engine, state: State) -> Step:
    return Step(
        state.but(phase=Phase.MENU, node=None, history=(), misses=0, path=(), said=()),
        (Say(T.RESTARTED), *menu_effects(engine.menu)),
    )


def _back(engine: Engine, state: State) -> Step:
    if state.phase in (Phase.CHECK, Phase.CHOOSE, Phase.CONFIRM_HANDOVER) and state.node:
        node = engine.tree.node(state.node)
        if node is not None and node.options:
            return engine.show(state.but(misses=0), node)
    if not state.history:
        if state.phase is Phase.MENU:
            return Step(state, (Say(T.BACK_AT_START), *menu_effects(engine.menu)))
        return Step(state.but(phase=Phase.MENU, node=None, misses=0), menu_effects(engine.menu))
    previous = engine.tree.node(state.history[-1])
    if previous is None:
        return Step(state.but(phase=Phase.MENU, node=None, history=()),
                    menu_effects(engine.menu))
    return engine.show(state.but(history=state.history[:-1], misses=0), previous)


def _human(engine: Engine, state: State) -> Step:
    return engine.offer_person(state, "asked")


def _stop(engine: Engine, state: State) -> Step:
    said = (Say(T.STOPPED), End("stop"))
    return Step(state.but(phase=Phase.MENU, node=None, history=(), misses=0),
                (Outcome("abandoned", topic_of(state)), *said) if state.node else said)


def _language(engine: Engine, state: State) -> Step:
    return engine.ask_language(state)


def _forget(engine: Engine, state: State) -> Step:
    return Step(state.but(phase=Phase.CONFIRM_FORGET), forget_question())


def _help(engine: Engine, state: State) -> Step:
    return Step(state, (Say(T.HELP), *current_prompt(state, engine.routing)))


def _greeting(engine: Engine, state: State) -> Step:
    if state.phase is Phase.MENU:
        return Step(state.but(misses=0), (Say(T.GREETING), *menu_effects(engine.menu)))
    return Step(state, (Say(T.GREETING), *current_prompt(state, engine.routing)))


def _thanks(engine: Engine, state: State) -> Step:
    return Step(state, (Say(T.THANKS), Say(T.FOOTER)))


TABLE: dict[Command, Handler] = {
    Command.MENU: _menu,
    Command.RESTART: _restart,
    Command.BACK: _back,
    Command.HUMAN: _human,
    Command.STOP: _stop,
    Command.LANGUAGE: _language,
    Command.FORGET: _forget,
    Command.HELP: _help,
    Command.GREETING: _greeting,
    Command.THANKS: _thanks,
}


def in_handover(engine: Engine, state: State, text: str) -> Step:
    """With a person, the bot keeps only "stop", "langue" and erasure; the rest is relayed."""
    cmd = command_of(text)
    if cmd is Command.STOP:
        return Step(
            state.but(phase=Phase.MENU, node=None, history=(), reason="", priority=False),
            (End("person_stopped"), Say(T.HANDOVER_ENDED), *menu_effects(engine.menu)),
        )
    if cmd is Command.LANGUAGE:
        return engine.ask_language(state)
    if cmd is Command.FORGET:  # the right to erasure holds during a handover too
        return Step(state.but(phase=Phase.CONFIRM_FORGET, reason=FROM_HANDOVER),
                    forget_question())
    if state.choices == LANGUAGE_CHOICES:
        state = state.but(choices=())
        n = option_number(text, len(LOCALES))
        if n is not None:
            return engine.set_locale(state, LOCALES[n - 1][0])
    code = locale_named(text) if len(normalise(text).split()) <= 2 else None
    if code is not None and code != state.locale and normalise(text) in LOCALE_WORDS:
        return engine.set_locale(state, code)
    return Step(state, (Relay(text),))

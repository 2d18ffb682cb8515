"""The language decision: which language a message is answered in (pure, no I/O).

- The first message is answered in the language it is written in (Arabic script, clear
  English), or in the one it names ("english", "العربية"), with a word saying so.
- Later, a language named switches the conversation; "langue" or "je parle pas français"
  lists the languages (in a handover the mediator still gets the message).
- Distress comes first, always: it is answered in the language named, and nothing else of
  the language request happens.

Detection itself (words, scripts) is in `bot/language.py`; this module only decides.
"""

from __future__ import annotations

from bot import language
from bot.dialogue import texts as T
from bot.dialogue.engine import Engine
from bot.dialogue.model import Effect, Outcome, Phase, Say, State, Step

#: Locales a first message may switch to by itself (French is the default).
DETECTABLE = ("en", "ar")


def step(engine: Engine, state: State, text: str) -> Step:
    """The engine's step for `text`, with the language policy applied."""
    asked = language.requested_locale(text)
    named = asked if asked is not None and asked != "ask" else None
    if not state.started:
        return first_step(engine, state, text, named, asked == "ask")
    if state.phase is Phase.LANGUAGE or (named is None and asked != "ask"):
        return engine.step(state, text)
    if named == state.locale:
        return engine.step(state, text)
    # a language named or asked for; distress comes first, in the language named
    plain = engine.step(state.but(locale=named) if named else state, text)
    if is_distress(plain):
        return plain
    if named is not None:
        return engine.set_locale(state, named)
    listed = engine.ask_language(state)
    if state.phase is Phase.HANDOVER:  # "je parle pas français" is for the mediator too
        return Step(listed.state, (*plain.effects, *listed.effects))
    return listed


def first_step(engine: Engine, state: State, text: str, named: str | None, ask: bool) -> Step:
    """The first message: answer in the language it is written in, or the one it names."""
    detected = named or language.detect(text)
    prefix: tuple[Effect, ...] = ()
    if detected in DETECTABLE and detected != state.locale:
        state = state.but(locale=detected)
        prefix = (Say(T.LANGUAGE_DETECTED),)
    result = engine.step(state, text)
    if not is_distress(result):
        if named is not None:  # "english", "العربية": the welcome and the menu
            result = engine.start(state)
        elif ask:  # "je parle pas français": the welcome and the list of languages
            result = engine.ask_language(state)
            prefix = ()
    if prefix:
        result = Step(result.state, (*result.effects[:1], *prefix, *result.effects[1:]))
    return result


def is_distress(result: Step) -> bool:
    return any(isinstance(e, Outcome) and e.kind == "distress" for e in result.effects)

"""What the engine answers to a sign of distress, before anything else the message may say.

A clear alarm gets the emergency numbers and a priority handover (or raises the ticket when a
person is already there); a weak sign gets a gentle word and a person on offer, while the
procedure question is still answered, since it is often why the person wrote.
The detection itself is in ``bot/dialogue/safety/`` (rules) and the understanding layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue import texts as T
from bot.dialogue.commands import free_text_like
from bot.dialogue.model import Effect, HandOver, Outcome, Phase, Relay, Say, State, Step, Welcome
from bot.dialogue.replies import check_effects, remember, topic_of
from bot.dialogue.safety import Alert, Distress
from bot.understanding.ensemble import Level, Understanding
from bot.understanding.signals import laughing

if TYPE_CHECKING:
    from bot.dialogue.engine import Engine

_CATEGORY = {d.value: d for d in Distress}

_DISTRESS_TEXT = {
    Distress.SUICIDE: T.DISTRESS_SUICIDE,
    Distress.VIOLENCE: T.DISTRESS_VIOLENCE,
    Distress.CHILD: T.DISTRESS_CHILD,
    Distress.SHELTER: T.DISTRESS_SHELTER,
    Distress.MEDICAL: T.DISTRESS_MEDICAL,
}

FROM_HANDOVER = "forget_during_handover"  # State.reason while confirming erasure mid-handover


def read_safety(understanding: Understanding | None, text: str, rule: Alert | None,
                world: Alert | None) -> tuple[Alert | None, bool]:
    """(the alarm, if any; whether to ask gently): the rules (``rule``; ``world``: the phrases
    of languages the bot does not serve), then the classifier and the figurative check."""
    if rule is None and world is not None:
        # the classifier has hardly seen these languages: only laughter may lower them
        return (None, True) if laughing(text) else (world, False)
    if understanding is None or not free_text_like(text):
        return rule, False
    reading = understanding.safety(text, rule_hit=rule is not None)
    if reading.level is Level.ALARM:
        if rule is None:
            category = _CATEGORY.get(reading.category or "", Distress.OTHER)
            rule = Alert((category,))
        return rule, False
    return None, reading.level is Level.GENTLE


def concern_applies(state: State) -> bool:
    """Not while erasure is being confirmed (its yes/no comes first), and not twice in a row:
    once a person has been offered for a concern, the next message is the answer to it."""
    if state.phase is Phase.CONFIRM_FORGET:
        return False
    return not (state.phase is Phase.CONFIRM_HANDOVER and state.reason == "concern")


def distress_step(engine: Engine, state: State, text: str, alert: Alert,
                  language: str | None = None) -> Step:
    effects: list[Effect] = []
    if not state.started:
        effects.append(Welcome())
    effects.append(Say(T.DISTRESS_INTRO))
    effects.append(Say(T.DISTRESS_DANGER))
    if language is not None and state.locale != "en":
        effects.append(Say(T.DISTRESS_IN_ENGLISH))
    for category in alert.categories:
        if category in _DISTRESS_TEXT:
            effects.append(Say(_DISTRESS_TEXT[category]))
    effects.append(Outcome("distress", topic_of(state)))
    state = remember(state.but(started=True), text)
    if state.phase is Phase.HANDOVER:
        # already with a person: raise the ticket's priority and relay the message
        effects.append(HandOver(priority=True, reason="distress", topic=topic_of(state),
                                distress=alert.main.value, language=language))
        effects.append(Relay(text))
        return Step(state.but(priority=True, said=()), tuple(effects))
    handover = engine.hand_over(state, "distress", priority=True, distress=alert.main,
                                language=language)
    return Step(handover.state, (*effects, *handover.effects))


def concern_step(engine: Engine, state: State, text: str, *, offer: bool = True) -> Step:
    """A weak sign of distress: a gentle word and the numbers first, a person on offer,
    and the procedure question still answered (it is often why the person wrote).

    ``offer=False`` (the classifier's middle tier, a figure of speech set aside): the
    gentle word and how to reach a person, without asking a yes/no question first."""
    prefix: list[Effect] = [] if state.started else [Welcome()]
    prefix.append(Say(T.CONCERN_INTRO))
    state = remember(state.but(started=True), text)
    if not offer:  # the gentle word, then exactly what the message would have had
        answer = engine.dispatch(state, text)
        answered = (Say(T.CONCERN_ANSWER),) if answer.state.node else ()
        return Step(answer.state, (*prefix, *answered, *answer.effects,
                                   Say(T.CONCERN_PERSON_HINT)))
    route = engine.route(text)
    if route.topic is None or route.node is None:
        offered = engine.offer_person(state, "concern")
        return Step(offered.state, (*prefix, *offered.effects))
    answer = engine.free_text(state.but(phase=Phase.MENU, node=None), text)
    phase = answer.state.phase
    if phase is Phase.CHECK:
        # "did this help?" gives way to the offer of a person
        checks = check_effects()
        kept = tuple(e for e in answer.effects if e not in checks)
        offered = engine.offer_person(answer.state, "concern")
        return Step(offered.state, (*prefix, Say(T.CONCERN_ANSWER), *kept, *offered.effects))
    if phase is Phase.CONFIRM_HANDOVER:  # the topic offers a person: say why
        return Step(answer.state.but(reason="concern"), (*prefix, *answer.effects))
    if phase is Phase.HANDOVER:  # an urgent topic has already called a person
        return Step(answer.state, (*prefix, *answer.effects))
    # a node with choices: its numbers stay the person's, "quelqu'un" reaches a person
    return Step(answer.state, (*prefix, Say(T.CONCERN_ANSWER), *answer.effects,
                               Say(T.CONCERN_PERSON_HINT)))

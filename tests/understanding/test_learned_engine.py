"""The engine as the bot runs it: rules, keywords and the classifier together."""

from __future__ import annotations

import pytest

from bot.dialogue import texts as T
from bot.dialogue.engine import Engine
from bot.dialogue.model import HandOver, Phase, Say, State
from bot.dialogue.safety_world import detect_world
from bot.understanding.signals import laughing, scam


def _said(step: object) -> list[str]:
    return [e.text for e in step.effects if isinstance(e, Say)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("text, language", [
    ("no quiero vivir mas, estoy sola", "es"),
    ("meu marido me bate todos os dias", "pt"),
    ("kaydrbni rajli kol nhar", "darija"),
    ("Я не хочу жити", "ru/uk"),
    ("vreau sa mor", "ro"),
    ("intihar etmek istiyorum", "tr"),
    ("mi vé pu viv", "creole"),
])
def test_distress_in_a_language_the_bot_does_not_serve(
        learned_engine: Engine, text: str, language: str) -> None:
    assert detect_world(text) is not None
    step = learned_engine.step(State(), text)
    handovers = [e for e in step.effects if isinstance(e, HandOver)]
    assert handovers and handovers[0].priority
    assert handovers[0].language == language  # the ticket says it
    assert T.DISTRESS_IN_ENGLISH in _said(step)  # the numbers in English too
    assert T.DISTRESS_DANGER in _said(step)


def test_french_distress_has_no_english_line(learned_engine: Engine) -> None:
    step = learned_engine.step(State(), "je veux mourir ce soir")
    assert step.state.phase is Phase.HANDOVER
    assert T.DISTRESS_IN_ENGLISH not in _said(step)


@pytest.mark.parametrize("text", [
    "ce site va me tuer 😂😂",
    "mdr jsuis mort de rire",
])
def test_a_joke_is_never_an_alarm_and_never_silence_when_a_rule_fires(
        learned_engine: Engine, text: str) -> None:
    assert laughing(text)
    step = learned_engine.step(State(), text)
    assert not any(isinstance(e, HandOver) and e.priority for e in step.effects)


@pytest.mark.parametrize("text", [
    "j'ai reçu un sms de la caf qui me demande mon code, c'est vrai ?",
    "un mail ameli me demande ma carte bancaire pour renouveler ma carte vitale",
    "sms ants amende a payer avec un lien c normal ?",
])
def test_scams_go_to_the_scams_topic_whoever_they_name(
        learned_engine: Engine, text: str) -> None:
    assert scam(text)
    route = learned_engine.route(text)
    assert route.topic == "arnaques"


@pytest.mark.parametrize("text", [
    "je n'ai pas reçu le code de la caf par sms",
    "la caf me demande de rembourser un trop perçu",
])
def test_not_every_code_or_payment_is_a_scam(learned_engine: Engine, text: str) -> None:
    assert not scam(text)
    assert learned_engine.route(text).topic == "caf"


def test_numbers_and_commands_are_not_read_by_the_classifier(learned_engine: Engine) -> None:
    state = learned_engine.step(State(), "caf").state
    for text in ("1", "retour", "oui", "menu"):
        step = learned_engine.step(state, text)
        assert not any(isinstance(e, HandOver) for e in step.effects), text

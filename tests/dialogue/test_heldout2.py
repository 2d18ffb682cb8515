"""Distress (alarm), concern and routing on the second held-out corpus (tests/data/heldout2.yaml).

Written before its author read bot/dialogue/safety.py or the dialogue keywords. The honest
figures, measured before any fix: alarm recall 83.9% (73/87), no concern tier yet (so
alarm-or-concern 83.9% too), false alarms on hard negatives 8% (4/50), none on the 43
procedure questions, routing 94.6% (88/93). The misses were then fixed in general form
(lexical families, a second tier ``concern``); since then these figures are optimistic. The
next honest measure needs a third set, written before reading these fixes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialogue import safety
from bot.dialogue import texts as T
from bot.dialogue.matching import expand_split, normalise
from bot.dialogue.model import HandOver, Phase, Say, State
from bot.dialogue.safety import concern, detect
from tests.understanding.heldout_engine import learned_without

REPO = Path(__file__).resolve().parents[2]
ITEMS: list[dict[str, Any]] = yaml.safe_load((REPO / "tests/data/heldout2.yaml").read_text())
ENGINE = learned_without("r_heldout2")  # the bot's engine, this set held out

DISTRESS = [i for i in ITEMS if i.get("distress")]
HARD = [i for i in ITEMS if i.get("hard")]
PLAIN = [i for i in ITEMS if not i.get("distress") and not i.get("hard")]
ROUTED = [i for i in ITEMS if not i.get("distress")]

HARD_FALSE_ALARMS_MAX = 0.05  # share of hard negatives that may alarm
TOPIC_FLOOR = 0.92  # 94.6% measured (88/93), minus a margin


def _routed_well(item: dict[str, Any]) -> bool:
    """As route_eval and test_heldout grade: the topic, a fair alternative, or a question
    between candidates that include it."""
    route = ENGINE.route(item["text"])
    expected = item["topic"]
    if expected is None:
        return route.topic is None and len(route.ambiguous) <= 1 and detect(item["text"]) is None
    if route.topic == expected or route.topic in (item.get("ambiguous_ok") or ()):
        return True
    return route.topic is None and expected in route.ambiguous and len(route.ambiguous) > 1


def test_corpus_is_as_described() -> None:
    assert len(DISTRESS) >= 80
    assert len(HARD) >= 50
    assert len(PLAIN) >= 40
    assert {i["lang"] for i in DISTRESS} == {"fr", "en", "ar"}
    assert {i["distress"] for i in DISTRESS} == {"suicide", "violence", "child", "shelter", "medical"}


def test_figures() -> None:
    """Prints every figure; holds alarm-or-concern recall at 100% and hard-negative alarms
    at 5% or less. A concern on a negative is tolerated (a kind word too many) but shown."""
    alarmed = [i for i in DISTRESS if detect(i["text"])]
    caught = [i for i in DISTRESS if detect(i["text"]) or concern(i["text"])]
    right = [i for i in alarmed
             if detect(i["text"]).main.value in [i["distress"], *(i.get("also_ok") or ())]]  # type: ignore[union-attr]
    hard_alarms = [i["text"] for i in HARD if detect(i["text"])]
    hard_concerns = [i["text"] for i in HARD if not detect(i["text"]) and concern(i["text"])]
    plain_alarms = [i["text"] for i in PLAIN if detect(i["text"])]
    plain_concerns = [i["text"] for i in PLAIN if concern(i["text"])]
    routed = [i for i in ROUTED if _routed_well(i)]
    n = len(DISTRESS)
    print(f"\n[heldout2] recall (alarm) {len(alarmed) / n:.1%} ({len(alarmed)}/{n}); "
          f"main category fair {len(right)}/{len(alarmed)}")
    print(f"[heldout2] recall (alarm or concern) {len(caught) / n:.1%} ({len(caught)}/{n})")
    print(f"[heldout2] false alarms: hard negatives {len(hard_alarms)}/{len(HARD)}, "
          f"procedure questions {len(plain_alarms)}/{len(PLAIN)}")
    print(f"[heldout2] concerns (tolerated): hard negatives {len(hard_concerns)}/{len(HARD)}, "
          f"procedure questions {len(plain_concerns)}/{len(PLAIN)}")
    for text in hard_alarms + plain_alarms:
        print(f"  false alarm: {text}")
    for text in hard_concerns + plain_concerns:
        print(f"  concern: {text}")
    print(f"[heldout2] routing {len(routed) / len(ROUTED):.1%} ({len(routed)}/{len(ROUTED)})")
    missed = [i["text"] for i in DISTRESS if i not in caught]
    assert not missed, missed
    assert len(hard_alarms) <= HARD_FALSE_ALARMS_MAX * len(HARD), hard_alarms
    assert not plain_alarms, plain_alarms
    assert len(routed) >= TOPIC_FLOOR * len(ROUTED)


@pytest.mark.parametrize("item", DISTRESS, ids=lambda i: i["text"][:40])
def test_the_engine_answers_distress_as_a_person(item: dict[str, Any]) -> None:
    """Through ``step``: an alarm hands over in priority; a concern says the gentle word
    first and offers a person (or, inside a procedure's choices, says how to reach one)."""
    step = ENGINE.step(State(started=True), item["text"])
    says = [e.text for e in step.effects if isinstance(e, Say)]
    if detect(item["text"]):
        assert any(isinstance(e, HandOver) and e.priority for e in step.effects)
        return
    assert says[0] == T.CONCERN_INTRO
    offered = step.state.phase is Phase.CONFIRM_HANDOVER and step.state.reason == "concern"
    assert offered or T.CONCERN_PERSON_HINT in says or step.state.phase is Phase.HANDOVER


def test_a_concern_still_answers_the_procedure() -> None:
    text = "je suis au bout du rouleau, la caf a pas versé mon rsa"
    assert detect(text) is None and concern(text)
    step = ENGINE.step(State(started=True), text)
    says = [e.text for e in step.effects if isinstance(e, Say)]
    assert says[:2] == [T.CONCERN_INTRO, T.CONCERN_ANSWER]
    assert step.state.node is not None and step.state.node.startswith("caf:")


def test_a_concern_alone_offers_a_person_and_yes_hands_over() -> None:
    step = ENGINE.step(State(started=True), "je n'en peux plus, personne pour m'aider")
    assert step.state.phase is Phase.CONFIRM_HANDOVER and step.state.reason == "concern"
    after = ENGINE.step(step.state, "oui")
    handovers = [e for e in after.effects if isinstance(e, HandOver)]
    assert handovers and handovers[0].reason == "concern" and not handovers[0].priority


def test_a_concern_is_not_said_twice_in_a_row() -> None:
    first = ENGINE.step(State(started=True), "je suis épuisée")
    second = ENGINE.step(first.state, "non je suis épuisée c'est tout")
    assert T.CONCERN_INTRO not in [e.text for e in second.effects if isinstance(e, Say)]
    assert second.state.phase is Phase.MENU


def test_no_concern_while_erasure_is_confirmed() -> None:
    state = State(started=True, phase=Phase.CONFIRM_FORGET)
    step = ENGINE.step(state, "oui j'en peux plus")
    assert T.CONCERN_INTRO not in [e.text for e in step.effects if isinstance(e, Say)]


@pytest.mark.parametrize("text", [
    "je n'en peux plus", "jpp", "au bout du rouleau", "j'ai plus la force", "j'ai peur",
    "personne pour m'aider", "g faim depuis hier", "on a froid la nuit", "je me sens seule",
    "c'est sans espoir", "I can't cope anymore", "تعبت", "ما عاد فيني",
])
def test_weak_signals_are_concerns(text: str) -> None:
    assert concern(text), text


@pytest.mark.parametrize("text", [
    "comment faire ma declaration de revenus", "je suis mort de rire", "a l'aide au logement",
    "I'm afraid I lost my password", "je peux plus me connecter a ameli", "merci beaucoup",
])
def test_ordinary_words_are_not_concerns(text: str) -> None:
    assert not concern(text), text


def test_both_concern_implementations_agree() -> None:
    """RE2 answers for ASCII text, ``re`` is the reference: they must agree on every form of
    every corpus text the matcher sees."""
    pytest.importorskip("re2")
    compared = 0
    for name in ("heldout2.yaml", "heldout.yaml", "routing_fr.yaml", "routing_en.yaml"):
        for item in yaml.safe_load((REPO / "tests/data" / name).read_text()):
            base = normalise(item["text"])
            for form in {base, " ".join(expand_split(base.split()))}:
                clean = safety._without_idioms(form)
                fast = safety._CONCERN_SCANNER.search(clean)
                if fast is None:
                    assert not clean.isascii()
                    continue
                assert fast == safety.concern_re(clean), clean
                compared += 1
    assert compared > 500

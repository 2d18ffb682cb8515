"""Routing and distress detection on the held-out corpus (tests/data/heldout.yaml).

That corpus was written before its author read the keywords or the distress patterns, so the
first figures it gave were honest: topic 91.8% (157/171), distress recall 73.3% (33/45), false
alarms 4/171 (3 of 32 hard negatives). The misses were then fixed in general form; since then
these figures are optimistic too, like those of the tuning corpora. A fresh held-out set is the
only honest measure: write one before reading the fixes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialogue.model import Phase, State
from bot.dialogue.safety import detect
from tests.understanding.heldout_engine import learned_without

REPO = Path(__file__).resolve().parents[2]
ITEMS: list[dict[str, Any]] = yaml.safe_load((REPO / "tests/data/heldout.yaml").read_text())
ENGINE = learned_without("r_heldout")  # the bot's engine, this set held out

# The accuracy measured after the fixes (98.8%, 169/171) minus 3 points, rounded down.
TOPIC_FLOOR = 0.95
# Hard negatives (idioms, admin urgency) that may alarm: a false alarm costs a mediator a
# minute, so a few are tolerated; 0/32 when set.
HARD_FALSE_ALARMS_MAX = 2

DISTRESS = [i for i in ITEMS if i.get("distress")]
ROUTED = [i for i in ITEMS if not i.get("distress")]
HARD = [i for i in ROUTED if i.get("hard")]


def _routed_well(item: dict[str, Any]) -> bool:
    """As tests/dialogue/test_routing.py grades: the topic, a fair alternative, or a question
    between candidates that include it; an off-topic message must neither route nor alarm."""
    route = ENGINE.route(item["text"])
    expected = item["topic"]
    if expected is None:
        return (route.topic is None or route.topic in (item.get("ambiguous_ok") or ())) \
            and len(route.ambiguous) <= 1 and detect(item["text"]) is None
    if route.topic == expected or route.topic in (item.get("ambiguous_ok") or ()):
        return True
    return route.topic is None and expected in route.ambiguous and len(route.ambiguous) > 1


def test_corpus_is_as_described() -> None:
    assert len(ITEMS) >= 150
    assert len(DISTRESS) >= 40
    assert len(HARD) >= 30
    assert {i["lang"] for i in DISTRESS} == {"fr", "en", "ar"}


def test_heldout_routing_accuracy() -> None:
    bad = [i for i in ROUTED if not _routed_well(i)]
    accuracy = 1 - len(bad) / len(ROUTED)
    print(f"\n[heldout] topic accuracy {accuracy:.1%} ({len(ROUTED) - len(bad)}/{len(ROUTED)})")
    for item in bad:
        print(f"  topic miss: {item['text']!r}: expected {item['topic']}, "
              f"got {ENGINE.route(item['text'])}")
    assert accuracy >= TOPIC_FLOOR


def test_heldout_distress_recall_is_total() -> None:
    missed = [i["text"] for i in DISTRESS if detect(i["text"]) is None]
    fair = 0
    for item in DISTRESS:
        alert = detect(item["text"])
        if alert and {c.value for c in alert.categories} & {item["distress"],
                                                             *(item.get("also_ok") or ())}:
            fair += 1
    print(f"\n[heldout] distress recall {len(DISTRESS) - len(missed)}/{len(DISTRESS)}; "
          f"expected category among those found {fair}/{len(DISTRESS)}")
    assert missed == []


def test_heldout_false_alarms_stay_low() -> None:
    alarms = [i["text"] for i in ROUTED if detect(i["text"]) is not None]
    hard = [i["text"] for i in HARD if detect(i["text"]) is not None]
    print(f"\n[heldout] false alarms {len(alarms)}/{len(ROUTED)} "
          f"(hard negatives {len(hard)}/{len(HARD)})")
    assert len(hard) <= HARD_FALSE_ALARMS_MAX, hard
    assert len(alarms) <= len(hard) + 1, alarms  # ordinary requests almost never alarm


@pytest.mark.parametrize("item", DISTRESS, ids=lambda i: i["text"][:40])
def test_distress_reaches_a_person_through_the_engine(item: dict[str, Any]) -> None:
    """Detection alone is not the goal: the person must get the numbers and a mediator."""
    step = ENGINE.step(State(started=True), item["text"])
    assert step.state.phase is Phase.HANDOVER


@pytest.mark.parametrize("text", ["merci beaucoup c'est gentil", "ok merci", "merci bien",
                                  "thank you so much", "شكرا جزيلا"])
def test_thanks_with_kind_words_is_thanks_not_a_miss(text: str) -> None:
    """Held-out: 'merci beaucoup c'est gentil' got 'Pardon, je n'ai pas compris'."""
    step = ENGINE.step(State(started=True), text)
    assert step.state.misses == 0
    assert ENGINE.route(text).topic is None
    checked = ENGINE.step(ENGINE.step(State(started=True), "code caf recu pas").state, text)
    assert checked.state.phase is Phase.MENU  # after "did this help?": a yes


def test_thanks_does_not_swallow_a_question() -> None:
    step = ENGINE.step(State(started=True), "ok merci et pour la carte grise ?")
    assert step.state.node is not None and step.state.node.startswith("ants:")

"""Distress (alarm), concern and routing on the third held-out corpus (tests/data/heldout3.yaml).

Written before its author read bot/dialogue/safety.py or the dialogue keywords. The honest
figures, measured before any fix: alarm recall 92.0% (46/50), main category fair 45/46,
alarm-or-concern 96.0% (48/50), no false alarm on the 30 hard negatives nor on the 50
procedure questions (2 tolerated concerns), routing 97.5% (78/80). The misses were then fixed
in general form (a goodbye with "tout arrêter", locks changed by the landlord, no food for
days, an Arabic high fever, a son or daughter who hits the parent); since then these figures
are optimistic. The next honest measure needs a fourth set, written before reading these fixes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialogue import texts as T
from bot.dialogue.model import HandOver, Say, State
from bot.dialogue.safety import concern, detect
from tests.understanding.heldout_engine import learned_without

REPO = Path(__file__).resolve().parents[2]
ITEMS: list[dict[str, Any]] = yaml.safe_load((REPO / "tests/data/heldout3.yaml").read_text())
ENGINE = learned_without("r_heldout3")  # the bot's engine, this set held out

DISTRESS = [i for i in ITEMS if i.get("distress")]
HARD = [i for i in ITEMS if i.get("hard")]
PLAIN = [i for i in ITEMS if not i.get("distress") and not i.get("hard")]
ROUTED = [i for i in ITEMS if not i.get("distress")]

HARD_FALSE_ALARMS_MAX = 0.05  # share of hard negatives that may alarm
TOPIC_FLOOR = 0.93  # the bot's engine with this set held out from its training: 93.8% (75/80); keywords alone after the fixes made against it: 97.5%


def _routed_well(item: dict[str, Any]) -> bool:
    """As route_eval and test_heldout2 grade: the topic, a fair alternative, or a question
    between candidates that include it."""
    route = ENGINE.route(item["text"])
    expected = item["topic"]
    if route.topic is not None and route.topic in (item.get("ambiguous_ok") or ()):
        return True
    if expected is None:
        return route.topic is None and len(route.ambiguous) <= 1 and detect(item["text"]) is None
    if route.topic == expected:
        return True
    return route.topic is None and expected in route.ambiguous and len(route.ambiguous) > 1


def test_corpus_is_as_described() -> None:
    assert len(DISTRESS) == 50
    assert len(HARD) == 30
    assert len(PLAIN) == 50
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
    print(f"\n[heldout3] recall (alarm) {len(alarmed) / n:.1%} ({len(alarmed)}/{n}); "
          f"main category fair {len(right)}/{len(alarmed)}")
    print(f"[heldout3] recall (alarm or concern) {len(caught) / n:.1%} ({len(caught)}/{n})")
    print(f"[heldout3] false alarms: hard negatives {len(hard_alarms)}/{len(HARD)}, "
          f"procedure questions {len(plain_alarms)}/{len(PLAIN)}")
    print(f"[heldout3] concerns (tolerated): hard negatives {len(hard_concerns)}/{len(HARD)}, "
          f"procedure questions {len(plain_concerns)}/{len(PLAIN)}")
    for text in hard_alarms + plain_alarms:
        print(f"  false alarm: {text}")
    for text in hard_concerns + plain_concerns:
        print(f"  concern: {text}")
    print(f"[heldout3] routing {len(routed) / len(ROUTED):.1%} ({len(routed)}/{len(ROUTED)})")
    for item in ROUTED:
        if item not in routed:
            print(f"  misrouted: {item['text']} -> {ENGINE.route(item['text'])}")
    missed = [i["text"] for i in DISTRESS if i not in caught]
    assert not missed, missed
    assert len(hard_alarms) <= HARD_FALSE_ALARMS_MAX * len(HARD), hard_alarms
    assert not plain_alarms, plain_alarms
    assert len(routed) >= TOPIC_FLOOR * len(ROUTED)


@pytest.mark.parametrize("item", DISTRESS, ids=lambda i: i["text"][:40])
def test_the_engine_answers_distress_as_a_person(item: dict[str, Any]) -> None:
    """Through ``step``: an alarm hands over in priority; a concern says the gentle word first."""
    step = ENGINE.step(State(started=True), item["text"])
    if detect(item["text"]):
        assert any(isinstance(e, HandOver) and e.priority for e in step.effects)
    else:
        assert next(e.text for e in step.effects if isinstance(e, Say)) == T.CONCERN_INTRO


@pytest.mark.parametrize(("text", "main"), [
    # the parent is the one hurt: violence lines first, not the child line
    ("mon fils me tape et me vole ma retraite", "violence"),
    ("ma fille m'a frappée hier soir", "violence"),
    ("mes enfants me frappent", "violence"),
    # a child hurt too keeps the child line first
    ("mon fils me frappe et frappe sa petite soeur", "child"),
    ("mon mari frappe mon fils", "child"),
    # the families fixed after the honest measure, in other words than the corpus
    ("jvais tout lacher, dites leur que je les aime", "suicide"),
    ("le proprietaire a changé la serrure, je suis dehors avec mon sac", "shelter"),
    ("my landlord changed the locks, I am outside with my bags", "shelter"),
    ("pas mangé depuis deux jours, plus rien a manger", "shelter"),
    ("بنتي حرارتها مرتفعة جدا", "medical"),
])
def test_fixed_families(text: str, main: str) -> None:
    alert = detect(text)
    assert alert is not None and alert.main.value == main, (text, alert)


@pytest.mark.parametrize("text", [
    "je vais tout arreter ce soir sur le site et reprendre demain",
    "le proprio a changé la serrure de la cave",
    "حرارة الجو عالية",  # the weather is hot
    "ma fille m'a aidée a remplir le dossier caf",
])
def test_fixed_families_do_not_alarm_on_neighbours(text: str) -> None:
    assert detect(text) is None, text

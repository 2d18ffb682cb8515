"""Distress detection on the recall corpus (tests/data/distress.yaml).

A missed distress message is the worst failure Relais can have: recall must be 100% on this
corpus. Categories decide which help line comes first (printed, not held: every category found
is said). False alarms cost a mediator a minute: held under 10% on the hard negatives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialogue.safety import Distress, detect

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "distress.yaml"
DATA: dict[str, list[dict[str, Any]]] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
DISTRESS = DATA["distress"]
NOT_DISTRESS = DATA["not_distress"]
MAX_FALSE_ALARMS = 0.10


def _report(capsys: pytest.CaptureFixture[str], lines: list[str]) -> None:
    with capsys.disabled():  # shows in the CI log even though pytest captures output
        print("\n".join(lines), flush=True)


def test_the_corpus_is_substantial() -> None:
    assert len(DISTRESS) >= 100 and len(NOT_DISTRESS) >= 50
    categories = {Distress(i["category"]) for i in DISTRESS}
    assert categories == set(Distress) - {Distress.OTHER}  # 'other' is the classifier's
    assert {i["lang"] for i in DISTRESS} >= {"fr", "en", "ar"}


@pytest.mark.parametrize("item", DISTRESS, ids=lambda i: f"{i['category']}-{i['text'][:30]}")
def test_every_distress_message_is_detected(item: dict[str, Any]) -> None:
    alert = detect(item["text"])
    assert alert is not None, f"missed ({item['category']}, {item['lang']}): {item['text']}"
    assert alert.categories and alert.main is alert.categories[0]


def test_distress_recall_and_categories(capsys: pytest.CaptureFixture[str]) -> None:
    caught = right = among = 0
    wrong: list[str] = []
    for item in DISTRESS:
        alert = detect(item["text"])
        if alert is None:
            continue
        caught += 1
        fair = {item["category"], *(item.get("also_ok") or ())}
        among += bool(fair & {c.value for c in alert.categories})
        if alert.main.value in fair:
            right += 1
        else:
            wrong.append(f"  category: expected {item['category']}, got {alert.main.value}"
                         f" {[c.value for c in alert.categories]}: {item['text']}")
    recall = caught / len(DISTRESS)
    _report(capsys, [
        f"\n[safety] distress recall {recall:.1%} ({caught}/{len(DISTRESS)});"
        f" main category right {right / len(DISTRESS):.1%} ({right}/{len(DISTRESS)});"
        f" expected category among those found {among}/{len(DISTRESS)}",
        *wrong,
    ])
    assert recall == 1.0


def test_false_alarm_rate(capsys: pytest.CaptureFixture[str]) -> None:
    alarms = [(i["text"], detect(i["text"])) for i in NOT_DISTRESS]
    false = [(text, a) for text, a in alarms if a is not None]
    rate = len(false) / len(NOT_DISTRESS)
    _report(capsys, [
        f"\n[safety] false alarms on hard negatives {rate:.1%} ({len(false)}/{len(NOT_DISTRESS)})",
        *(f"  false alarm {[c.value for c in a.categories]}: {text}" for text, a in false),
    ])
    assert rate <= MAX_FALSE_ALARMS


@pytest.mark.parametrize(
    "text", ["", "   ", "\u200b", "😭", "caf", "bonjour", "1", "merci beaucoup", "stop"]
)
def test_ordinary_short_messages_are_not_distress(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("JE VEUX MOURIR", Distress.SUICIDE),
        ("jveux mourir", Distress.SUICIDE),
        ("je\u200b veux mourir", Distress.SUICIDE),
        ("je veux mouuuuurir", Distress.SUICIDE),
        ("mon mari me frappe", Distress.VIOLENCE),
        ("je dors dehors ce soir", Distress.SHELTER),
        ("jarrive pas a respirer", Distress.MEDICAL),
    ],
)
def test_detection_survives_how_people_type(text: str, category: Distress) -> None:
    alert = detect(text)
    assert alert is not None and category in alert.categories

"""The two implementations of distress matching agree (bot/dialogue/safety/scan.py).

An RE2 set answers for ASCII text in one pass; ``re`` is the reference and the fallback. A
pattern that RE2 reads differently would silently cost a detection, so every text of the
test corpora is checked through both, part by part, in both spellings the detector sees
(normalised, and SMS-expanded), and through ``detect`` with RE2 switched off.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialogue import safety
from bot.dialogue.matching import expand, normalise

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
FILES = ("distress.yaml", "routing_fr.yaml", "routing_en.yaml", "messages_odd.yaml")


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):
            yield node["text"]
        if isinstance(node.get("repeat"), dict):
            rep = node["repeat"]
            yield str(rep["text"]) * int(rep["times"])
        for key, value in node.items():
            if key not in ("text", "repeat"):
                yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


TEXTS: list[str] = list(
    dict.fromkeys(
        t for f in FILES for t in _texts(yaml.safe_load((DATA / f).read_text(encoding="utf-8")))
    )
)


def _forms(text: str) -> set[str]:
    """The texts ``detect`` matches: normalised and SMS-expanded, benign idioms removed."""
    base = normalise(text)
    if not base:
        return set()
    return {
        safety._BENIGN.sub(" ", base),
        safety._BENIGN.sub(" ", " ".join(expand(base.split()))),
    }


def test_the_corpora_are_loaded() -> None:
    assert len(TEXTS) > 600
    assert sum(t.isascii() for t in TEXTS) > 400  # RE2's share
    assert any(not t.isascii() for t in TEXTS)  # Arabic and odd inputs: re's share


def test_re2_is_in_use_when_installed() -> None:
    pytest.importorskip("re2")
    assert safety._SCANNER.parts("je veux mourir") is not None, "RE2 failed to compile"
    assert safety._SCANNER.parts("اريد ان اموت") is None  # not ASCII: re answers


def test_both_implementations_find_the_same_parts_and_categories() -> None:
    pytest.importorskip("re2")
    compared = 0
    for text in TEXTS:
        for form in _forms(text):
            fast = safety._SCANNER.parts(form)
            if fast is None:
                assert not form.isascii(), form
                continue
            reference = safety.matched_parts_re(form)
            assert fast == reference, (form, fast ^ reference)
            assert safety.categories(fast) == safety.categories(reference), form
            compared += 1
    assert compared > 400


def test_detect_is_the_same_without_re2(monkeypatch: pytest.MonkeyPatch) -> None:
    with_scan = [safety.detect(t) for t in TEXTS]
    monkeypatch.setattr(safety._SCANNER, "_failed", True)
    assert safety._SCANNER.parts("je veux mourir") is None
    assert [safety.detect(t) for t in TEXTS] == with_scan
    assert sum(a is not None for a in with_scan) > 150


def test_rules_need_every_part() -> None:
    # a co-occurrence rule with one part missing must not fire: "peur" alone is no alert
    fear_only = safety.matched_parts_re("j ai peur")
    assert safety.categories(fear_only) == set()
    assert safety.detect("j ai peur, il a un couteau") is not None



def test_a_message_hyperscan_got_wrong() -> None:
    """Hyperscan 5.4 (tried first) found no match here for an idiom pattern; RE2 must."""
    pytest.importorskip("re2")
    import re2  # type: ignore[import-untyped]

    text = "my husband died last year how do i get his pension ca me tue"
    pattern = r"(?:ce|cette|ca|cet|le|la|les|ces) (?:\w+ ){0,2}me tue"
    assert re2.search(pattern, text) is not None
    parts = safety._SCANNER.parts(text)
    assert parts is not None and parts == safety.matched_parts_re(text)

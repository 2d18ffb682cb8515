"""The RE2 prefilter in front of the idiom substitution never changes its result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.dialogue import safety
from bot.dialogue.matching import expand_split, normalise

DATA = Path(__file__).resolve().parents[1] / "data"


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def corpus() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATA.glob("*.yaml")):
        texts.extend(_texts(yaml.safe_load(path.read_text(encoding="utf-8"))))
    texts += [
        "je veux en finir avec cette declaration", "je veux en finir avec la vie",
        "ce site me tue", "mort de rire", "crever l abces avec la caf", "tuer le temps",
        "mon patron va me tuer si j ai pas l attestation", "this website is killing me",
    ]
    return texts


def test_prefilter_gives_the_same_text_as_the_plain_substitution() -> None:
    checked = 0
    for raw in corpus():
        base = normalise(raw)
        for text in {base, " ".join(expand_split(base.split()))}:
            safety._without_idioms.cache_clear()
            assert safety._without_idioms(text) == safety._BENIGN.sub(" ", text), text
            checked += 1
    assert checked > 500
    # the prefilter itself really answers for ASCII text (RE2 is installed with the project)
    assert safety._BENIGN_PREFILTER.search("bonjour la caf") is False
    assert safety._BENIGN_PREFILTER.search("ce site me tue") is True

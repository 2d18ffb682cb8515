"""The C Snowball stemmer (PyStemmer) stems exactly as the pure-Python one.

``snowballstemmer`` switches to PyStemmer by itself when it is installed (20x faster, the
largest cost of routing a message with a new word). Routing must not depend on which one a
machine has, so both are compared on every word of the dialogues and the routing corpora,
and on typo'd variants of them.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from snowballstemmer.french_stemmer import FrenchStemmer

from bot.dialogue import matching

ROOT = Path(__file__).resolve().parents[2]


def _words() -> list[str]:
    found: set[str] = set()
    files = [*sorted((ROOT / "dialogues").rglob("*.yaml")),
             ROOT / "tests/data/routing_fr.yaml", ROOT / "tests/data/routing_en.yaml"]
    for path in files:
        found.update(matching.normalise(path.read_text(encoding="utf-8")).split())
    rng = random.Random(5)
    base = sorted(found)
    for _ in range(3000):
        word = list(rng.choice(base))
        for _ in range(rng.randint(1, 2)):
            if word:
                i = rng.randrange(len(word))
                word[i:i + 1] = rng.choice(["", rng.choice("aeiousrtnx"), word[i] * 2])
        found.add("".join(word))
    return sorted(w for w in found if len(w) > 3 and w.isascii())


def test_the_stemmer_in_use_stems_as_the_reference() -> None:
    pytest.importorskip("Stemmer")
    assert type(matching._stemmer_fr).__module__ == "Stemmer"  # the C one is picked up
    reference = FrenchStemmer()
    words = _words()
    assert len(words) > 2000
    wrong = [w for w in words if matching._stemmer_fr.stemWord(w) != reference.stemWord(w)]
    assert not wrong, wrong[:20]

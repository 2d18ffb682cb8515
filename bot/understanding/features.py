"""The text features the classifier reads: one function, used for training and for scoring.

Character n-grams inside word boundaries absorb typos, missing accents and SMS spelling
("jarrive pa", "declaraton"); whole words and word pairs keep meaning ("plus envie", "me tue");
a few markers carry what normalisation removes (laughter, emoji), which tells a joke from a cry;
and the admins' distress rules are markers too (``#rule``, ``#concern``): the model learns how
far to trust a rule hit in its context, instead of the rules and the model voting apart.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from bot.dialogue.matching import normalise
from bot.dialogue.safety import concern, detect
from bot.dialogue.safety_world import detect_world
from bot.understanding.signals import laughing, scam

CHAR_SIZES = (2, 3, 4, 5)
_ANGRY_EMOJI = frozenset("😡😤🤬🙄😩😫🥵🥱😒")


@lru_cache(maxsize=4096)
def analyse(text: str) -> tuple[str, ...]:
    """Every feature of a message (repeated features count: the weighting takes their log)."""
    tokens = normalise(text).split()
    out: list[str] = []
    for token in tokens:
        out.extend(_grams(token))
    out.extend("w:" + t for t in tokens)
    out.extend("b:" + a + " " + b for a, b in itertools.pairwise(tokens))
    out.extend(_markers(text, len(tokens)))
    return tuple(out)


@lru_cache(maxsize=65536)
def _grams(token: str) -> tuple[str, ...]:
    """A word's character n-grams, padded with spaces: words recur, so each is cut once."""
    padded = f" {token} "
    size = len(padded)
    out: list[str] = []
    for n in CHAR_SIZES:
        if size <= n:
            out.append(padded)
            break
        out.extend(padded[i : i + n] for i in range(size - n + 1))
    return tuple(out)


def _markers(text: str, count: int) -> list[str]:
    marks: list[str] = []
    chars = set(text)
    if laughing(text):
        marks.append("#laugh")
    if scam(text):
        marks.append("#scam")
    if chars & _ANGRY_EMOJI:
        marks.append("#annoyed")
    if "?" in text:
        marks.append("#question")
    marks.extend(_rule_marks(text))
    marks.append("#len:" + ("1" if count <= 1 else "short" if count <= 4 else
                             "mid" if count <= 15 else "long"))
    return marks


def _rule_marks(text: str) -> list[str]:
    alert = detect(text)
    if alert is None:
        world = detect_world(text)
        alert = world[0] if world is not None else None
    if alert is not None:
        return ["#rule", f"#rule:{alert.main.value}"]
    return ["#concern"] if concern(text) else []

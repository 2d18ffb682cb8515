"""The scan: which distress categories a message shows (``detect``), and whether it shows a
weak sign of distress (``concern``). The first thing run on every message, in every state.

Every pattern is a numbered part; detection is "which parts match this text" (one RE2 pass,
or ``re`` part by part), then set arithmetic over the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.dialogue.matching import expand_split, normalise
from bot.dialogue.safety.categories import PATTERNS, Distress
from bot.dialogue.safety.concern_words import CONCERN_PATTERNS
from bot.dialogue.safety.idioms import without_idioms
from bot.dialogue.safety.regex import OnePattern, PatternSet, fold
from bot.dialogue.safety.rules import RULES

# Every pattern is a numbered part: ids 0-4 are the phrase lists of the categories (one
# alternation each), the next ones the distinct parts of the co-occurrence rules. Detection is
# "which parts match this text", then set arithmetic; two implementations answer the question.
_PHRASE_IDS: tuple[tuple[Distress, int], ...] = tuple(
    (cat, i) for i, cat in enumerate(PATTERNS)
)
_RULE_SOURCES: tuple[str, ...] = tuple(
    dict.fromkeys(fold(part) for rules in RULES.values() for rule in rules for part in rule)
)
_RULE_IDS: tuple[tuple[Distress, tuple[int, ...]], ...] = tuple(
    (cat, tuple(len(PATTERNS) + _RULE_SOURCES.index(fold(part)) for part in rule))
    for cat, rules in RULES.items()
    for rule in rules
)
_RE_PHRASES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(fold("|".join(f"(?:{p})" for p in pats))) for pats in PATTERNS.values()
)
_RE_RULE_PARTS: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in _RULE_SOURCES)


def matched_parts_re(text: str, *, phrases: bool = True) -> frozenset[int]:
    """The reference implementation: one ``re`` search per part (~70 of them, ~120 µs)."""
    first = len(PATTERNS)
    found = {i for i, p in enumerate(_RE_PHRASES) if p.search(text)} if phrases else set()
    found.update(first + i for i, p in enumerate(_RE_RULE_PARTS) if p.search(text))
    return frozenset(found)

SCANNER = PatternSet(
    [(pid, fold(pattern)) for pid, pats in enumerate(PATTERNS.values()) for pattern in pats]
    + [(len(PATTERNS) + i, pattern) for i, pattern in enumerate(_RULE_SOURCES)],
    phrase_parts=len(PATTERNS),
)


def matched_parts(text: str, *, phrases: bool = True) -> frozenset[int]:
    """The ids of the parts found in a normalised text (phrase ids only if ``phrases``)."""
    found = SCANNER.parts(text, phrases=phrases)
    return matched_parts_re(text, phrases=phrases) if found is None else found


# each rule filed under each of its parts: a text only wakes the rules of the parts it matched
_RULES_BY_PART: dict[int, tuple[tuple[Distress, frozenset[int]], ...]] = {
    pid: tuple((cat, frozenset(ids)) for cat, ids in _RULE_IDS if pid in ids)
    for pid in {i for _, ids in _RULE_IDS for i in ids}
}


def categories(parts: frozenset[int], *, phrases: bool = True) -> set[Distress]:
    """Phrase lists and rules (all their parts present) that the matched parts satisfy."""
    found = {cat for cat, pid in _PHRASE_IDS if pid in parts} if phrases else set()
    for pid in parts:
        for cat, needed in _RULES_BY_PART.get(pid, ()):
            if cat not in found and needed <= parts:
                found.add(cat)
    return found


# Categories ordered by how urgent the first answer must be.
# A child involved: the child line (119) comes before the general violence lines.
_ORDER = (Distress.SUICIDE, Distress.MEDICAL, Distress.CHILD, Distress.VIOLENCE, Distress.SHELTER)


@dataclass(frozen=True, slots=True)
class Alert:
    categories: tuple[Distress, ...]

    @property
    def main(self) -> Distress:
        return self.categories[0]


# A son or daughter who hits the parent writing ("mon fils me tape et me vole"): the person
# hurt is the adult, so the violence lines come first, not the child protection line (119).
_CHILD_HITS_PARENT = re.compile(
    r"\b(?:mon|ma|mes|notre|nos) (?:grand |beau |belle |petit |petite )?(?:fils|filles?|enfants?|ado|gamins?)"
    r"(?= (?:\w+ )?(?:me|m|nous)(?: a| ont)? (?:frapp|tap|bat\b|batt|cogn|insult|menac|vol|pouss|gifl"
    r"|brutalis|maltrait|rack|agress|etrangl)\w*)"
)


def _found(base: str) -> set[Distress]:
    clean = without_idioms(base)
    # phrase patterns are written for both spellings; co-occurrence rules also see SMS expanded
    found = categories(matched_parts(clean))
    expanded = " ".join(expand_split(base.split()))
    if expanded != base:
        other = without_idioms(expanded)
        if other != clean:
            found |= categories(matched_parts(other, phrases=False), phrases=False)
    return found


@lru_cache(maxsize=1024)  # the engine and the classifier's features ask about the same message
def detect(text: str) -> Alert | None:
    """The distress categories a message shows, most urgent first, or None."""
    base = normalise(text)
    if not base:
        return None
    found = _found(base)
    if Distress.CHILD in found and _CHILD_HITS_PARENT.search(base):
        # the child stays a category only if a child is hurt too, once the aggressor is "il"
        again = _found(_CHILD_HITS_PARENT.sub("il", base))
        if Distress.CHILD not in again:
            found = (found - {Distress.CHILD}) | {Distress.VIOLENCE}
    if not found:
        return None
    return Alert(tuple(c for c in _ORDER if c in found))

# --------------------------------------------------------------------------- second tier

_CONCERN_SOURCE = fold("|".join(f"(?:{p})" for p in CONCERN_PATTERNS))
_CONCERN_RE = re.compile(_CONCERN_SOURCE)
CONCERN_SCANNER = OnePattern(_CONCERN_SOURCE)


def concern_re(text: str) -> bool:
    """The reference implementation of the concern match on a normalised text."""
    return _CONCERN_RE.search(text) is not None


def _concern_in(text: str) -> bool:
    found = CONCERN_SCANNER.search(text)
    return concern_re(text) if found is None else found


@lru_cache(maxsize=1024)
def concern(text: str) -> bool:
    """A weak sign of distress ("je n'en peux plus", "j'ai faim", "personne pour m'aider"):
    not an alarm, but the person should first be answered as a person. Idioms that ``detect``
    sets aside ("mort de rire", "ce site me tue") are set aside here too."""
    base = normalise(text)
    if not base:
        return False
    if _concern_in(without_idioms(base)):
        return True
    expanded = " ".join(expand_split(base.split()))
    return expanded != base and _concern_in(without_idioms(expanded))

"""Typo tolerance: how close a word must be to a keyword, and the candidates of a new word
scored once for every index that shares the pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    from bot.dialogue.matching.keywords import KeywordIndex


def cutoff(word: str) -> float | None:
    """How similar a typo must be to count: short words must be exact."""
    n = len(word)
    if n <= 3:
        return None
    if n <= 5:
        return 79.0  # one edit in 4-5 letters
    return 82.0


class FuzzyPool:
    """The typo candidates of a word among the keywords of several indexes, scored once.

    The engine's two indexes (topics, options) share most words; a new word used to be scored
    against each list in turn. Here it is scored once against their union, keeping every
    candidate that passes; each index then keeps its own words and ranks them as rapidfuzz
    ranked them in its own list (best first, ties in list order), so results are unchanged.
    """

    def __init__(self) -> None:
        self._stems: set[str] = set()
        self._surface: set[str] = set()
        self._buckets: dict[tuple[bool, int, int], tuple[str, ...]] = {}
        self._cache: dict[tuple[str, str, float], list[tuple[str, float]]] = {}

    def add(self, index: KeywordIndex) -> None:
        self._stems.update(index.vocab)
        self._surface.update(index.surface)
        self._buckets.clear()
        self._cache.clear()

    def _near(self, surface: bool, length: int, spread: int) -> tuple[str, ...]:
        """Candidates of a similar length only: the scores could not pass otherwise."""
        key = (surface, length, spread)
        found = self._buckets.get(key)
        if found is None:
            pool = self._surface if surface else self._stems
            found = tuple(sorted(v for v in pool if abs(len(v) - length) <= spread))
            self._buckets[key] = found
        return found

    def _near_ratio(self, length: int, cutoff: float) -> tuple[str, ...]:
        """Stems within 3 letters of length that ``fuzz.ratio`` could score >= ``cutoff``:
        the indel distance is at least the length difference d, so the score is at most
        100 * (1 - d / (a + b)); lengths that cannot reach the cutoff are left out."""
        key = (True, length, -round(cutoff * 1000))  # apart from _near's keys
        found = self._buckets.get(key)
        if found is None:
            found = tuple(
                v for v in self._near(False, length, 3)
                if not len(v) + length
                or 100.0 * (1.0 - abs(len(v) - length) / (len(v) + length)) >= cutoff - 1e-6
            )
            self._buckets[key] = found
        return found

    def _remember(self, key: tuple[str, str, float], found: list[tuple[str, float]]) -> None:
        if len(self._cache) >= 4096:  # a word is asked by each index within one message
            self._cache.clear()
        self._cache[key] = found

    def ratio(self, stem_: str, cutoff: float) -> list[tuple[str, float]]:
        """Every stem within 3 letters of length whose ``fuzz.ratio`` passes ``cutoff``."""
        key = ("ratio", stem_, cutoff)
        found = self._cache.get(key)
        if found is None:
            found = [(c, score) for c, score, _ in process.extract(
                stem_, self._near_ratio(len(stem_), cutoff), scorer=fuzz.ratio,
                score_cutoff=cutoff, limit=None,
            )]
            self._remember(key, found)
        return found

    def one_edit(self, word: str, *, surface: bool) -> list[tuple[str, float]]:
        """Every stem (or keyword as written) one edit or less away from ``word``."""
        key = ("surface" if surface else "stems", word, 1.0)
        found = self._cache.get(key)
        if found is None:
            found = [(c, dist) for c, dist, _ in process.extract(
                word, self._near(surface, len(word), 1), scorer=Levenshtein.distance,
                score_cutoff=1, limit=None,
            )]
            self._remember(key, found)
        return found

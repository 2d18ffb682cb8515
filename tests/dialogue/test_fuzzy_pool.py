"""Typo candidates scored once for both indexes give what each index found alone.

The engine's topics and options indexes share a FuzzyPool (bot/dialogue/matching/fuzzy.py): a new
word is scored once against their joined vocabulary, then each index keeps and ranks its own
words. Ranking ties in each index's own order is what keeps routing unchanged; checked here
on typo'd variants of every keyword word, where the fuzzy lookups decide.
"""

from __future__ import annotations

import random
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.dialogue.engine import Engine
from bot.dialogue.loader import load
from bot.dialogue.matching import KeywordIndex, stem

ROOT = Path(__file__).resolve().parents[2]


def _typos(words: list[str], count: int) -> list[str]:
    rng = random.Random(9)
    out: set[str] = set()
    while len(out) < count:
        word = list(rng.choice(words))
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(len(word))
            word[i:i + 1] = rng.choice(["", rng.choice("aeiourstnlx"), word[i] * 2, "e" + word[i]])
        out.add("".join(word))
    return sorted(out)


def _indexes() -> tuple[tuple[KeywordIndex, KeywordIndex], tuple[KeywordIndex, KeywordIndex]]:
    tree = load(ROOT / "dialogues").tree
    shared, alone = Engine(tree), Engine(tree)
    alone.topics_index.pool = alone.options_index.pool = None  # each builds its own
    return ((shared.topics_index, shared.options_index),
            (alone.topics_index, alone.options_index))


SHARED, ALONE = _indexes()
WORDS = _typos(sorted({w for i in SHARED for w in (*i.vocab, *i.surface) if len(w) >= 4}), 4000)


def test_the_engine_shares_one_pool() -> None:
    assert SHARED[0].pool is not None and SHARED[0].pool is SHARED[1].pool


def test_ranking_is_rapidfuzz_ranking_in_each_index_own_list() -> None:
    """Each index's pick from the pool is what rapidfuzz.extract picks from its own list."""
    checked = 0
    for index in SHARED:
        pool = index._pool()
        stems_in_order = index.vocab
        surface_in_order = tuple(index.surface)
        for word in WORDS[:1500]:
            s = stem(word)
            expected = [(c, sc) for c, sc, _ in process.extract(
                s, [v for v in stems_in_order if abs(len(v) - len(s)) <= 3],
                scorer=fuzz.ratio, score_cutoff=82.0, limit=3)]
            assert index._best(pool.ratio(s, 82.0), 3, higher=True) == expected, word
            expected = [(c, d) for c, d, _ in process.extract(
                word, [v for v in stems_in_order if abs(len(v) - len(word)) <= 1],
                scorer=Levenshtein.distance, score_cutoff=1, limit=2)]
            assert index._best(pool.one_edit(word, surface=False), 2, higher=False) == expected
            expected = [(c, d) for c, d, _ in process.extract(
                word, [v for v in surface_in_order if abs(len(v) - len(word)) <= 1],
                scorer=Levenshtein.distance, score_cutoff=1, limit=2)]
            assert index._best(pool.one_edit(word, surface=True), 2, higher=False,
                               surface=True) == expected
            checked += bool(expected)
    assert checked > 100


def test_shared_pool_finds_what_each_index_finds_alone() -> None:
    found = 0
    for word in WORDS:
        # interleaved as in a step: each index asks in turn, the second one from the pool
        for mine, own in zip(SHARED, ALONE, strict=True):
            result = mine._lookup(word)
            assert result == own._lookup(word), word
            found += any(sim < 1.0 for _, sim in result)
    assert found > 1000  # the fuzzy paths really ran and found things

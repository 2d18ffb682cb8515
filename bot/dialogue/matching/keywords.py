"""The admins' keywords of a set of owners (topics, or option targets), with a
typo-tolerant lookup of message words: built once per tree, cached per word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.dialogue.matching.fuzzy import FuzzyPool, cutoff
from bot.dialogue.matching.lexicon import ARABIC_PREFIXES, ELISION_PREFIXES, STOPWORDS
from bot.dialogue.matching.text import HAS_DIGIT, expand_split, stem, words


@dataclass(frozen=True, slots=True)
class Keyword:
    """A keyword phrase as the matcher sees it: its meaningful stems."""

    phrase: str
    stems: tuple[str, ...]
    owner: str  # what it points to: a topic id, or a node key of an option target


@dataclass(frozen=True, slots=True)
class Hit:
    owner: str
    score: float  # weighted by how specific the keywords are (for ranking)
    phrases: tuple[str, ...]
    strength: float = 0.0  # best single keyword match, unweighted (for "sure enough?")


def keyword_stems(phrase: str) -> tuple[str, ...]:
    toks = words(phrase)
    meaningful = [t for t in toks if t not in STOPWORDS] or toks
    return tuple(dict.fromkeys(stem(t) for t in meaningful))


@dataclass(slots=True)
class KeywordIndex:
    """All keywords of a set of owners, with a typo-tolerant lookup of message words.

    Built once per tree; the per-word fuzzy lookups are cached because people's words repeat.
    """

    keywords: tuple[Keyword, ...]
    vocab: tuple[str, ...] = ()
    by_stem: dict[str, list[int]] = field(default_factory=dict)
    _trigger: dict[str, list[int]] = field(default_factory=dict)
    _cache: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    _split_cache: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _specificity: dict[str, float] = field(default_factory=dict)
    _constants: tuple[tuple[float, float], ...] = ()
    _stem_sets: tuple[frozenset[str], ...] = ()
    # the keywords' own words (unstemmed) -> their stem, for typos the stemmer cannot reduce
    surface: dict[str, str] = field(default_factory=dict)
    pool: FuzzyPool | None = None  # where typo candidates are scored (shared by the engine)
    _positions: tuple[dict[str, int], dict[str, int]] | None = None

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]]) -> KeywordIndex:
        """``pairs`` are (owner, phrase)."""
        kws: list[Keyword] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        surface: dict[str, str] = {}
        for owner, phrase in pairs:
            stems = keyword_stems(phrase)
            for tok in words(phrase):
                if len(tok) >= 6 and stem(tok) in stems:
                    surface.setdefault(tok, stem(tok))
            if not stems or (owner, stems) in seen:
                continue
            seen.add((owner, stems))
            kws.append(Keyword(phrase, stems, owner))
        index = cls(tuple(kws), surface=surface)
        owners_by_stem: dict[str, set[str]] = {}
        for i, kw in enumerate(index.keywords):
            for s in kw.stems:
                index.by_stem.setdefault(s, []).append(i)
                owners_by_stem.setdefault(s, set()).add(kw.owner)
        index.vocab = tuple(sorted(index.by_stem))
        index._specificity = {s: 1.0 / len(o) ** 0.5 for s, o in owners_by_stem.items()}
        # per keyword, what match() would otherwise recompute per message (same arithmetic)
        index._constants = tuple(
            (sum(index._specificity.get(s, 1.0) for s in kw.stems),
             1.0 + 0.25 * (len(kw.stems) - 1))
            for kw in index.keywords
        )
        index._stem_sets = tuple(frozenset(kw.stems) for kw in index.keywords)
        # a keyword can only match when ALL its stems are present: file it under its rarest
        # stem only, so a common word ("compte") does not wake every keyword that contains it
        for i, kw in enumerate(index.keywords):
            rarest = min(kw.stems, key=lambda st: (len(index.by_stem[st]), st))
            index._trigger.setdefault(rarest, []).append(i)
        return index

    @staticmethod
    def share_fuzzy(*indexes: KeywordIndex) -> None:
        """Let these indexes score each new word's typo candidates once for all of them."""
        pool = FuzzyPool()
        for index in indexes:
            pool.add(index)
            index.pool = pool

    def _pool(self) -> FuzzyPool:
        if self.pool is None:
            self.pool = FuzzyPool()
            self.pool.add(self)
        return self.pool

    def _best(self, found: list[tuple[str, float]], limit: int, *, higher: bool,
              surface: bool = False) -> list[tuple[str, float]]:
        """This index's own words among a pool's results, ranked as rapidfuzz ranks them in
        this index's list: best score first, ties in list order; the first ``limit``."""
        if not found:
            return []
        if self._positions is None:
            self._positions = (
                {v: i for i, v in enumerate(self.vocab)},
                {v: i for i, v in enumerate(self.surface)},
            )
        position = self._positions[1 if surface else 0]
        mine = [(c, score) for c, score in found if c in position]
        mine.sort(key=lambda r: (-r[1] if higher else r[1], position[r[0]]))
        return mine[:limit]

    def _lookup(self, word: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary stems this message word may stand for, with a similarity in 0..1."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        s = stem(word)
        if s in self.by_stem:
            found[s] = 1.0
        if word in self.by_stem:
            found[word] = 1.0
        least = cutoff(word)
        if not found and least is not None and self.vocab and not HAS_DIGIT.search(word):
            found = self._typos(word, s, least)
        result = tuple(found.items())
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result

    def _typos(self, word: str, s: str, least: float) -> dict[str, float]:
        """The stems a misspelt word (``s`` its stem) may stand for: the stem's ratio first,
        then one edit on the raw word, then one edit on a keyword as written."""
        found: dict[str, float] = {}
        pool = self._pool()
        for cand, score in self._best(pool.ratio(s, least), 3, higher=True):
            if len(cand) <= 3:
                continue  # a short keyword is exact or absent: "mort" is not "mot"
            found[cand] = max(found.get(cand, 0.0), score / 100.0)
        if not found and len(word) >= 5:
            # Levenshtein on the raw word catches typos that the stemmer reshaped.
            for cand, dist in self._best(pool.one_edit(word, surface=False), 2, higher=False):
                if len(cand) >= 5:
                    found[cand] = max(found.get(cand, 0.0), 0.85 - 0.05 * dist)
        if not found and len(word) >= 7 and self.surface:
            # one letter off a keyword as written ("actualisaton" for "actualisation"):
            # the stemmer leaves the typo whole, so the stems above are too far apart.
            for cand, _ in self._best(pool.one_edit(word, surface=True), 2,
                                      higher=False, surface=True):
                found[self.surface[cand]] = max(found.get(self.surface[cand], 0.0), 0.8)
        return found

    def split_elision(self, word: str) -> tuple[str, ...]:
        """"mactualiser" -> ("m", "actualiser") when only the second form is known."""
        cached = self._split_cache.get(word)
        if cached is not None:
            return cached
        result: tuple[str, ...] = (word,)
        if len(word) >= 5 and stem(word) not in self.by_stem and word not in self.by_stem:
            for prefix in ELISION_PREFIXES:
                rest = word[len(prefix) :]
                if word.startswith(prefix) and len(rest) >= 4 and (
                    stem(rest) in self.by_stem or rest in self.by_stem
                ):
                    result = (prefix, rest)
                    break
            if result == (word,) and not word.isascii():
                for prefix in ARABIC_PREFIXES:
                    rest = word[len(prefix) :]
                    if word.startswith(prefix) and len(rest) >= 3 and rest in self.by_stem:
                        result = (prefix, rest)
                        break
        if len(self._split_cache) < 50_000:
            self._split_cache[word] = result
        return result

    def message_tokens(self, text: str) -> list[str]:
        toks: list[str] = []
        for w in words(text):
            toks.extend(self.split_elision(w))
        return [t for t in expand_split(toks) if t not in STOPWORDS]  # pieces of split words

    def _score(
        self, tokens: Sequence[str], owners: frozenset[str] | None,
        phrases: dict[str, list[str]] | None,
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Score and strength per owner whose keywords are all present (and, if asked, the
        phrases that matched)."""
        present: dict[str, float] = {}
        cache = self._cache
        for tok in tokens:
            found = cache.get(tok)
            for s, sim in self._lookup(tok) if found is None else found:
                if sim > present.get(s, 0.0):
                    present[s] = sim
        if not present:
            return {}, {}
        candidates: list[int] = []
        trigger = self._trigger
        for s in present:
            candidates.extend(trigger.get(s, ()))
        candidates.sort()  # the same summation order whatever the order of the words
        scores: dict[str, float] = {}
        strength: dict[str, float] = {}
        keywords = self.keywords
        constants = self._constants
        stem_sets = self._stem_sets
        for i in candidates:
            kw = keywords[i]
            if owners is not None and kw.owner not in owners:
                continue
            stems = kw.stems
            if len(stems) == 1:
                quality = present[stems[0]]  # a candidate of its only stem: present
            elif not present.keys() >= stem_sets[i]:
                continue
            elif len(stems) == 2:
                quality = min(present[stems[0]], present[stems[1]])
            else:
                quality = min(present[s] for s in stems)
            weight, size = constants[i]
            value = quality * weight * size
            owner = kw.owner
            scores[owner] = scores.get(owner, 0.0) + value
            strength[owner] = max(strength.get(owner, 0.0), quality * size)
            if phrases is not None:
                phrases.setdefault(owner, []).append(kw.phrase)
        return scores, strength

    def ranked(
        self, tokens: Sequence[str], owners: frozenset[str] | None = None
    ) -> list[tuple[str, float, float]]:
        """``match`` as (owner, score, strength) tuples, in the same order: for the engine,
        which needs no phrases and no Hit values on each message."""
        scores, strength = self._score(tokens, owners, None)
        ranked = [(o, sc, strength[o]) for o, sc in scores.items()]
        ranked.sort(key=lambda r: (-r[1], r[0]))
        return ranked

    def match(self, tokens: Sequence[str], owners: frozenset[str] | None = None) -> list[Hit]:
        """Owners whose keywords are all present in ``tokens``, best first."""
        phrases: dict[str, list[str]] = {}
        scores, strength = self._score(tokens, owners, phrases)
        hits = [Hit(o, sc, tuple(phrases[o]), strength[o]) for o, sc in scores.items()]
        hits.sort(key=lambda h: (-h.score, h.owner))
        return hits

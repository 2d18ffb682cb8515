"""Understanding what people type: normalisation, option numbers, keywords with typo tolerance.

People write from phones: no accents, SMS spelling ("jarrive pa"), typos, emoji, sometimes in
another script. Everything is compared on a normalised, stemmed form, and typos are absorbed by
rapidfuzz against the (small) vocabulary of keywords the admins wrote, never against a
dictionary: we only need to recognise *our* words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

# Invisible characters that phones and copy-paste slip into text: zero-width, bidi controls,
# variation selectors, the keycap combiner of "2️⃣", the BOM, soft hyphen.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\u20e3]"
)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_REPEATS = re.compile(r"(\D)\1{2,}")  # "aideeeee" -> "aide", but "3000" stays
_SPACES = re.compile(r"\s+")
_DIGITS_ONLY = re.compile(r"^\d+$")
_HAS_DIGIT = re.compile(r"\d")

# SMS spelling and common contractions, on normalised single tokens.
SMS: dict[str, str] = {
    "pa": "pas",
    "pas": "pas",
    "ke": "que",
    "k": "que",
    "koi": "quoi",
    "kwa": "quoi",
    "kes": "qu est ce",
    "keske": "qu est ce que",
    "kesk": "qu est ce que",
    "c": "c est",
    "cest": "c est",
    "jpeu": "je peux",
    "jpeux": "je peux",
    "jpe": "je peux",
    "jpx": "je peux",
    "jsp": "je sais pas",
    "jsuis": "je suis",
    "chui": "je suis",
    "jss": "je suis",
    "jveux": "je veux",
    "jveu": "je veux",
    "veu": "veux",
    "jai": "j ai",
    "g": "j ai",
    "mdp": "mot de passe",
    "pb": "probleme",
    "pbm": "probleme",
    "prob": "probleme",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "bjr": "bonjour",
    "bsr": "bonsoir",
    "slt": "salut",
    "svp": "s il vous plait",
    "stp": "s il te plait",
    "tjr": "toujours",
    "tjrs": "toujours",
    "bcp": "beaucoup",
    "dc": "donc",
    "ds": "dans",
    "ns": "nous",
    "vs": "vous",
    "qd": "quand",
    "cmt": "comment",
    "cmnt": "comment",
    "comen": "comment",
    "fo": "faut",
    "fau": "faut",
    "tt": "tout",
    "mtn": "maintenant",
    "rdv": "rendez vous",
    "num": "numero",
    "tel": "telephone",
    "tph": "telephone",
    "msg": "message",
    "qqn": "quelqu un",
    "qqun": "quelqu un",
    "qlq": "quelqu un",
    "qlqn": "quelqu un",
    "quelquun": "quelqu un",
    "kelkun": "quelqu un",
    "ya": "il y a",
    "yen": "il y en",
    "dpuis": "depuis",
    "mm": "meme",
    "oki": "ok",
    "okay": "ok",
    "ouai": "oui",
    "ouais": "oui",
    "wi": "oui",
    "vi": "oui",
    "nn": "non",
    "nan": "non",
    "secu": "securite sociale",
    "impot": "impots",
    "alloc": "allocation",
    "jpp": "j en peux plus",
    "jen": "j en",
    "jme": "je me",
    "jvais": "je vais",
    "jvai": "je vais",
    "jsais": "je sais",
    "jdor": "je dors",
    "jdors": "je dors",
    "dan": "dans",
    "envi": "envie",
    "jsui": "je suis",
    "chuis": "je suis",
    "plu": "plus",
    "pu": "plus",
    "mé": "mais",
    "sa": "ca",
    "allocs": "allocations",
}

# Words carrying no meaning for routing (French and English).
STOPWORDS: frozenset[str] = frozenset(
    ["a", "au", "aux", "avec", "dans", "dan", "ce", "ces", "c", "cette", "d", "de", "des", "du", "elle", "en", "et", "eux", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "lui", "m", "ma", "mais", "me", "meme", "mes", "moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par", "pour", "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y", "est", "suis", "ai", "as", "avez", "ont", "sont", "etre", "avoir", "fait", "faire", "peux", "peut", "veux", "veut", "voudrais", "voudrait", "aimerais", "comment", "quoi", "quel", "quelle", "quels", "quelles", "est", "ce", "cela", "ca", "ici", "la", "bonjour", "bonsoir", "salut", "merci", "svp", "plait", "sil", "vous", "s", "il", "oui", "non", "ok", "alors", "donc", "car", "si", "tres", "trop", "plus", "moins", "bien", "encore", "deja", "aussi", "tout", "tous", "toute", "toutes", "rien", "the", "an", "and", "or", "of", "to", "in", "on", "at", "for", "is", "are", "am", "i", "my", "me", "you", "your", "it", "this", "that", "with", "be", "do", "does", "have", "has", "can", "cant", "please", "hello", "hi", "thanks", "how", "what", "where", "why", "when"]
)

_NUMBER_WORDS: dict[str, int] = {
    "un": 1, "une": 1, "premier": 1, "premiere": 1, "one": 1, "first": 1, "1er": 1, "1ere": 1,
    "deux": 2, "deuxieme": 2, "second": 2, "seconde": 2, "two": 2, "2eme": 2, "2e": 2,
    "trois": 3, "troisieme": 3, "three": 3, "third": 3, "3eme": 3, "3e": 3,
    "quatre": 4, "quatrieme": 4, "four": 4, "fourth": 4, "4eme": 4, "4e": 4,
    "cinq": 5, "cinquieme": 5, "five": 5, "fifth": 5, "5eme": 5, "5e": 5,
    "six": 6, "sixieme": 6, "sept": 7, "septieme": 7, "huit": 8, "huitieme": 8,
    "neuf": 9, "neuvieme": 9, "dix": 10, "dixieme": 10,
}  # fmt: skip
_NUMBER_PREFIXES = frozenset({"n", "no", "num", "numero", "le", "la", "choix", "option", "number"})
_ARABIC_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ةى", "01234567890123456789هي", "ـ"
)  # digits to ASCII; Arabic ta marbuta, alif maqsura and tatweel folded as people type them

_ELISION_PREFIXES = ("qu", "j", "l", "d", "m", "n", "s", "t", "c")
# Arabic glues the article and short prepositions to the noun ("الكاف", "بالكاف", "للكاف"):
# longest first, so the keyword "كاف" is found in all of them.
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل")

# the C PyStemmer when installed (a dependency; same stems, 20x faster), else pure Python
_stemmer_fr = snowballstemmer.stemmer("french")


# Every combining mark (accents, Arabic harakat…) deleted, and the ligatures people type
# spelled out: one C-level translate (4x faster than a regex over the ~900 mark characters).
_STRIP_MARKS: dict[int, str | None] = {
    c: None for c in range(0x300, 0x110000) if unicodedata.combining(chr(c))
}
_STRIP_MARKS.update({ord("œ"): "oe", ord("æ"): "ae", ord("ß"): "ss"})


@lru_cache(maxsize=256)
def normalise(text: str) -> str:
    """Lower-case, accent-free, punctuation-free, single-spaced text; empty if nothing is left.

    Cached (small): one step normalises the same message in several places.
    """
    if text.isascii():
        text = text.lower()  # NFKC, invisibles, Arabic digits: nothing to do; casefold = lower
    else:
        text = unicodedata.normalize("NFKC", text)
        text = _INVISIBLE.sub("", text).translate(_ARABIC_DIGITS)
        text = text.casefold()
        if not text.isascii():
            text = unicodedata.normalize("NFD", text).translate(_STRIP_MARKS)
    text = _NOT_WORD.sub(" ", text).replace("_", " ")
    text = _REPEATS.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if len(word) <= 3 or not word.isascii():
        return word
    return str(_stemmer_fr.stemWord(word))


def expand(tokens: Iterable[str]) -> list[str]:
    """Apply the SMS lexicon; may turn one token into several."""
    out: list[str] = []
    for tok in tokens:
        out.extend(SMS.get(tok, tok).split())
    return out


# the SMS entries that change a token (some map a word to itself), already split
_SMS_SPLIT: dict[str, tuple[str, ...]] = {k: tuple(v.split()) for k, v in SMS.items() if v != k}


def expand_split(tokens: list[str]) -> list[str]:
    """``expand`` of tokens as ``str.split`` gives them (non-empty, no whitespace), without
    a Python step per token when none of them is SMS spelling: the common case."""
    found = _SMS_SPLIT.keys() & tokens
    if not found:
        return tokens
    out: list[str] = []
    for tok in tokens:
        if tok in found:
            out.extend(_SMS_SPLIT[tok])
        else:
            out.append(tok)
    return out


def words(text: str) -> list[str]:
    """Normalised, SMS-expanded tokens of a message."""
    return expand_split(normalise(text).split())


def normalised_words(norm: str) -> list[str]:
    """``words`` of a text that ``normalise`` already returned, without normalising it again
    when that cannot change it: an ASCII lower-case result is a fixed point of ``normalise``."""
    if norm.isascii() and norm == norm.lower():
        return expand_split(norm.split())
    return words(norm)


_POLITE = frozenset({"svp", "stp", "s", "il", "vous", "te", "plait", "merci", "please", "pls"})
_GLUED_NUMBER = re.compile(r"^(?:n|no|num|numero)(\d{1,3})$")  # "N2", "no2"
_NEGATIVE = re.compile(r"^\s*[-\u2212]\s*\d")


def option_number(text: str, count: int) -> int | None:
    """The option a person picked by number ("2", "2️⃣", "deux", "n°2", "le 2"), if any."""
    lines = text.strip().splitlines()
    if len(lines) > 1 and lines[0].startswith(">"):
        # a quoted reply (Matrix reply fallback): the answer is what follows the quote
        text = "\n".join(line for line in lines if not line.startswith(">"))
    if _NEGATIVE.match(text):
        return None  # "-1" is not option 1
    toks = [t for t in normalise(text).split() if t not in _POLITE]
    if not toks or len(toks) > 3:
        return None
    toks = [t for t in toks if t not in _NUMBER_PREFIXES] or toks[-1:]
    if len(toks) != 1:
        return None
    tok = toks[0]
    value: int | None = None
    if glued := _GLUED_NUMBER.match(tok):
        tok = glued.group(1)
    if _DIGITS_ONLY.match(tok):
        value = int(tok) if len(tok) <= 3 else None
    elif tok in _NUMBER_WORDS:
        value = _NUMBER_WORDS[tok]
    elif tok in ("dernier", "derniere", "last"):
        value = count
    if value is not None and 1 <= value <= count:
        return value
    return None


# --------------------------------------------------------------------------- keyword index


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


def _cutoff(word: str) -> float | None:
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
        cutoff = _cutoff(word)
        if not found and cutoff is not None and self.vocab and not _HAS_DIGIT.search(word):
            pool = self._pool()
            for cand, score in self._best(pool.ratio(s, cutoff), 3, higher=True):
                if len(cand) <= 3:
                    continue  # a short keyword is exact or absent: "mort" is not "mot"
                found[cand] = max(found.get(cand, 0.0), score / 100.0)
            if not found and len(word) >= 5:
                # Levenshtein on the raw word catches typos that the stemmer reshaped.
                for cand, dist in self._best(pool.one_edit(word, surface=False), 2,
                                             higher=False):
                    if len(cand) >= 5:
                        found[cand] = max(found.get(cand, 0.0), 0.85 - 0.05 * dist)
            if not found and len(word) >= 7 and self.surface:
                # one letter off a keyword as written ("actualisaton" for "actualisation"):
                # the stemmer leaves the typo whole, so the stems above are too far apart.
                for cand, _ in self._best(pool.one_edit(word, surface=True), 2,
                                          higher=False, surface=True):
                    found[self.surface[cand]] = max(found.get(self.surface[cand], 0.0), 0.8)
        result = tuple(found.items())
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result

    def split_elision(self, word: str) -> tuple[str, ...]:
        """"mactualiser" -> ("m", "actualiser") when only the second form is known."""
        cached = self._split_cache.get(word)
        if cached is not None:
            return cached
        result: tuple[str, ...] = (word,)
        if len(word) >= 5 and stem(word) not in self.by_stem and word not in self.by_stem:
            for prefix in _ELISION_PREFIXES:
                rest = word[len(prefix) :]
                if word.startswith(prefix) and len(rest) >= 4 and (
                    stem(rest) in self.by_stem or rest in self.by_stem
                ):
                    result = (prefix, rest)
                    break
            if result == (word,) and not word.isascii():
                for prefix in _ARABIC_PREFIXES:
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


def label_similarity(text: str, label: str) -> float:
    """How much a message looks like an option label (0..100), for people who retype it."""
    a, b = normalise(text), normalise(label)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return float(fuzz.token_set_ratio(a, b)) if len(a) >= 4 else 0.0

"""Text as routing compares it: normalised (no accents, no punctuation, lower case), SMS
spelling expanded, stemmed; an option picked by number; a message that retypes a label.

People write from phones: no accents, SMS spelling ("jarrive pa"), typos, emoji, sometimes in
another script, so every comparison in the dialogues starts here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz

from bot.dialogue.matching.lexicon import NUMBER_PREFIXES, NUMBER_WORDS, SMS

# Invisible characters that phones and copy-paste slip into text: zero-width, bidi controls,
# variation selectors, the keycap combiner of "2️⃣", the BOM, soft hyphen.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\u20e3]"
)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_REPEATS = re.compile(r"(\D)\1{2,}")  # "aideeeee" -> "aide", but "3000" stays
_SPACES = re.compile(r"\s+")
_DIGITS_ONLY = re.compile(r"^\d+$")
HAS_DIGIT = re.compile(r"\d")
_ARABIC_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹ةى", "01234567890123456789هي", "ـ"
)  # digits to ASCII; Arabic ta marbuta, alif maqsura and tatweel folded as people type them

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
    toks = [t for t in toks if t not in NUMBER_PREFIXES] or toks[-1:]
    if len(toks) != 1:
        return None
    tok = toks[0]
    value: int | None = None
    if glued := _GLUED_NUMBER.match(tok):
        tok = glued.group(1)
    if _DIGITS_ONLY.match(tok):
        value = int(tok) if len(tok) <= 3 else None
    elif tok in NUMBER_WORDS:
        value = NUMBER_WORDS[tok]
    elif tok in ("dernier", "derniere", "last"):
        value = count
    if value is not None and 1 <= value <= count:
        return value
    return None


def label_similarity(text: str, label: str) -> float:
    """How much a message looks like an option label (0..100), for people who retype it."""
    a, b = normalise(text), normalise(label)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return float(fuzz.token_set_ratio(a, b)) if len(a) >= 4 else 0.0

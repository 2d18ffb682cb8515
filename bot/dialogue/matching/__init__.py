"""Understanding what people type: normalisation, option numbers, keywords with typo tolerance.

People write from phones: no accents, SMS spelling ("jarrive pa"), typos, emoji, sometimes in
another script. Everything is compared on a normalised, stemmed form, and typos are absorbed by
rapidfuzz against the (small) vocabulary of keywords the admins wrote, never against a
dictionary: we only need to recognise *our* words.

- ``text.py``: normalise, stem, SMS spelling, option numbers, label similarity;
- ``lexicon.py``: the SMS lexicon, stop words, numbers as words, glued prefixes;
- ``keywords.py``: ``KeywordIndex``, the admins' keywords with a typo-tolerant lookup;
- ``fuzzy.py``: how close a typo must be, and the candidates shared between indexes.
"""

from __future__ import annotations

from bot.dialogue.matching.fuzzy import FuzzyPool
from bot.dialogue.matching.keywords import Hit, Keyword, KeywordIndex, keyword_stems
from bot.dialogue.matching.lexicon import SMS, STOPWORDS
from bot.dialogue.matching.text import (
    _stemmer_fr,
    expand,
    expand_split,
    label_similarity,
    normalise,
    normalised_words,
    option_number,
    stem,
    words,
)

# _stemmer_fr: for the test that checks the C stemmer is the one picked up
__all__ = [
    "SMS",
    "STOPWORDS",
    "FuzzyPool",
    "Hit",
    "Keyword",
    "KeywordIndex",
    "_stemmer_fr",
    "expand",
    "expand_split",
    "keyword_stems",
    "label_similarity",
    "normalise",
    "normalised_words",
    "option_number",
    "stem",
    "words",
]

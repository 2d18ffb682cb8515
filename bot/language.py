"""Guessing which language a person writes in, and noticing when they ask for another one.

People write from a phone, often without accents, in SMS spelling, sometimes one word at a
time. A wrong guess would switch the whole conversation to a language the person does not
read, so :func:`detect` answers only when the evidence is clear and returns None otherwise;
the caller keeps the current language then.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal

# Words people write to ask for another language ("langue", "english", "عربي", ...).
LANGUAGE_WORDS: frozenset[str] = frozenset(
    {
        "langue", "langues", "language", "languages", "lang", "langage",
        "لغة", "اللغة", "لغه", "اللغه",
        "english", "anglais", "inglese", "ingles",
        "français", "francais", "french", "fransais", "fr",
        "arabe", "arabic", "arab", "عربي", "العربية", "عربية", "بالعربية", "بالعربي",
        "انجليزي", "الانجليزية", "الإنجليزية", "انجليزية", "بالانجليزية",
        "فرنسي", "الفرنسية", "فرنسية", "بالفرنسية", "بالفرنسي",
    }
)  # fmt: skip

# Words that name a language, each to its locale (after accent folding and lowercasing).
_NAMES: dict[str, str] = {
    "english": "en", "anglais": "en", "inglese": "en", "ingles": "en", "en": "en",
    "انجليزي": "en", "الانجليزية": "en", "انجليزية": "en", "بالانجليزية": "en",
    "francais": "fr", "french": "fr", "fransais": "fr", "fr": "fr",
    "فرنسي": "fr", "الفرنسية": "fr", "فرنسية": "fr", "بالفرنسية": "fr", "بالفرنسي": "fr",
    "arabe": "ar", "arabic": "ar", "arab": "ar", "ar": "ar",
    "عربي": "ar", "العربية": "ar", "عربية": "ar", "بالعربية": "ar", "بالعربي": "ar",
}  # fmt: skip

# Words that ask about language without naming one.
_ASK: frozenset[str] = frozenset(
    {"langue", "langues", "language", "languages", "lang", "langage",
     "لغة", "اللغة", "لغه", "اللغه"}
)  # fmt: skip

# Two-letter codes count only as a whole message: "en" is also a common French word.
_CODES_ALONE: frozenset[str] = frozenset({"en", "fr", "ar"})

# "je parle pas français", "I don't speak French", "ما نفهمش فرنسي": the named language is the
# one the person does *not* want, so the right answer is to ask.
_NEGATION_CORE: frozenset[str] = frozenset(
    {"pas", "not", "dont", "don't", "cant", "can't", "cannot", "no", "ne", "ما", "لا",
     "مانفهمش", "مافهمتش"}
)  # fmt: skip

# Ordinary words of each language; weight 2 for words the other language never uses.
_EN: dict[str, int] = {
    "the": 2, "and": 1, "is": 1, "are": 2, "i": 1, "i'm": 2, "im": 1, "my": 2, "you": 2,
    "your": 2, "what": 2, "how": 2, "why": 2, "where": 2, "when": 2, "can": 1, "cannot": 2,
    "can't": 2, "cant": 1, "don't": 2, "dont": 1, "do": 1, "does": 2, "have": 2, "has": 2,
    "need": 2, "want": 2, "help": 1, "please": 2, "thanks": 2, "thank": 2, "hello": 1,
    "hi": 1, "with": 2, "this": 2, "that": 2, "it": 1, "to": 1, "for": 1, "of": 1,
    "not": 1, "speak": 2, "english": 1, "account": 2, "password": 2, "login": 1,
    "log": 1, "money": 2, "job": 1, "would": 2, "could": 2, "should": 2, "get": 2,
    "am": 1, "was": 2, "be": 1, "yes": 1, "no": 1, "good": 2, "morning": 2, "sorry": 2,
    "understand": 2, "know": 2, "there": 2, "here": 1, "from": 2, "which": 2, "who": 2,
    "will": 2, "me": 1, "we": 2, "they": 2, "our": 2, "an": 1, "a": 0, "in": 1, "on": 0,
}  # fmt: skip
_FR: dict[str, int] = {
    "je": 2, "j": 2, "jai": 2, "j'ai": 2, "suis": 2, "tu": 2, "vous": 2, "il": 1,
    "elle": 2, "nous": 2, "le": 1, "la": 1, "les": 2, "un": 1, "une": 2, "des": 2, "du": 2,
    "de": 1, "et": 2, "est": 2, "pas": 2, "mon": 2, "ma": 1, "mes": 2, "ton": 1, "votre": 2,
    "avec": 2, "pour": 2, "dans": 2, "sur": 1, "que": 2, "qui": 1, "quoi": 2, "comment": 2,
    "pourquoi": 2, "ou": 1, "bonjour": 2, "bonsoir": 2, "merci": 2, "aide": 2, "aider": 2,
    "besoin": 2, "veux": 2, "voudrais": 2, "peux": 2, "arrive": 2, "jarrive": 2,
    "narrive": 2, "oui": 2, "non": 1, "svp": 2, "stp": 2, "slt": 2, "salut": 2,
    "compte": 2, "mot": 1, "passe": 1, "au": 1, "aux": 2, "ce": 1, "ca": 1, "sa": 1,
    "mais": 2, "avoir": 2, "fait": 2, "faire": 2, "quelqu'un": 2, "quelquun": 2,
    "parle": 1, "francais": 1, "ai": 1, "en": 1, "ne": 2, "me": 0, "a": 0,
}  # fmt: skip

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def _fold(text: str) -> str:
    """Lowercase Latin text without accents; Arabic letters are kept as they are, with the
    hamza forms of alif folded so "الإنجليزية" and "الانجليزية" meet."""
    text = text.lower().replace("’", "'").replace("`", "'")
    for a in "أإآ":
        text = text.replace(a, "ا")
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.category(ch) == "Mn" and not _is_arabic(ch):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _is_arabic(ch: str) -> bool:
    code = ord(ch)
    return (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    )


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def arabic_share(text: str) -> float:
    """Share of letters in Arabic script (0 when the text has no letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _is_arabic(ch)) / len(letters)


def detect(text: str) -> str | None:
    """``"ar"``, ``"en"`` or ``"fr"`` when the message clearly is in that language, else None.

    Arabic is recognised by its script. English and French by their everyday words, with
    margins wide enough that "hello" from a French speaker or "ok" or a lone "caf" decide
    nothing.
    """
    if arabic_share(text) > 0.5:
        return "ar"
    words = _words(text)
    if not words:
        return None
    en = sum(_EN.get(w, 0) for w in words)
    fr = sum(_FR.get(w, 0) for w in words)
    # French also splits "j'ai" into one token; count the elided forms too
    fr += sum(2 for w in words if re.match(r"^(j|l|d|qu|n|m|c|s)'", w))
    if en >= 2 and fr == 0:
        return "en"
    if fr >= 2 and en == 0:
        return "fr"
    if en >= 4 and en >= 2 * fr:
        return "en"
    if fr >= 4 and fr >= 2 * en:
        return "fr"
    return None


# Languages people write to Relais in (French, the served ones, and those of the desk's usual
# visitors); ``written_in`` names one of these. Low-accuracy mode: trigram models only, about
# 20 MB and a third of a millisecond, measured against the full mode in docs/understanding.md.
_WRITTEN = ("FRENCH", "ENGLISH", "ARABIC", "SPANISH", "PORTUGUESE", "TURKISH", "ROMANIAN",
            "RUSSIAN", "UKRAINIAN", "GERMAN", "ITALIAN", "POLISH", "DUTCH")


@lru_cache(maxsize=1)
def _lingua() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _WRITTEN]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def written_in(text: str) -> str | None:
    """The ISO 639-1 code of the language a message is written in, served or not, or None.

    For the served locales the word test of :func:`detect` decides (it never switched a held-out
    message to a wrong language, where the library did 51 times in 526); the library
    (lingua-language-detector) names the others, on messages long enough to tell.
    """
    served = detect(text)
    if served in ("ar", "fr") or len(_words(text)) < 3:
        return served  # French words or Arabic script: no need to wake the library up
    values = _lingua().compute_language_confidence_values(text)
    if values:
        best = str(values[0].language.iso_code_639_1.name).lower()
        if best not in ("fr", "en", "ar") and values[0].value >= 0.5:
            return best  # "no quiero vivir" is not English for having "no" in it
    return served


def requested_locale(text: str) -> str | Literal["ask"] | None:
    """What a message says about language.

    - a supported language named in a short message ("english", "en anglais svp",
      "العربية"): that locale;
    - "langue" / "language" / "لغة" alone, or a language the person says they do *not*
      speak ("je parle pas français"): ``"ask"``, so the bot offers the list;
    - anything else: None (the message is about something else).

    Only short messages count: in "je dois traduire mon acte en arabe pour la préfecture",
    the person asks about a procedure, not about the bot's language.
    """
    words = _words(text)
    if not words:
        return None
    if len(words) == 1 and words[0] in _CODES_ALONE:
        return _NAMES[words[0]]
    named = [_NAMES[w] for w in words if w in _NAMES and w not in _CODES_ALONE]
    asks = any(w in _ASK for w in words)
    if not named and not asks:
        return None
    if len(words) > 6:
        return None
    if named and any(w in _NEGATION_CORE for w in words):
        return "ask"
    distinct = sorted(set(named))
    if len(distinct) == 1:
        return distinct[0]
    return "ask"


__all__ = ["LANGUAGE_WORDS", "arabic_share", "detect", "requested_locale", "written_in"]

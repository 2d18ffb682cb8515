"""Distress detection: the first thing run on every message, in every state.

A missed distress message is the worst failure Relais can have, so the patterns favour recall:
a false alarm costs a mediator a minute, a miss can cost a life. Patterns run on the normalised
text (no accents, lower case, SMS spelling expanded), in French, English and Arabic, and cover
indirect phrasings ("je veux plus etre la"), not only the words "suicide" or "violence".

- ``categories.py``: the categories and the phrases naming each one;
- ``rules.py``: co-occurrence rules (every part somewhere in the message);
- ``idioms.py``: idioms that look like distress and are not, blanked first;
- ``concern_words.py``: the second tier, weak signs answered gently;
- ``regex.py``: RE2 in one pass when it can, ``re`` otherwise;
- ``scan.py``: ``detect`` and ``concern``.
"""

from __future__ import annotations

from bot.dialogue.safety.categories import Distress
from bot.dialogue.safety.idioms import BENIGN as _BENIGN
from bot.dialogue.safety.idioms import BENIGN_PREFILTER as _BENIGN_PREFILTER
from bot.dialogue.safety.idioms import without_idioms as _without_idioms
from bot.dialogue.safety.scan import CONCERN_SCANNER as _CONCERN_SCANNER
from bot.dialogue.safety.scan import SCANNER as _SCANNER
from bot.dialogue.safety.scan import (
    Alert,
    categories,
    concern,
    concern_re,
    detect,
    matched_parts,
    matched_parts_re,
)

# the underscored names: for the tests that check the RE2 and ``re`` answers agree
__all__ = [
    "_BENIGN",
    "_BENIGN_PREFILTER",
    "_CONCERN_SCANNER",
    "_SCANNER",
    "Alert",
    "Distress",
    "_without_idioms",
    "categories",
    "concern",
    "concern_re",
    "detect",
    "matched_parts",
    "matched_parts_re",
]

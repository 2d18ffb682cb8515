"""RE2 when it can answer, Python's ``re`` otherwise: the distress patterns are scanned in one
linear pass on ASCII text, and a quirk of either engine never costs a match.

RE2's ``\\b``, ``\\w`` and ``\\d`` are ASCII-only, so they agree with Python's exactly there.
Anything else (Arabic, a missing wheel, a pattern RE2 cannot compile, any error) goes to
``re``. (Hyperscan was tried first: it silently missed an idiom pattern on one message, so an
engine with a record of fuzzing and wide use was preferred for a safety path.)
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

try:
    import re2  # type: ignore[import-untyped]  # google-re2 ships no type hints
except ImportError:  # pragma: no cover - the re implementation answers alone
    re2 = None


def fold(pattern: str) -> str:
    """Write patterns as people write; match them as ``normalise`` leaves the text (Arabic
    hamza seats and diacritics removed, ta marbuta and alif maqsura folded)."""
    decomposed = unicodedata.normalize("NFD", pattern)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept.translate(str.maketrans("ةى", "هي"))


class PatternSet:
    """Numbered patterns in one RE2 set: a single automaton pass over the text (~1-7 µs).
    Compiled on first use; RE2 sets are thread-safe.

    ``patterns`` are (part id, pattern) pairs; several patterns may share a part id. Parts
    below ``phrase_parts`` are left out when asked for ``phrases=False``."""

    def __init__(self, patterns: Sequence[tuple[int, str]], phrase_parts: int) -> None:
        self._patterns = tuple(patterns)
        self._phrase_parts = phrase_parts
        self._lock = threading.Lock()
        self._set: Any = None
        self._ids: tuple[int, ...] = ()
        self._failed = re2 is None

    def _compiled(self) -> Any:
        with self._lock:
            if self._set is None and not self._failed:
                try:
                    options = re2.Options()
                    options.max_mem = 64 << 20  # room for the automaton: it must never give up
                    compiled = re2.Set.SearchSet(options)
                    for _, pattern in self._patterns:
                        compiled.Add(pattern)
                    compiled.Compile()
                    self._ids = tuple(pid for pid, _ in self._patterns)
                    self._set = compiled
                except Exception:  # any failure means: use re
                    self._failed = True
            return self._set

    def parts(self, text: str, *, phrases: bool = True) -> frozenset[int] | None:
        """The matched parts, or None when this text or this machine is not for RE2."""
        if self._failed or not text.isascii():
            return None
        compiled = self._set if self._set is not None else self._compiled()
        if compiled is None:
            return None
        try:
            hits = compiled.Match(text) or ()
        except Exception:  # an error must never cost a detection
            return None
        ids = self._ids
        found = {ids[i] for i in hits}
        if not phrases:
            found.difference_update(range(self._phrase_parts))
        return frozenset(found)


class OnePattern:
    """One pattern in RE2 for ASCII text (one linear pass), ``re`` for the rest or on any
    failure, as ``PatternSet``: a match must never be lost to an engine's quirk.
    ``search`` answers None when the caller must ask ``re``."""

    def __init__(self, source: str, max_mem: int = 16 << 20) -> None:
        self._source = source
        self._max_mem = max_mem
        self._lock = threading.Lock()
        self._compiled: Any = None
        self._failed = re2 is None

    def search(self, text: str) -> bool | None:
        if self._failed or not text.isascii():
            return None
        if self._compiled is None:
            with self._lock:
                if self._compiled is None and not self._failed:
                    try:
                        options = re2.Options()
                        options.max_mem = self._max_mem
                        self._compiled = re2.compile(self._source, options)
                    except Exception:  # any failure means: use re
                        self._failed = True
                        return None
        try:
            return self._compiled.search(text) is not None
        except Exception:  # an error must never cost a match
            return None

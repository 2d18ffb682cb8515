"""Plain French, checked: short sentences and short paragraphs, as people read on a phone.

``check`` warns (never fails) about a sentence over ``MAX_WORDS`` words and a paragraph over
``MAX_SENTENCES`` sentences, at the line where it starts. A paragraph is a group of lines
without an empty line between them; a sentence ends with . ! ? or … (or at the end of a line);
the items of a list ("- …", "1. …") are not counted as the paragraph's sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_WORDS = 25
MAX_SENTENCES = 4
_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_LIST_ITEM = re.compile(r"^\s*(?:[-•*–]|\d+[.)])\s")
_URL = re.compile(r"https?://\S+|\S+\.(?:fr|gouv|com|org)\S*")


@dataclass(frozen=True, slots=True)
class Finding:
    line: int  # 0-based line of the text where the sentence or paragraph starts
    message: str
    hint: str


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    """(line index, sentence) of every sentence, lines of a text each closing a sentence."""
    for index, line in enumerate(text.splitlines()):
        for part in _END.split(line.strip()):
            if part.strip():
                yield index, part.strip()


def _words(sentence: str) -> int:
    return len(_WORD.findall(_URL.sub("x", sentence)))


def findings(text: str) -> list[Finding]:
    out: list[Finding] = []
    paragraph_start: int | None = None
    count = 0
    lines = text.splitlines()
    for index, sentence in _sentences(text):
        words = _words(sentence)
        if words > MAX_WORDS:
            short = sentence if len(sentence) <= 60 else sentence[:57] + "…"
            out.append(Finding(index, f"a sentence of {words} words: « {short} »",
                               f"keep sentences under {MAX_WORDS + 1} words: one idea each"))
    for index, line in enumerate([*lines, ""]):
        if line.strip():
            if paragraph_start is None:
                paragraph_start, count = index, 0
            if not _LIST_ITEM.match(line):  # a list is read item by item, not as prose
                count += sum(1 for part in _END.split(line.strip()) if part.strip())
            continue
        if paragraph_start is not None and count > MAX_SENTENCES:
            out.append(Finding(paragraph_start, f"a paragraph of {count} sentences",
                               f"at most {MAX_SENTENCES} sentences: leave an empty line "
                               "between two ideas"))
        paragraph_start = None
    return sorted(out, key=lambda f: f.line)

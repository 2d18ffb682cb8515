"""Labelled first messages (TSV ``label<TAB>message`` or YAML), each kept with its writer.

The writer matters: a model is honest only on people it was not trained on, so every message
remembers the file (the writer) it came from, for leave-one-writer-out measurement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

DISTRESS_PREFIX = "urgence/"
NONE = "none"
NOT_DISTRESS = "not_distress"  # a hard negative whose topic nobody wrote: teaches safety only


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    label: str  # a topic id, "none", or "urgence/<category>"
    writer: str  # the file it came from, without its extension

    @property
    def is_distress(self) -> bool:
        return is_distress(self.label)


def is_distress(label: str) -> bool:
    return label.startswith(DISTRESS_PREFIX) or label == "urgence"


class CorpusError(ValueError):
    """A corpus file an admin wrote cannot be read; the message names the file and line."""


def read_tsv(path: Path) -> list[Labelled]:
    out: list[Labelled] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, text = line.partition("\t")
        if not sep or not text.strip() or not label.strip():
            raise CorpusError(f"{path}:{number}: expected 'label<TAB>message'")
        out.append(Labelled(text.strip(), label.strip(), path.stem))
    return out


def read_yaml(path: Path) -> list[Labelled]:
    """A YAML corpus: ``{label: [messages]}``, or a list of ``{label:, text:}``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: not valid YAML ({exc})") from None
    out: list[Labelled] = []
    if isinstance(data, dict):
        for label, texts in data.items():
            for text in texts or ():
                out.append(Labelled(str(text), str(label), path.stem))
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and "text" in item and "label" in item:
                out.append(Labelled(str(item["text"]), str(item["label"]), path.stem))
    if not out:
        raise CorpusError(f"{path}: no labelled message found")
    return out


def read(path: Path) -> list[Labelled]:
    """One corpus file, or every ``*.tsv`` file of a folder (one writer per file)."""
    if path.is_dir():
        files = sorted(path.glob("*.tsv"))
        return [m for f in files for m in read_tsv(f)]
    if path.suffix in (".yaml", ".yml"):
        return read_yaml(path)
    return read_tsv(path)


def writers(messages: Iterable[Labelled]) -> list[str]:
    return sorted({m.writer for m in messages}, key=_natural)


def _natural(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name.split("_", 1)[0] if ch.isdigit())
    return (int(digits) if digits else 10**6, name)

#!/usr/bin/env python3
"""Turn the project's earlier held-out and routing sets (tests/data/*.yaml) into corpus files.

They were written for this project by earlier outside writers; as ``dialogues/corpus/r_*.tsv``
they teach the classifier like any other writer's file (one writer per file). Run it again
after editing those sets: ``.venv/bin/python scripts/corpus_from_tests.py``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("distress", "heldout", "heldout2", "heldout3", "routing_fr", "routing_en")


def label_of(item: dict[str, object]) -> str:
    if item.get("distress"):
        return f"urgence/{item['distress']}"
    topic = item.get("topic")
    return str(topic) if topic else "none"


def rows(name: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((ROOT / "tests" / "data" / f"{name}.yaml").read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []
    if isinstance(data, dict):  # distress.yaml: {distress: [...], not_distress: [...]}
        for item in data.get("distress") or ():
            out.append((f"urgence/{item.get('category', 'other')}", str(item["text"])))
        for item in data.get("not_distress") or ():  # topic unknown: teaches distress only
            out.append((str(item.get("topic") or "not_distress"), str(item["text"])))
        return out
    for item in data:
        if isinstance(item, dict) and "text" in item:
            out.append((label_of(item), str(item["text"])))
    return out


def main() -> None:
    for name in SOURCES:
        lines = [f"{label}\t{' '.join(text.split())}" for label, text in rows(name)
                 if text.strip()]
        path = ROOT / "dialogues" / "corpus" / f"r_{name}.tsv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(lines)} messages")


if __name__ == "__main__":
    main()

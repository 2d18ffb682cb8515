"""Measuring understanding honestly: on an engine as it runs, or leave-one-writer-out.

Leave-one-writer-out trains the classifier without one writer's file and scores the engine on
that writer, for each writer in turn: the figure for people nobody tuned for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from bot.dialogue.engine import Engine
from bot.dialogue.model import Tree
from bot.understanding.build import build
from bot.understanding.corpus import Labelled, writers
from bot.understanding.evaluate import Report, evaluate


def on_engine(engine: Engine, messages: Sequence[Labelled]) -> Report:
    return evaluate(engine, messages)


def by_writer(tree: Tree, dialogues: Path, messages: Sequence[Labelled],
              *, cache: Path | None = None) -> Report:
    """One report over all messages, each scored by a model that never saw its writer.

    ``messages`` are scored; the training corpus is the one beside the dialogues, without the
    writer under test (a writer absent from it is simply unseen)."""
    total = Report()
    for writer in writers(messages):
        engine = Engine(tree, build(tree, dialogues, cache=cache, exclude_writer=writer))
        total.merge(evaluate(engine, [m for m in messages if m.writer == writer]))
    return total


def per_writer(tree: Tree, dialogues: Path, messages: Sequence[Labelled],
               *, cache: Path | None = None) -> dict[str, Report]:
    out: dict[str, Report] = {}
    for writer in writers(messages):
        engine = Engine(tree, build(tree, dialogues, cache=cache, exclude_writer=writer))
        out[writer] = evaluate(engine, [m for m in messages if m.writer == writer])
    return out


def cross_validated(tree: Tree, dialogues: Path, messages: Sequence[Labelled], *,
                    folds: int = 5, cache: Path | None = None) -> Report:
    """k-fold cross-validation: messages dealt into ``folds`` shuffled folds (a fixed seed),
    each scored by a model trained on the others. Writers are mixed across folds, so this is
    the optimistic figure next to leave-one-writer-out."""
    order = sorted(messages, key=lambda m: hashlib.sha256(m.text.encode()).hexdigest())
    total = Report()
    for k in range(folds):
        held = order[k::folds]
        engine = Engine(tree, build(tree, dialogues, cache=cache, exclude=held))
        total.merge(evaluate(engine, held))
    return total

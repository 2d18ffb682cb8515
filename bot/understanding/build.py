"""Building the understanding of a tree: its examples and keywords, plus the corpus beside it."""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from bot.dialogue.model import Tree
from bot.understanding import corpus
from bot.understanding.ensemble import Understanding
from bot.understanding.train import (
    TooLittleToLearn,
    default_cache,
    node_samples,
    samples_from_corpus,
    samples_from_tree,
    train,
)

log = logging.getLogger(__name__)


def corpus_folder(dialogues: Path) -> Path:
    return dialogues / "corpus"


def build(tree: Tree, dialogues: Path | None, *, cache: Path | None = None,
          exclude_writer: str | None = None,
          exclude: Collection[corpus.Labelled] = ()) -> Understanding | None:
    """Train (or load from the cache) the classifier for ``tree``.

    ``exclude_writer`` leaves one writer's file out: how leave-one-writer-out is measured;
    ``exclude`` leaves out single messages: how k-fold cross-validation is measured.
    """
    samples = samples_from_tree(tree)
    folder = corpus_folder(dialogues) if dialogues is not None else None
    left_out = set(exclude)
    if folder is not None and folder.is_dir():
        messages = [m for m in corpus.read(folder)
                    if m.writer != exclude_writer and m not in left_out]
        samples += samples_from_corpus(messages, tree)
    log.info("classifier: %d training examples", len(samples))
    try:
        models = train(samples, cache if cache is not None else default_cache(),
                       node_samples(tree))
    except TooLittleToLearn as exc:
        log.warning("keywords only: %s", exc)
        return None
    return Understanding(models)

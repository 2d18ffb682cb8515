"""Training the classifier from the trees (examples, keywords, labels) and the writers' corpus.

scikit-learn does the learning (tf-idf on ``features.analyse``, linear support vector machines,
chosen by measurement in docs/understanding.md); what comes out is exported to
``linear.LinearModel``, cached on disk by the hash of everything that went in, so a restart
with the same trees and corpus loads in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from bot.dialogue.model import TopicKind, Tree
from bot.understanding.corpus import DISTRESS_PREFIX, NONE, NOT_DISTRESS, Labelled, is_distress
from bot.understanding.linear import Group, LinearModel

log = logging.getLogger(__name__)

URGENCE = "urgence"
FORMAT = "relais-understanding-8"  # change it when features or training change
TOPIC_C = 1.0
DISTRESS_C = 0.5
DISTRESS_WEIGHT = 3.0  # a missed distress message costs more than a false alarm
KEYWORD_WEIGHT = 0.5  # a bare keyword says less than a whole message


class TooLittleToLearn(ValueError):
    """Nothing to tell apart: the engine then understands by keywords alone."""


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    label: str  # topic id, "none", or "urgence/<category>"
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Models:
    """One exported model: group ``main`` has columns ``t:`` topics (and "urgence"),
    ``d:distress`` and ``c:`` kinds of distress; group ``nodes:<topic>`` one column per answer
    node of that topic. One vocabulary for all, so a message's features are weighted once."""

    model: LinearModel


def samples_from_tree(tree: Tree) -> list[Sample]:
    """What the admins wrote: examples, keywords and option labels, each under its topic."""
    out: list[Sample] = []
    for topic in tree.topics:
        label = _topic_label(tree, topic.id)
        out.extend(Sample(e.text, label) for e in topic.examples)
        out.extend(Sample(k, label, KEYWORD_WEIGHT) for k in topic.keywords)
    for node in tree.nodes:
        label = _topic_label(tree, node.topic)
        for option in node.options:
            out.extend(Sample(e.text, label) for e in option.examples)
            out.extend(Sample(k, label, KEYWORD_WEIGHT) for k in option.keywords)
    return out


def _topic_label(tree: Tree, topic_id: str) -> str:
    topic = tree.topic(topic_id)
    if topic is not None and topic.kind is TopicKind.URGENT:
        return f"{DISTRESS_PREFIX}other"
    return topic_id


def node_samples(tree: Tree) -> list[Sample]:
    """Each option's examples, keywords and label, under the node key it leads to."""
    out: list[Sample] = []
    for node in tree.nodes:
        for option in node.options:
            target = tree.resolve(option, node.topic)
            if not target.startswith(f"{node.topic}:"):
                continue  # a way out to another topic: that topic's examples teach it
            out.extend(Sample(e.text, target) for e in option.examples)
            out.extend(Sample(k, target, KEYWORD_WEIGHT) for k in option.keywords)
            out.append(Sample(option.label, target, KEYWORD_WEIGHT))
    return out


def samples_from_corpus(messages: Iterable[Labelled], tree: Tree) -> list[Sample]:
    known = {t.id for t in tree.topics}
    return [Sample(m.text, m.label) for m in messages
            if m.label in known or m.label in (NONE, NOT_DISTRESS) or is_distress(m.label)]


def train(samples: Sequence[Sample], cache: Path | None = None,
          nodes: Sequence[Sample] = ()) -> Models:
    key = _hash([*samples, Sample("--nodes--", ""), *nodes])
    path = cache / f"understanding-{key}.npz" if cache is not None else None
    if path is not None and path.exists():
        try:
            return Models(LinearModel.load(path))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("the classifier cache could not be read (%s); training again", exc)
    models = Models(_fit(samples, nodes))
    if path is not None:
        try:
            models.model.save(path)
        except OSError as exc:  # a read-only cache costs time, never the answer
            log.warning("the classifier cache %s is not writable (%s)", cache, exc.strerror)
    return models


def default_cache() -> Path:
    base = os.environ.get("RELAIS_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "relais" if base else Path.home() / ".cache" / "relais"


def _fit(samples: Sequence[Sample], nodes: Sequence[Sample]) -> LinearModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from bot.understanding.features import analyse

    everything = [*samples, *nodes]
    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, dtype=np.float64)
    full = vectorizer.fit_transform([s.text for s in everything])
    matrix, node_matrix = full[: len(samples)], full[len(samples):]
    weights = np.array([s.weight for s in samples])
    parts: list[tuple[str, Any]] = []  # (prefix, fitted model)

    known = np.flatnonzero([s.label != NOT_DISTRESS for s in samples])
    labels = [URGENCE if is_distress(s.label) else s.label for s in samples]
    if len({labels[i] for i in known}) < 2:
        raise TooLittleToLearn("the classifier needs examples or keywords of two topics at least")
    parts.append(("t:", LinearSVC(C=TOPIC_C).fit(matrix[known], [labels[i] for i in known],
                                                 sample_weight=weights[known])))
    flags = np.array([is_distress(s.label) for s in samples])
    if flags.any() and not flags.all():  # a tree without distress examples leaves it to rules
        distress = LinearSVC(C=DISTRESS_C, class_weight={True: DISTRESS_WEIGHT, False: 1.0})
        parts.append(("d:", distress.fit(matrix, flags, sample_weight=weights)))
    kinds = np.flatnonzero([s.label.startswith(DISTRESS_PREFIX) for s in samples])
    if len({samples[int(i)].label for i in kinds}) > 1:
        parts.append(("c:", LinearSVC(C=TOPIC_C).fit(
            matrix[kinds], [samples[int(i)].label[len(DISTRESS_PREFIX):] for i in kinds])))
    if len({s.label for s in nodes}) > 1:
        parts.append(("n:", LinearSVC(C=TOPIC_C).fit(
            node_matrix, [s.label for s in nodes],
            sample_weight=np.array([s.weight for s in nodes]))))

    classes: list[str] = []
    coefs: list[np.ndarray[Any, Any]] = []
    intercepts: list[np.ndarray[Any, Any]] = []
    node_model: Any = None
    for prefix, model in parts:
        if prefix == "n:":
            node_model = model
            continue
        names = [str(c) for c in model.classes_]
        if len(names) == 2 and model.coef_.shape[0] == 1:  # binary: one column, "True" side
            names = ["distress"] if prefix == "d:" else names[1:]
        classes.extend(prefix + n for n in names)
        coefs.append(np.asarray(model.coef_, dtype=np.float32).T)
        intercepts.append(np.asarray(model.intercept_, dtype=np.float32))
    groups = {"main": Group(tuple(classes), np.ascontiguousarray(np.hstack(coefs)),
                            np.concatenate(intercepts))}
    if node_model is not None:
        groups.update(_node_groups(node_model))
    return LinearModel(
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=np.asarray(vectorizer.idf_, dtype=np.float32),
        groups=groups,
    )


def _node_groups(model: Any) -> dict[str, Group]:
    """The node model's columns split by topic: a message pays only for its topic's nodes."""
    names = [str(c) for c in model.classes_]
    coef = np.asarray(model.coef_, dtype=np.float32).T
    if coef.shape[1] == 1:  # two nodes in all: one column for the second, its negation
        coef = np.hstack([-coef, coef])
        intercept = np.asarray([-model.intercept_[0], model.intercept_[0]], dtype=np.float32)
    else:
        intercept = np.asarray(model.intercept_, dtype=np.float32)
    out: dict[str, Group] = {}
    for topic in sorted({n.split(":", 1)[0] for n in names}):
        columns = [i for i, n in enumerate(names) if n.startswith(f"{topic}:")]
        out[f"nodes:{topic}"] = Group.compact(tuple(names[i] for i in columns),
                                              coef[:, columns], intercept[columns])
    return out


def _hash(samples: Sequence[Sample]) -> str:
    # the version from the package metadata: importing scikit-learn costs ~100 MB, and a start
    # from the cache must not pay it
    digest = hashlib.sha256(f"{FORMAT}|{metadata.version('scikit-learn')}|{TOPIC_C}|{DISTRESS_C}|"
                            f"{DISTRESS_WEIGHT}".encode())
    for s in samples:
        digest.update(json.dumps([s.text, s.label, s.weight], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:24]

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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.dialogue.model import TopicKind, Tree
from bot.understanding.corpus import DISTRESS_PREFIX, NONE, NOT_DISTRESS, Labelled, is_distress
from bot.understanding.linear import LinearModel

log = logging.getLogger(__name__)

URGENCE = "urgence"
FORMAT = "relais-understanding-4"  # change it when features or training change
TOPIC_C = 0.5
DISTRESS_C = 0.5
DISTRESS_WEIGHT = 3.0  # a missed distress message costs more than a false alarm
KEYWORD_WEIGHT = 0.5  # a bare keyword says less than a whole message


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    label: str  # topic id, "none", or "urgence/<category>"
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Models:
    topics: LinearModel  # topic ids + "none" + "urgence"
    distress: LinearModel  # one column: how much a message reads as distress
    category: LinearModel | None  # suicide / violence / child / shelter / medical / other
    nodes: LinearModel | None = None  # answer node keys, from the options' examples


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
    if cache is not None:
        loaded = _load_cached(cache, key)
        if loaded is not None:
            return loaded
    models = _fit(samples)
    if len({s.label for s in nodes}) > 1:
        models = replace(models, nodes=_fit_nodes(nodes))
    if cache is not None:
        try:
            _save_cached(cache, key, models)
        except OSError as exc:  # a read-only cache costs time, never the answer
            log.warning("the classifier cache %s is not writable (%s)", cache, exc.strerror)
    return models


def default_cache() -> Path:
    base = os.environ.get("RELAIS_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "relais" if base else Path.home() / ".cache" / "relais"


def _fit(samples: Sequence[Sample]) -> Models:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from bot.understanding.features import analyse

    texts = [s.text for s in samples]
    weights = np.array([s.weight for s in samples])
    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, min_df=1, dtype=np.float64)
    matrix = vectorizer.fit_transform(texts)
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    idf = np.asarray(vectorizer.idf_, dtype=np.float64)

    def export(model: LinearSVC, classes: tuple[str, ...]) -> LinearModel:
        coef = np.asarray(model.coef_, dtype=np.float64).T.copy()
        return LinearModel(classes, vocabulary, idf, coef,
                           np.asarray(model.intercept_, dtype=np.float64))

    known = np.flatnonzero([s.label != NOT_DISTRESS for s in samples])
    topic_labels = [URGENCE if is_distress(s.label) else s.label for s in samples]
    topics = LinearSVC(C=TOPIC_C).fit(matrix[known], [topic_labels[i] for i in known],
                                      sample_weight=weights[known])
    flags = np.array([is_distress(s.label) for s in samples])
    distress = LinearSVC(C=DISTRESS_C, class_weight={True: DISTRESS_WEIGHT, False: 1.0})
    distress.fit(matrix, flags, sample_weight=weights)
    category: LinearModel | None = None
    cats = [s.label[len(DISTRESS_PREFIX):] for s in samples if s.label.startswith(DISTRESS_PREFIX)]
    if len(set(cats)) > 1:
        sub = matrix[np.flatnonzero(flags & np.array([s.label.startswith(DISTRESS_PREFIX)
                                                      for s in samples]))]
        cat_model = LinearSVC(C=TOPIC_C).fit(sub, cats)
        category = export(cat_model, tuple(str(c) for c in cat_model.classes_))
    return Models(
        topics=export(topics, tuple(str(c) for c in topics.classes_)),
        distress=export(distress, ("distress",)),
        category=category,
    )


def _fit_nodes(samples: Sequence[Sample]) -> LinearModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from bot.understanding.features import analyse

    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, dtype=np.float64)
    matrix = vectorizer.fit_transform([s.text for s in samples])
    model = LinearSVC(C=TOPIC_C).fit(matrix, [s.label for s in samples],
                                     sample_weight=np.array([s.weight for s in samples]))
    return LinearModel(tuple(str(c) for c in model.classes_),
                       {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
                       np.asarray(vectorizer.idf_, dtype=np.float64),
                       np.asarray(model.coef_, dtype=np.float64).T.copy(),
                       np.asarray(model.intercept_, dtype=np.float64))


def _hash(samples: Sequence[Sample]) -> str:
    import sklearn

    digest = hashlib.sha256(f"{FORMAT}|{sklearn.__version__}|{TOPIC_C}|{DISTRESS_C}|"
                            f"{DISTRESS_WEIGHT}".encode())
    for s in samples:
        digest.update(json.dumps([s.text, s.label, s.weight], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:24]


def _paths(cache: Path, key: str) -> dict[str, Path]:
    return {name: cache / f"understanding-{key}-{name}.npz"
            for name in ("topics", "distress", "category", "nodes")}


def _load_cached(cache: Path, key: str) -> Models | None:
    paths = _paths(cache, key)
    if not (paths["topics"].exists() and paths["distress"].exists()):
        return None
    try:
        return Models(
            topics=LinearModel.load(paths["topics"]),
            distress=LinearModel.load(paths["distress"]),
            category=LinearModel.load(paths["category"]) if paths["category"].exists() else None,
            nodes=LinearModel.load(paths["nodes"]) if paths["nodes"].exists() else None,
        )
    except (OSError, ValueError, KeyError) as exc:
        log.warning("the classifier cache could not be read (%s); training again", exc)
        return None


def _save_cached(cache: Path, key: str, models: Models) -> None:
    paths = _paths(cache, key)
    models.topics.save(paths["topics"])
    models.distress.save(paths["distress"])
    if models.category is not None:
        models.category.save(paths["category"])
    if models.nodes is not None:
        models.nodes.save(paths["nodes"])

"""The exported model scores exactly as scikit-learn's pipeline would, and survives the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.understanding.features import analyse
from bot.understanding.linear import LinearModel
from bot.understanding.train import TOPIC_C, Sample, train

TEXTS = [
    ("jarrive pas a me connecter a la caf", "caf"), ("mon apl est pas tombee", "caf"),
    ("la caf me reclame un trop percu", "caf"), ("carte vitale perdue", "ameli"),
    ("remboursement ameli en retard", "ameli"), ("mon medecin traitant", "ameli"),
    ("je veux mourir", "urgence/suicide"), ("il me frappe tous les soirs", "urgence/violence"),
    ("bonjour ca va", "none"), ("quel temps fait il", "none"),
]
UNSEEN = ["jarive pa a me conecter caf", "vitale", "je veux plus vivre", "", "😂😂"]


def test_exported_scores_equal_scikit_learn() -> None:
    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True)
    matrix = vectorizer.fit_transform([t for t, _ in TEXTS])
    reference = LinearSVC(C=TOPIC_C).fit(matrix, [lab.split("/")[0] for _, lab in TEXTS])
    models = train([Sample(t, lab) for t, lab in TEXTS])
    group = models.model.groups["main"]
    topics = [i for i, c in enumerate(group.classes) if c.startswith("t:")]
    assert [group.classes[i][2:] for i in topics] == [str(c) for c in reference.classes_]
    for text in UNSEEN:
        ours = group.scores(models.model.vector(text))[topics]
        theirs = reference.decision_function(vectorizer.transform([text]))[0]
        assert np.allclose(ours, theirs, atol=1e-4), text


def test_cache_round_trip(tmp_path: Path) -> None:
    samples = [Sample(t, lab) for t, lab in TEXTS]
    first = train(samples, tmp_path)
    files = list(tmp_path.glob("understanding-*.npz"))
    assert len(files) == 1
    again = train(samples, tmp_path)  # from the file, not trained
    loaded = LinearModel.load(files[0])
    for text in UNSEEN:
        a = first.model.groups["main"].scores(first.model.vector(text))
        b = again.model.groups["main"].scores(again.model.vector(text))
        c = loaded.groups["main"].scores(loaded.vector(text))
        assert np.allclose(a, b) and np.allclose(a, c)


def test_a_changed_example_trains_again(tmp_path: Path) -> None:
    train([Sample(t, lab) for t, lab in TEXTS], tmp_path)
    train([Sample(t, lab) for t, lab in TEXTS[:-1]], tmp_path)
    assert len(list(tmp_path.glob("understanding-*.npz"))) == 2


def test_unreadable_cache_is_trained_again(tmp_path: Path) -> None:
    samples = [Sample(t, lab) for t, lab in TEXTS]
    train(samples, tmp_path)
    for f in tmp_path.glob("understanding-*.npz"):
        f.write_bytes(b"not a model")
    models = train(samples, tmp_path)
    assert "t:caf" in models.model.groups["main"].classes


def test_a_compact_group_scores_as_the_dense_one() -> None:
    from bot.understanding.linear import Group

    rng = np.random.default_rng(3)
    coef = rng.normal(size=(50, 4)).astype(np.float32)
    coef[rng.random(50) < 0.7] = 0.0  # most features carry no weight for these classes
    intercept = rng.normal(size=4).astype(np.float32)
    dense = Group(("a", "b", "c", "d"), coef, intercept)
    compact = Group.compact(("a", "b", "c", "d"), coef, intercept)
    assert compact.coef.shape[0] < coef.shape[0]
    for _ in range(20):
        index = rng.choice(50, size=12, replace=False).astype(np.intp)
        values = rng.random(12).astype(np.float32)
        assert np.allclose(dense.scores((index, values)), compact.scores((index, values)),
                           atol=1e-5)
    assert np.allclose(compact.scores(None), intercept)

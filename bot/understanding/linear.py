"""A trained linear model, exported to plain arrays and scored without per-call library cost.

scikit-learn trains it (``train.py``); here it is only a vocabulary, idf weights and weight
columns. Scoring a message is a dictionary look-up per feature and small matrix products: tens
of microseconds, where a scikit-learn pipeline call costs hundreds. Columns come in groups
(``main``: topics, distress, kinds of distress; one group per topic for its answer nodes) so a
message only pays for the groups it needs.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.understanding.features import analyse

Floats = NDArray[np.float32]
Vector = tuple[NDArray[np.intp], Floats]  # feature rows, their l2-normalised tf-idf weights


@dataclass(frozen=True, slots=True)
class Group:
    classes: tuple[str, ...]
    coef: Floats  # features x classes, or only the rows ``rows`` names
    intercept: Floats  # one per class
    rows: NDArray[np.int32] | None = None  # feature -> row of ``coef`` (-1: all weights zero)

    @classmethod
    def compact(cls, classes: tuple[str, ...], coef: Floats, intercept: Floats) -> Group:
        """Keep only the features with a weight: a model of a few answers trained on a few
        hundred examples leaves most of the vocabulary at zero (tens of MB saved)."""
        used = np.flatnonzero(np.any(coef != 0, axis=1))
        rows = np.full(coef.shape[0], -1, dtype=np.int32)
        rows[used] = np.arange(len(used), dtype=np.int32)
        return cls(classes, np.ascontiguousarray(coef[used]), intercept, rows)

    def scores(self, vector: Vector | None) -> Floats:
        if vector is None:
            return self.intercept.copy()
        index, values = vector
        if self.rows is not None:
            positions = self.rows[index].astype(np.intp)
            kept = positions >= 0
            index, values = positions[kept], values[kept]
        result: Floats = values @ self.coef[index] + self.intercept
        return result


@dataclass(frozen=True, slots=True)
class LinearModel:
    vocabulary: dict[str, int]
    idf: Floats  # one per feature
    groups: dict[str, Group]

    def vector(self, text: str) -> Vector | None:
        """A message's features, weighted as the training weighted them (sublinear tf-idf)."""
        counts = Counter(analyse(text))
        size = len(counts)
        columns = np.fromiter(map(self.vocabulary.get, counts, repeat(-1, size)),
                              dtype=np.intp, count=size)
        known = columns >= 0
        if not known.any():
            return None
        index = columns[known]
        tf = np.fromiter(counts.values(), dtype=np.float32, count=size)[known]
        values = ((1.0 + np.log(tf)) * self.idf[index]).astype(np.float32, copy=False)
        values /= math.sqrt(float(values @ values))
        return index, values

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {"idf": self.idf}
        names = list(self.groups)
        for i, name in enumerate(names):
            arrays[f"coef{i}"] = self.groups[name].coef
            arrays[f"intercept{i}"] = self.groups[name].intercept
            if self.groups[name].rows is not None:
                arrays[f"rows{i}"] = self.groups[name].rows
        meta = {"vocabulary": self.vocabulary, "groups": [
            {"name": n, "classes": list(self.groups[n].classes)} for n in names]}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        tmp = path.with_suffix(".tmp.npz")
        with tmp.open("wb") as out:
            np.savez(out, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path) as data:
            meta: dict[str, Any] = json.loads(bytes(data["meta"]).decode())
            groups = {g["name"]: Group(tuple(g["classes"]), data[f"coef{i}"].astype(np.float32),
                                       data[f"intercept{i}"].astype(np.float32),
                                       data.get(f"rows{i}", None))
                      for i, g in enumerate(meta["groups"])}
            return cls(dict(meta["vocabulary"]), data["idf"].astype(np.float32), groups)

"""A trained linear model, exported to plain arrays and scored without per-call library cost.

scikit-learn trains it (``train.py``); here it is only a vocabulary, idf weights and one weight
column per class. Scoring a message is a dictionary look-up per feature and one small matrix
product: tens of microseconds, where a scikit-learn pipeline call costs hundreds.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.understanding.features import analyse

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class LinearModel:
    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: Floats  # one per feature
    coef: Floats  # features x classes
    intercept: Floats  # one per class

    def scores(self, text: str) -> Floats:
        """The decision value of each class for a message (sublinear tf-idf, l2-normalised)."""
        counts = Counter(analyse(text))
        vocab = self.vocabulary
        columns: list[int] = []
        weights: list[float] = []
        for feature, count in counts.items():
            column = vocab.get(feature)
            if column is not None:
                columns.append(column)
                weights.append(1.0 + math.log(count))
        if not columns:
            return self.intercept.copy()
        index = np.fromiter(columns, dtype=np.intp, count=len(columns))
        values = np.fromiter(weights, dtype=np.float64, count=len(weights)) * self.idf[index]
        values /= math.sqrt(float(values @ values))
        result: Floats = values @ self.coef[index] + self.intercept
        return result

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"classes": list(self.classes), "vocabulary": self.vocabulary}
        tmp = path.with_suffix(".tmp.npz")
        with tmp.open("wb") as out:
            np.savez(out, idf=self.idf, coef=self.coef, intercept=self.intercept,
                     meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path) as data:
            meta: dict[str, Any] = json.loads(bytes(data["meta"]).decode())
            return cls(classes=tuple(meta["classes"]), vocabulary=dict(meta["vocabulary"]),
                       idf=data["idf"].astype(np.float64), coef=data["coef"].astype(np.float64),
                       intercept=data["intercept"].astype(np.float64))

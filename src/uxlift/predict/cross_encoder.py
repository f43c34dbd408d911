"""A pretrained encoder fine-tuned on (user history, item) texts: the text-only route.

Training uses every positive and a seeded sample of negatives (``negatives_per_positive``),
capped at ``max_train`` texts, so fine-tuning fits a CPU budget; the language-model
layer (:class:`~uxlift.text.classifier.TextClassifier`) does the fine-tuning, early
stopping and checkpoints. Because negatives were thinned, the raw probabilities
overstate positives; a two-parameter logistic recalibration on the (natural-rate)
validation set puts them back on the right scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin

from uxlift.errors import InvalidInput, NotFitted
from uxlift.text.classifier import TextClassifier

_EPS = 1e-6


def fit_logistic_recalibration(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) minimizing log loss of sigmoid(a * logit(p) + b) on held-out labels."""
    z = logit(np.clip(p, _EPS, 1 - _EPS))
    y = np.asarray(y, dtype=np.float64)

    def loss(ab: np.ndarray) -> float:
        q = np.clip(expit(ab[0] * z + ab[1]), _EPS, 1 - _EPS)
        return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))

    result = minimize(loss, x0=np.array([1.0, 0.0]), method="Nelder-Mead")
    return float(result.x[0]), float(result.x[1])


class CrossEncoderPredictor(ClassifierMixin, BaseEstimator):
    """Fine-tunes ``encoder`` to read a pair text and say whether the target follows."""

    def __init__(
        self,
        *,
        encoder: str = "minilm",
        epochs: int = 3,
        max_length: int = 128,
        batch_size: int = 32,
        learning_rate: float = 5e-5,
        negatives_per_positive: int = 3,
        max_train: int = 6000,
        max_calibration: int = 3000,
        time_budget_s: float | None = 900.0,
        models_dir: str | None = None,
        progress: bool = False,
        random_state: int = 0,
    ) -> None:
        self.encoder = encoder
        self.epochs = epochs
        self.max_length = max_length
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.negatives_per_positive = negatives_per_positive
        self.max_train = max_train
        self.max_calibration = max_calibration
        self.time_budget_s = time_budget_s
        self.models_dir = models_dir
        self.progress = progress
        self.random_state = random_state

    def _sample(self, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        positives = np.flatnonzero(y == 1)
        negatives = np.flatnonzero(y == 0)
        n_pos = min(len(positives), self.max_train // (1 + self.negatives_per_positive))
        n_neg = min(
            len(negatives), max(self.max_train - n_pos, n_pos * self.negatives_per_positive)
        )
        chosen = np.concatenate(
            [
                rng.choice(positives, n_pos, replace=False),
                rng.choice(negatives, n_neg, replace=False),
            ]
        )
        return np.sort(chosen)

    def fit(
        self,
        texts: Sequence[str],
        y: np.ndarray,
        *,
        times: np.ndarray | None = None,
        eval_set: tuple[Sequence[str], np.ndarray] | None = None,
    ) -> CrossEncoderPredictor:
        y = np.asarray(y).astype(np.int64)
        if len(texts) != len(y):
            raise InvalidInput(f"{len(texts)} texts but {len(y)} labels")
        if len(np.unique(y)) < 2:
            raise InvalidInput("training needs both positive and negative examples")
        rng = np.random.default_rng(self.random_state)
        rows = self._sample(y, rng)
        self.classifier_ = TextClassifier(
            method="finetune",
            encoder=self.encoder,
            epochs=self.epochs,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            max_length=self.max_length,
            blend=False,
            class_weight=None,
            augment=False,
            validation="chronological" if times is not None else "stratified",
            time_budget_s=self.time_budget_s,
            models_dir=self.models_dir,
            progress=self.progress,
            random_state=self.random_state,
        ).fit(
            [texts[i] for i in rows.tolist()],
            y[rows].tolist(),
            times=None if times is None else np.asarray(times)[rows],
        )
        self.train_examples_ = len(rows)
        self.recalibration_ = (1.0, 0.0)
        if eval_set is not None:
            val_texts, val_y = eval_set
            val_y = np.asarray(val_y).astype(np.int64)
            keep = np.arange(len(val_y))
            if len(keep) > self.max_calibration:
                keep = np.sort(rng.choice(keep, self.max_calibration, replace=False))
            raw = self._raw([val_texts[i] for i in keep.tolist()])
            if len(np.unique(val_y[keep])) == 2:
                self.recalibration_ = fit_logistic_recalibration(raw, val_y[keep])
        self.classes_ = np.array([0, 1])
        return self

    def _raw(self, texts: Sequence[str]) -> np.ndarray:
        proba = self.classifier_.predict_proba(list(texts))
        column = self.classifier_.classes_.tolist().index(1)
        return proba[:, column]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not hasattr(self, "classifier_"):
            raise NotFitted("CrossEncoderPredictor is not fitted")
        a, b = self.recalibration_
        p = expit(a * logit(np.clip(self._raw(texts), _EPS, 1 - _EPS)) + b)
        return np.column_stack([1 - p, p])

    def save(self, path: Path) -> Path:
        if not hasattr(self, "classifier_"):
            raise NotFitted("CrossEncoderPredictor is not fitted")
        import json

        path = Path(path)
        self.classifier_.save(path / "classifier")
        meta: dict[str, Any] = {
            "params": self.get_params(),
            "recalibration": list(self.recalibration_),
            "train_examples": self.train_examples_,
        }
        (path / "cross_encoder.json").write_text(json.dumps(meta), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> CrossEncoderPredictor:
        import json

        path = Path(path)
        meta = json.loads((path / "cross_encoder.json").read_text(encoding="utf-8"))
        model = cls(**meta["params"])
        model.classifier_ = TextClassifier.load(path / "classifier")
        model.recalibration_ = tuple(meta["recalibration"])
        model.train_examples_ = int(meta["train_examples"])
        model.classes_ = np.array([0, 1])
        return model

"""Sentiment of opinion texts: negative / neutral / positive, with a score.

A text goes to one of two heads, each a logistic regression on frozen sentence
embeddings of a pretrained transformer:

* ``en``: English (Latin-script) texts, on all-MiniLM-L6-v2 through its fast CPU
  path (the English stream is usually the big one, and this is the fast path);
* ``multi``: every other language, on multilingual-e5-small. It is trained on
  the texts of every language, so English labels teach it too (e5 maps a
  sentence and its translation close together).

The score is ``P(positive) - P(negative)``, in [-1, 1]. Probabilities are
temperature-calibrated on a held-out split, and C is picked there too.

Heads are plain arrays (coefficients, intercepts, classes, temperature) saved as
``.npz``: no pickles, so a model directory is safe to load and small enough to
ship. The default model ships with the package (see
:mod:`uxlift.monitor.default_sentiment`); ``uxlift train sentiment`` fits one on
a team's own labels and keeps the default's head for a language they have no
labels in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput, NotFitted, NotFound
from uxlift.text.language import detect_language

SENTIMENTS = ("negative", "neutral", "positive")
HEADS = ("en", "multi")
LABEL_ALIASES: dict[str, str] = {
    "negative": "negative",
    "neg": "negative",
    "0": "negative",
    "-1": "negative",
    "bad": "negative",
    "负面": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "中性": "neutral",
    "positive": "positive",
    "pos": "positive",
    "1": "positive",
    "good": "positive",
    "正面": "positive",
}
MANIFEST = "sentiment.json"
FORMAT_VERSION = 1

Encode = Callable[[Sequence[str]], np.ndarray]


def normalize_label(raw: Any) -> str:
    """``negative``/``neutral``/``positive`` for a label in any common spelling
    (``0``/``1`` binary datasets, ``neg``/``pos``, 负面/中性/正面)."""
    key = str(raw).strip().lower()
    if key.endswith(".0"):
        key = key[:-2]
    if key not in LABEL_ALIASES:
        raise ValueError(
            f"unknown sentiment label {raw!r}: use negative/neutral/positive (or 0/1, neg/pos)"
        )
    return LABEL_ALIASES[key]


def head_for(text: str) -> str:
    """The head that reads ``text``: ``en`` for Latin script, ``multi`` otherwise."""
    return "en" if detect_language(text, default="en") == "en" else "multi"


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": self.score, "confidence": self.confidence}


@dataclass(frozen=True)
class LinearHead:
    """Multinomial logistic regression on embeddings, with a calibrating temperature."""

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float
    C: float
    encoder_id: str
    n_train: int
    validation_accuracy: float

    @classmethod
    def fit(
        cls,
        vectors: np.ndarray,
        labels: Sequence[str],
        *,
        encoder_id: str,
        seed: int = 0,
        balance: bool = True,
    ) -> LinearHead:
        from uxlift.text import linear
        from uxlift.text.calibration import fit_temperature
        from uxlift.text.splits import validation_split

        y_text = np.asarray(labels, dtype=object)
        classes = tuple(c for c in SENTIMENTS if c in set(y_text.tolist()))
        if len(classes) < 2:
            raise InvalidInput(
                "sentiment training needs at least two of negative/neutral/positive",
                details=[{"field": "label", "reason": f"only {list(classes)} present"}],
            )
        y = np.array([classes.index(v) for v in y_text], dtype=np.int64)
        fit_idx, val_idx = validation_split(
            y_text.tolist(), fraction=min(0.2, 800 / len(y)), seed=seed
        )
        weight = _balanced(y, len(classes)) if balance else None
        c, model = linear.choose_c(
            vectors[fit_idx], y[fit_idx], vectors[val_idx], y[val_idx],
            class_weight=weight, seed=seed,
        )  # fmt: skip
        val_logits = logits_of(model.decision_function(vectors[val_idx]), len(classes))
        temperature = fit_temperature(val_logits, y[val_idx])
        accuracy = float((val_logits.argmax(axis=1) == y[val_idx]).mean())
        final = linear.logistic_regression(c, class_weight=weight, seed=seed).fit(vectors, y)
        coef, intercept = symmetric_weights(final, len(classes))
        return cls(
            classes=classes,
            coef=coef.astype(np.float32),
            intercept=intercept.astype(np.float32),
            temperature=float(temperature),
            C=float(c),
            encoder_id=encoder_id,
            n_train=len(y),
            validation_accuracy=accuracy,
        )

    def proba(self, vectors: np.ndarray) -> np.ndarray:
        """Probabilities over :data:`SENTIMENTS` (zero for a class the head never saw)."""
        from scipy.special import softmax

        logits = vectors.astype(np.float32) @ self.coef.T + self.intercept
        own = softmax(logits.astype(np.float64) / self.temperature, axis=1)
        out = np.zeros((len(vectors), len(SENTIMENTS)))
        for j, label in enumerate(self.classes):
            out[:, SENTIMENTS.index(label)] = own[:, j]
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"coef": self.coef, "intercept": self.intercept}

    def describe(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "temperature": self.temperature,
            "C": self.C,
            "encoder_id": self.encoder_id,
            "n_train": self.n_train,
            "validation_accuracy": round(self.validation_accuracy, 4),
        }


def _balanced(y: np.ndarray, n_classes: int) -> dict[int, float] | None:
    """Class weights that balance the classes when the largest is over 3x the smallest."""
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    if counts.max() <= 3 * max(counts.min(), 1):
        return None
    weights = counts.sum() / (n_classes * np.maximum(counts, 1))
    return dict(enumerate(weights.tolist()))


def symmetric_weights(model: Any, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """A fitted logistic regression's weights with one row per class (scikit-learn
    keeps a single row for two classes)."""
    coef, intercept = np.asarray(model.coef_), np.asarray(model.intercept_)
    if n_classes == 2:
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return coef, intercept


def logits_of(scores: np.ndarray, n_classes: int) -> np.ndarray:
    """``decision_function`` scores as one column per class."""
    scores = np.asarray(scores, dtype=np.float64)
    if n_classes == 2 and scores.ndim == 1:
        return np.column_stack([-scores / 2, scores / 2])
    return scores


class SentimentModel:
    """Two heads (see the module docstring) behind one ``predict``.

    ``encoders`` maps a head name to a function from texts to unit vectors; the
    service passes the installation's encoders, so their caches are shared.
    ``balance`` weighs classes equally when one is over three times another's size;
    the default model keeps the natural mix instead (its few neutral sentences
    would otherwise claim every mild complaint).
    """

    def __init__(
        self, *, encoders: dict[str, Encode] | None = None, balance: bool = True, seed: int = 0
    ) -> None:
        self.encoders = encoders
        self.balance = balance
        self.seed = seed
        self.heads_: dict[str, LinearHead] = {}

    # -- training ----------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        encoder_ids: dict[str, str] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> SentimentModel:
        texts = [str(t) for t in texts]
        if len(texts) != len(labels):
            raise InvalidInput("texts and labels differ in length")
        if not texts:
            raise InvalidInput("no texts to train on", details=[{"field": "texts"}])
        normalized = [normalize_label(v) for v in labels]
        routes = [head_for(t) for t in texts]
        english = [i for i, r in enumerate(routes) if r == "en"]
        ids = encoder_ids or {}
        heads: dict[str, LinearHead] = {}
        if english:
            if progress:
                progress(f"encoding {len(english)} English texts")
            vectors = self._encode("en", [texts[i] for i in english])
            heads["en"] = LinearHead.fit(
                vectors, [normalized[i] for i in english],
                encoder_id=ids.get("en", "en"), seed=self.seed, balance=self.balance,
            )  # fmt: skip
        if len(english) < len(texts):
            if progress:
                progress(f"encoding {len(texts)} texts for the multilingual head")
            vectors = self._encode("multi", texts)
            heads["multi"] = LinearHead.fit(
                vectors, normalized, encoder_id=ids.get("multi", "multi"), seed=self.seed,
                balance=self.balance,
            )  # fmt: skip
        self.heads_ = heads
        return self

    def with_fallback(self, other: SentimentModel) -> SentimentModel:
        """Keep ``other``'s head for each language this model has no head for."""
        for name, head in other.heads_.items():
            self.heads_.setdefault(name, head)
        return self

    # -- prediction --------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities over :data:`SENTIMENTS`, one row per text."""
        if not self.heads_:
            raise NotFitted("the sentiment model is not fitted: call fit() or load() first")
        texts = [str(t) for t in texts]
        out = np.zeros((len(texts), len(SENTIMENTS)))
        groups: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            groups.setdefault(self.route(text), []).append(i)
        for name, members in groups.items():
            vectors = self._encode(name, [texts[i] for i in members])
            out[members] = self.heads_[name].proba(vectors)
        return out

    def predict(self, texts: Sequence[str]) -> list[str]:
        proba = self.predict_proba(texts)
        return [SENTIMENTS[j] for j in proba.argmax(axis=1)]

    def classify(self, texts: Sequence[str]) -> list[Sentiment]:
        """Label, score ``P(positive) - P(negative)`` and the label's probability."""
        proba = self.predict_proba(texts)
        best = proba.argmax(axis=1)
        return [
            Sentiment(
                label=SENTIMENTS[j],
                score=round(float(row[2] - row[0]), 4),
                confidence=round(float(row[j]), 4),
            )
            for row, j in zip(proba, best, strict=True)
        ]

    def route(self, text: str) -> str:
        """The head that reads ``text`` (its script's, or the only one there is)."""
        wanted = head_for(text)
        if wanted in self.heads_:
            return wanted
        return next(iter(self.heads_))

    def _encode(self, head: str, texts: list[str]) -> np.ndarray:
        if self.encoders is None or head not in self.encoders:
            raise NotFitted(f"the sentiment model has no encoder for its {head!r} head")
        return np.asarray(self.encoders[head](texts), dtype=np.float32)

    # -- persistence -------------------------------------------------------
    def save(self, path: Path, *, info: dict[str, Any] | None = None) -> Path:
        if not self.heads_:
            raise NotFitted("the sentiment model is not fitted: nothing to save")
        path.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": FORMAT_VERSION,
            "heads": {name: head.describe() for name, head in self.heads_.items()},
            "info": info or {},
        }
        for name, head in self.heads_.items():
            np.savez(path / f"head_{name}.npz", **head.to_arrays())
        (path / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path, *, encoders: dict[str, Encode] | None = None) -> SentimentModel:
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            raise NotFound(f"no sentiment model at {path} ({MANIFEST} missing)")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION:
            raise InvalidInput(f"sentiment model format {manifest.get('format')} is not supported")
        model = cls(encoders=encoders)
        for name, described in manifest["heads"].items():
            with np.load(path / f"head_{name}.npz") as arrays:
                model.heads_[name] = LinearHead(
                    classes=tuple(described["classes"]),
                    coef=arrays["coef"],
                    intercept=arrays["intercept"],
                    temperature=float(described["temperature"]),
                    C=float(described["C"]),
                    encoder_id=str(described["encoder_id"]),
                    n_train=int(described["n_train"]),
                    validation_accuracy=float(described["validation_accuracy"]),
                )
        model.info_ = manifest.get("info", {})
        return model

    def describe(self) -> dict[str, Any]:
        return {
            "heads": {name: head.describe() for name, head in self.heads_.items()},
            "info": getattr(self, "info_", {}),
        }

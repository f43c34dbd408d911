"""Topics learned from labels: when a team has texts labelled with topics.

One logistic regression per encoder head (see :mod:`uxlift.monitor.sentiment`)
on the same embeddings the sentiment model reads, so a text is still encoded
once. A text gets the most probable topic when its calibrated probability
reaches ``min_probability``; a label ``none`` (or ``other``) teaches what
belongs to no topic. Heads are arrays in ``.npz`` files, like the sentiment
model's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput, NotFound
from uxlift.monitor.sentiment import head_for, logits_of, symmetric_weights

Encode = Callable[[Sequence[str]], np.ndarray]
NO_TOPIC = ("none", "other")
MANIFEST = "topics.json"


class SupervisedTopics:
    def __init__(self, *, encoders: dict[str, Encode], min_probability: float = 0.5) -> None:
        self.encoders = encoders
        self.min_probability = min_probability
        self.heads_: dict[str, dict[str, Any]] = {}

    @property
    def topics(self) -> list[str]:
        names = {c for head in self.heads_.values() for c in head["classes"]}
        return sorted(n for n in names if n.lower() not in NO_TOPIC)

    def fit(self, texts: Sequence[str], labels: Sequence[str], seed: int = 0) -> SupervisedTopics:
        from uxlift.text import linear
        from uxlift.text.calibration import fit_temperature
        from uxlift.text.splits import validation_split

        texts, labels = [str(t) for t in texts], [str(v).strip() for v in labels]
        if len(texts) != len(labels) or not texts:
            raise InvalidInput("need one topic label per text, and some texts")
        groups: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            groups.setdefault(head_for(text), []).append(i)
        for head, members in groups.items():
            y_text = [labels[i] for i in members]
            classes = sorted(set(y_text))
            if len(classes) < 2:
                raise InvalidInput(
                    f"the {head!r} texts need at least two topics (or 'none')",
                    details=[{"field": "label", "reason": f"only {classes}"}],
                )
            y = np.array([classes.index(v) for v in y_text])
            vectors = np.asarray(self.encoders[head]([texts[i] for i in members]))
            fit_idx, val_idx = validation_split(y_text, fraction=min(0.2, 400 / len(y)), seed=seed)
            c, model = linear.choose_c(
                vectors[fit_idx], y[fit_idx], vectors[val_idx], y[val_idx], seed=seed
            )
            logits = logits_of(model.decision_function(vectors[val_idx]), len(classes))
            temperature = fit_temperature(logits, y[val_idx])
            final = linear.logistic_regression(c, seed=seed).fit(vectors, y)
            coef, intercept = symmetric_weights(final, len(classes))
            self.heads_[head] = {
                "classes": classes, "coef": coef.astype(np.float32),
                "intercept": intercept.astype(np.float32), "temperature": temperature,
                "validation_accuracy": float((logits.argmax(axis=1) == y[val_idx]).mean()),
            }  # fmt: skip
        return self

    def assign(
        self, texts: Sequence[str], vectors: dict[str, np.ndarray] | None = None
    ) -> list[tuple[str, ...]]:
        from scipy.special import softmax

        out: list[tuple[str, ...]] = [() for _ in texts]
        groups: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            head = head_for(text)
            if head in self.heads_:
                groups.setdefault(head, []).append(i)
        for head, members in groups.items():
            given = None if vectors is None else vectors.get(head)
            if given is None or len(given) != len(members):
                given = np.asarray(self.encoders[head]([texts[i] for i in members]))
            spec = self.heads_[head]
            logits = np.asarray(given, dtype=np.float32) @ spec["coef"].T + spec["intercept"]
            proba = softmax(logits.astype(np.float64) / spec["temperature"], axis=1)
            for row, i in enumerate(members):
                j = int(proba[row].argmax())
                name = spec["classes"][j]
                if proba[row, j] >= self.min_probability and name.lower() not in NO_TOPIC:
                    out[i] = (name,)
        return out

    def save(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        manifest = {}
        for head, spec in self.heads_.items():
            np.savez(path / f"head_{head}.npz", coef=spec["coef"], intercept=spec["intercept"])
            manifest[head] = {k: spec[k] for k in ("classes", "temperature", "validation_accuracy")}
        (path / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path, *, encoders: dict[str, Encode]) -> SupervisedTopics:
        if not (path / MANIFEST).is_file():
            raise NotFound(f"no topic model at {path}")
        model = cls(encoders=encoders)
        for head, spec in json.loads((path / MANIFEST).read_text(encoding="utf-8")).items():
            with np.load(path / f"head_{head}.npz") as arrays:
                model.heads_[head] = {**spec, "coef": arrays["coef"],
                                      "intercept": arrays["intercept"]}  # fmt: skip
        return model

"""Do two questions mean the same? A calibrated score from lexical and dense evidence.

Customer-service questions that mean the same often share few words ("how do I
close my card" / "cancel card please"), and ones that share many may differ
("raise my limit" / "lower my limit"). :class:`QuestionMatcher` describes a
pair by

- BM25 both ways, each divided by the document's score against itself (so 1
  means "every weighted word of the document is in the query"), averaged;
- the cosine of the two texts' embeddings (any :class:`~uxlift.text.encoders.Encoder`;
  multilingual-e5 for Chinese);
- their product (agreement of the two);

and fits a logistic regression on labelled pairs, so its output is a
probability: a threshold means the same thing on any data it was fitted to.
BM25's statistics come from the texts being compared (no labels), tokenized
by uxlift's zh/en tokenizer (jieba for Chinese).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput, NotFitted
from uxlift.text.bm25 import BM25

FEATURES = ("bm25", "cosine", "bm25_x_cosine")


def lexical_similarity(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """Symmetric, self-normalized BM25 between the texts of each pair (0 to 1)."""
    _check_pairs(a, b)
    index = BM25().fit([*a, *b])
    forward = index.pair_scores(a, b) / np.maximum(index.pair_scores(b, b), 1e-12)
    backward = index.pair_scores(b, a) / np.maximum(index.pair_scores(a, a), 1e-12)
    return np.clip(0.5 * (forward + backward), 0.0, 1.0)


def dense_similarity(encoder: Any, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """Cosine of the two texts' embeddings, per pair."""
    _check_pairs(a, b)
    vectors = encoder.encode([*a, *b])
    return np.sum(vectors[: len(a)] * vectors[len(a) :], axis=1).astype(np.float64)


class QuestionMatcher:
    """Same-meaning probability of question pairs (sklearn-style: fit, predict_proba)."""

    def __init__(self, encoder: Any, *, c: float = 1.0) -> None:
        self.encoder = encoder
        self.c = c

    def features(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        lexical = lexical_similarity(a, b)
        dense = dense_similarity(self.encoder, a, b)
        return np.column_stack([lexical, dense, lexical * dense])

    def fit(self, a: Sequence[str], b: Sequence[str], same: Sequence[int]) -> QuestionMatcher:
        return self.fit_features(self.features(a, b), same)

    def fit_features(self, features: np.ndarray, same: Sequence[int]) -> QuestionMatcher:
        """Fit on pairs already described by :meth:`features`."""
        from sklearn.linear_model import LogisticRegression

        labels = np.asarray(same, dtype=np.int64)
        if len(labels) != len(features) or set(np.unique(labels).tolist()) != {0, 1}:
            raise InvalidInput("need one 0/1 label per pair, with both labels present")
        self.model_ = LogisticRegression(C=self.c, max_iter=1000).fit(features, labels)
        return self

    def predict_proba(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """P(same meaning) per pair."""
        return self.proba_from_features(self.features(a, b))

    def proba_from_features(self, features: np.ndarray) -> np.ndarray:
        if not hasattr(self, "model_"):
            raise NotFitted("QuestionMatcher is not fitted")
        return self.model_.predict_proba(features)[:, 1]


def _check_pairs(a: Sequence[str], b: Sequence[str]) -> None:
    if isinstance(a, str) or isinstance(b, str) or len(a) != len(b):
        raise InvalidInput("expected two equally long sequences of texts")

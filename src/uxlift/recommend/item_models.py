"""Item-to-item linear models: EASE, and uxlift's recency-weighted sequential EASE.

EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019)
learns an item-item weight matrix B in closed form,

    B = I - P / diag(P),  P = (X^T X + lambda I)^-1,

and scores a user's items as ``x_u B``. :class:`SequentialEASE` keeps the same B
but weighs the user's history by recency: the item touched last counts 1 +
``floor``, one touched ``half_life`` interactions earlier counts 0.5 + ``floor``.
On per-user chronological splits, what someone did last says most about what
they do next, and a live user vector like this follows each new click at once.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from uxlift.errors import InvalidInput, NotFitted
from uxlift.recommend.interactions import Interactions
from uxlift.recommend.recency import decayed, sequence_weights

MAX_DENSE_ITEMS = 40_000  # EASE inverts an items x items matrix


def ease_weights(X: sp.csr_matrix, l2: float) -> np.ndarray:
    """The EASE item-item matrix (float32, zero diagonal) for users x items ``X``."""
    n_items = X.shape[1]
    if n_items > MAX_DENSE_ITEMS:
        raise InvalidInput(
            f"EASE needs a dense {n_items}x{n_items} inverse; at most "
            f"{MAX_DENSE_ITEMS} items are supported"
        )
    gram = (X.T @ X).toarray().astype(np.float64)
    gram[np.diag_indices(n_items)] += l2
    P = np.linalg.inv(gram)
    B = P / (-np.diag(P))
    B[np.diag_indices(n_items)] = 0.0
    return B.astype(np.float32)


def recency_weights(interactions: Interactions, half_life: float, floor: float) -> np.ndarray:
    """Per row: 2 ** (-age / half_life) + floor, age = later interactions of the same user."""
    position, length = interactions.positions()
    return decayed((length - 1 - position).astype(np.float64), half_life, floor)


class EASE(BaseEstimator):
    """Steck's EASE on binary user-item interactions (the strongest simple peer)."""

    def __init__(self, *, l2: float = 200.0) -> None:
        self.l2 = l2

    def fit(self, train: Interactions) -> EASE:
        if self.l2 <= 0:
            raise InvalidInput("l2 must be positive")
        self.history_ = self._history(train)
        self.weights_ = ease_weights(train.seen(), self.l2)
        self.n_items_ = train.n_items
        return self

    def _history(self, train: Interactions) -> sp.csr_matrix:
        return train.seen().astype(np.float32)

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise NotFitted(f"{type(self).__name__} is not fitted")

    def score(self, users: np.ndarray) -> np.ndarray:
        """(len(users), n_items) scores; higher is better."""
        self._check_fitted()
        return np.asarray(self.history_[np.asarray(users)] @ self.weights_)

    def score_vector(self, profile: sp.csr_matrix) -> np.ndarray:
        """Scores for ad-hoc user rows (1 x n_items sparse), e.g. a live session."""
        self._check_fitted()
        return np.asarray(profile @ self.weights_)

    def save(self, path: Path) -> Path:
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        np.save(path / "weights.npy", self.weights_)
        sp.save_npz(path / "history.npz", self.history_)
        (path / "params.json").write_text(json.dumps(self.get_params()), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> EASE:
        path = Path(path)
        model = cls(**json.loads((path / "params.json").read_text(encoding="utf-8")))
        model.weights_ = np.load(path / "weights.npy")
        model.history_ = sp.load_npz(path / "history.npz").tocsr()
        model.n_items_ = model.weights_.shape[0]
        return model


class SequentialEASE(EASE):
    """EASE with a recency-weighted user vector: uxlift's item-to-item core."""

    def __init__(self, *, l2: float = 200.0, half_life: float = 3.0, floor: float = 0.05) -> None:
        super().__init__(l2=l2)
        self.half_life = half_life
        self.floor = floor

    def _history(self, train: Interactions) -> sp.csr_matrix:
        if self.half_life <= 0 or self.floor < 0:
            raise InvalidInput("half_life must be positive and floor non-negative")
        weights = recency_weights(train, self.half_life, self.floor)
        return train.matrix(weights).astype(np.float32)

    def profile(self, items: list[int] | np.ndarray, n_items: int | None = None) -> sp.csr_matrix:
        """A user vector from an item sequence, oldest first (the live path)."""
        items = np.asarray(items, dtype=np.int64)
        weights = sequence_weights(len(items), self.half_life, self.floor)
        n = self.n_items_ if n_items is None else n_items
        row = sp.csr_matrix((weights, (np.zeros(len(items), np.int64), items)), shape=(1, n))
        row.sum_duplicates()
        return row.astype(np.float32)

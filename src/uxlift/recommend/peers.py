"""The peers of the offline benchmark, with the protocol's settings.

Popularity; implicit ALS (64 factors, regularization 0.05, 20 iterations);
implicit BPR (64 factors, 100 iterations); implicit item-kNN cosine (K 100);
EASE (lambda 200, :mod:`uxlift.recommend.item_models`). Each has ``fit(train)``
and ``score(users)`` like uxlift's own models, so one loop evaluates them all.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from uxlift.errors import NotFitted
from uxlift.recommend.interactions import Interactions
from uxlift.recommend.item_models import EASE


class _Fitted(BaseEstimator):
    def _check_fitted(self) -> None:
        if not hasattr(self, "n_items_"):
            raise NotFitted(f"{type(self).__name__} is not fitted")


class Popularity(_Fitted):
    """Items by their number of interactions in training."""

    def fit(self, train: Interactions) -> Popularity:
        self.counts_ = np.bincount(train.item, minlength=train.n_items).astype(np.float64)
        self.n_items_ = train.n_items
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return np.tile(self.counts_, (len(users), 1))


class _ImplicitPeer(_Fitted):
    """Shared fit for the ``implicit`` package's models (single-threaded BLAS, as it asks)."""

    def _model(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def fit(self, train: Interactions) -> _ImplicitPeer:
        self.history_ = train.seen().astype(np.float32)
        with threadpool_limits(1, "blas"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # implicit warns about BLAS threads it now has
            model = self._model()
            model.fit(self.history_, show_progress=False)
        self.model_ = model
        self.n_items_ = train.n_items
        return self


class ALS(_ImplicitPeer):
    def __init__(
        self,
        *,
        factors: int = 64,
        regularization: float = 0.05,
        iterations: int = 20,
        random_state: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.iterations = iterations
        self.random_state = random_state

    def _model(self):
        from implicit.cpu.als import AlternatingLeastSquares

        return AlternatingLeastSquares(
            factors=self.factors,
            regularization=self.regularization,
            iterations=self.iterations,
            random_state=self.random_state,
            num_threads=2,
        )

    def score(self, users: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return self.model_.user_factors[np.asarray(users)] @ self.model_.item_factors.T


class BPR(_ImplicitPeer):
    def __init__(self, *, factors: int = 64, iterations: int = 100, random_state: int = 0) -> None:
        self.factors = factors
        self.iterations = iterations
        self.random_state = random_state

    def _model(self):
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        return BayesianPersonalizedRanking(
            factors=self.factors,
            iterations=self.iterations,
            random_state=self.random_state,
            num_threads=1,  # several threads make BPR's SGD order, and so its result, vary
        )

    def score(self, users: np.ndarray) -> np.ndarray:
        self._check_fitted()
        return self.model_.user_factors[np.asarray(users)] @ self.model_.item_factors.T


class ItemKNN(_ImplicitPeer):
    def __init__(self, *, neighbours: int = 100) -> None:
        self.neighbours = neighbours

    def _model(self):
        from implicit.nearest_neighbours import CosineRecommender

        return CosineRecommender(K=self.neighbours, num_threads=1)

    def score(self, users: np.ndarray) -> np.ndarray:
        self._check_fitted()
        similarity: sp.csr_matrix = self.model_.similarity
        return np.asarray((self.history_[np.asarray(users)] @ similarity).todense())


def benchmark_peers() -> dict[str, BaseEstimator]:
    """The protocol's peers, untuned, by the names reports use."""
    return {
        "popularity": Popularity(),
        "als": ALS(),
        "bpr": BPR(),
        "item_knn": ItemKNN(),
        "ease": EASE(l2=200.0),
    }

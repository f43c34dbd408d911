"""Candidate sources and the features a ranker sees for each (user, candidate item).

Five sources are fitted on the same interactions (:class:`SourceModels`):

- sequential EASE: item-item weights applied to the recency-weighted history;
- plain EASE: the same weights on the unweighted history (long-term taste);
- implicit ALS: collaborative filtering by matrix factorization;
- item-kNN: cosine neighbours of the recency-weighted history;
- co-visitation: what followed or preceded the user's recent items within
  sessions, recent sessions weighing more (:mod:`uxlift.recommend.covisitation`);

- content, when item text vectors are given: how close an item's text is to
  the recency-weighted mean of the user's items' texts (exact cosine). It
  describes candidates but does not add any, so a live user's candidates are
  the only items scored;

and one more is read from the item activity at the user's visit: what is
trending (most interacted with in the 7 days before).

A user's candidates are the top of sequential EASE plus the top of ALS,
item-kNN, co-visitation and trending. Each candidate is described by every
source's score and rank within the user's candidates, the item's popularity
overall and around the user's visit (trending then), how long the item had
existed by then, and the user's history length. The offline benchmark
(:class:`RankingSources`, many users of a training set) and a server (one live
user) build these the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from uxlift.errors import InvalidInput
from uxlift.recommend.covisitation import covisitation
from uxlift.recommend.interactions import Interactions
from uxlift.recommend.item_models import ease_weights, recency_weights
from uxlift.recommend.peers import ALS, ItemKNN
from uxlift.recommend.recency import sequence_weights

_DAY = 86_400.0
_CACHED_WINDOWS = 8
SOURCES = ("sequential", "ease", "als", "knn", "covisit", "trending", "content")
# top n_extra of each; content is only a feature (as candidates it cost 0.002 NDCG@10 on
# MovieLens), and brings new items in through the serving path's own slots
EXTRA_SOURCES = ("als", "knn", "covisit", "trending")
TRENDING_WINDOW_S = 7 * _DAY


def prune_rows(weights: np.ndarray, keep: int) -> sp.csr_matrix:
    """Each row's ``keep`` largest-magnitude entries (a user vector picks rows)."""
    n = weights.shape[0]
    keep = min(keep, weights.shape[1])
    cols = np.argpartition(-np.abs(weights), keep - 1, axis=1)[:, :keep]
    values = np.take_along_axis(weights, cols, 1)
    pruned = sp.csr_matrix(
        (values.ravel(), (np.repeat(np.arange(n), keep), cols.ravel())), shape=weights.shape
    )
    pruned.eliminate_zeros()
    return pruned


class ItemActivity:
    """When items were interacted with: window counts around any visit time."""

    def __init__(self, items: np.ndarray, times: np.ndarray, n_items: int) -> None:
        order = np.argsort(times, kind="stable")
        self.times, self.items, self.n_items = times[order], items[order], n_items
        self.total = np.bincount(items, minlength=n_items).astype(np.float64)
        self.first_seen = np.full(n_items, np.inf)
        np.minimum.at(self.first_seen, items, times)
        self._cache: dict[tuple[float, float], np.ndarray] = {}
        self._lock = threading.Lock()

    def counts(self, start: float, stop: float) -> np.ndarray:
        """Interactions per item in [start, stop) (the last few windows asked are kept)."""
        key = (start, stop)
        found = self._cache.get(key)
        if found is None:
            lo, hi = np.searchsorted(self.times, [start, stop])
            found = np.bincount(self.items[lo:hi], minlength=self.n_items).astype(np.float64)
            with self._lock:
                if len(self._cache) >= _CACHED_WINDOWS:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[key] = found
        return found


class SourceModels:
    """The fitted sources; scores any batch of user vectors."""

    def __init__(
        self,
        train: Interactions,
        *,
        l2: float,
        half_life: float,
        floor: float,
        neighbours: int,
        random_state: int,
        item_vectors: np.ndarray | None = None,
    ) -> None:
        self.n_items = train.n_items
        if item_vectors is not None and len(item_vectors) != train.n_items:
            raise InvalidInput("item_vectors must have one row per catalog item")
        self.item_vectors = None if item_vectors is None else unit_rows(item_vectors)
        self.half_life, self.floor = half_life, floor
        self.weights = prune_rows(ease_weights(train.seen(), l2), neighbours)
        self.als = ALS(random_state=random_state).fit(train)
        self.similarity = self.knn_similarity(ItemKNN().fit(train))
        self.covisits = covisitation(train)

    @staticmethod
    def knn_similarity(knn: ItemKNN) -> sp.csr_matrix:
        return sp.csr_matrix(knn.model_.similarity, dtype=np.float32)

    def live_weights(self, sequence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distinct items, their summed recency weights) of one user's sequence (item
        codes, oldest first): the nonzeros of that user's recency-weighted row."""
        sequence = np.asarray(sequence, dtype=np.int64)
        items, inverse = np.unique(sequence, return_inverse=True)
        weights = sequence_weights(len(sequence), self.half_life, self.floor)
        summed = np.bincount(inverse.reshape(-1), weights=weights, minlength=len(items))
        return items, summed.astype(np.float32)

    def live_scores(self, sequence: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`scores` for one user given by their sequence (rows of shape (1, n)),
        summing the few matrix rows it touches instead of a sparse product."""
        items, weights = self.live_weights(sequence)
        owner, offsets = row_entries(self.weights, items)
        columns, values = self.weights.indices[offsets], self.weights.data[offsets]
        als = self.live_als_vector(items)
        return {
            "sequential": _summed(columns, values * weights[owner], self.n_items),
            "ease": _summed(columns, values, self.n_items),
            "als": np.asarray(als @ self.als.model_.item_factors.T, dtype=np.float64),
            "knn": _row_sum(self.similarity, items, weights),
            "covisit": _row_sum(self.covisits, items, weights),
            "content": np.zeros((1, self.n_items)),  # content picks no candidates: see below
        }

    def fill_content(self, row: np.ndarray, sequence: np.ndarray, items: np.ndarray) -> None:
        """Content scores of ``items`` (the chosen candidates) into ``row``: the cosine of
        their text to the recency-weighted mean of the sequence's texts, as
        :meth:`content_scores` computes for every item."""
        if self.item_vectors is None or not len(sequence):
            return
        touched, weights = self.live_weights(sequence)
        profile = unit_rows((weights @ self.item_vectors[touched])[None, :])[0]
        row[0, items] = self.item_vectors[items] @ profile

    def live_als_vector(self, items: np.ndarray) -> np.ndarray:
        """ALS user factors solved for a user the model was not fitted on, who touched
        the distinct ``items``.

        For binary rows (confidence 1, implicit's default alpha) ALS's normal
        equations reduce to u = (Y'Y + reg I)^-1 sum of the user's item factors:
        one cached 64x64 matrix, instead of a solve per request.
        """
        model = self.als.model_
        if len(items) == 0:
            return np.zeros((1, model.factors), np.float32)
        if model.alpha == 1.0:
            solve = self.__dict__.get("_als_solve")
            if solve is None:
                Y = np.asarray(model.item_factors, dtype=np.float64)
                solve = np.linalg.inv(Y.T @ Y + model.regularization * np.eye(Y.shape[1]))
                self.__dict__["_als_solve"] = solve
            summed = np.asarray(model.item_factors[items], dtype=np.float64).sum(axis=0)
            return (solve @ summed).astype(np.float32).reshape(1, -1)
        row = sp.csr_matrix(
            (np.ones(len(items), np.float32), (np.zeros(len(items), np.int64), items)),
            shape=(1, self.n_items),
        )
        return np.asarray(model.recalculate_user(0, row)).reshape(1, -1)

    def scores(
        self, recent: sp.csr_matrix, whole: sp.csr_matrix, als_users: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Every source's scores for a batch of users (rows aligned)."""
        return {
            "sequential": (recent @ self.weights).toarray().astype(np.float64),
            "ease": (whole @ self.weights).toarray().astype(np.float64),
            "als": np.asarray(als_users @ self.als.model_.item_factors.T, dtype=np.float64),
            "knn": (recent @ self.similarity).toarray().astype(np.float64),
            "covisit": (recent @ self.covisits).toarray().astype(np.float64),
            "content": self.content_scores(recent),
        }

    def content_scores(self, recent: sp.csr_matrix) -> np.ndarray:
        """Cosine of every item's text to each user's recency-weighted text profile."""
        if self.item_vectors is None:
            return np.zeros(recent.shape, dtype=np.float64)
        profiles = unit_rows(np.asarray(recent @ self.item_vectors))
        return (profiles @ self.item_vectors.T).astype(np.float64)


@dataclass(frozen=True)
class Candidates:
    """Per user of a batch: candidate item codes and their feature rows (ragged, aligned)."""

    users: np.ndarray
    items: list[np.ndarray]
    features: list[np.ndarray]


def pick_candidates(
    scores: dict[str, np.ndarray], row: int, n_main: int, n_extra: int
) -> np.ndarray:
    """Top ``n_main`` of sequential EASE and top ``n_extra`` of each extra source
    (allowed only)."""
    picks = [_top(scores["sequential"][row], n_main)]
    picks += [_top(scores[name][row], n_extra) for name in EXTRA_SOURCES]
    chosen = np.unique(np.concatenate(picks))
    return chosen[np.isfinite(scores["sequential"][row, chosen])]


def candidate_features(
    scores: dict[str, np.ndarray],
    row: int,
    items: np.ndarray,
    activity: ItemActivity,
    visit: float,
    history_length: int,
) -> np.ndarray:
    columns = []
    for name in SOURCES:
        values = scores[name][row, items]
        columns += [values, _ranks(values)]
    sequential = scores["sequential"][row, items]
    best = np.abs(sequential).max(initial=0.0) + 1e-9
    columns += [
        np.log1p(activity.total[items]),
        np.log1p(activity.counts(visit - 90 * _DAY, visit + 1.0)[items]),
        np.log1p(activity.counts(visit - 365 * _DAY, visit + 365 * _DAY)[items]),
        (visit - activity.first_seen[items]) / (365 * _DAY),
        np.full(len(items), np.log1p(history_length)),
        sequential / best,
    ]
    return np.column_stack(columns).astype(np.float32)


class RankingSources:
    """Sources fitted on a training set plus its users' histories: the offline path."""

    def __init__(
        self, train: Interactions, *, item_vectors: np.ndarray | None = None, **params
    ) -> None:
        self.models = SourceModels(train, item_vectors=item_vectors, **params)
        self.n_items = train.n_items
        self.seen = train.seen()
        self.recent = train.matrix(
            recency_weights(train, params["half_life"], params["floor"])
        ).astype(np.float32)
        self.whole = self.seen.astype(np.float32)
        self.activity = ItemActivity(train.item, train.time, train.n_items)
        self.last_visit = np.full(train.n_users, -np.inf)
        np.maximum.at(self.last_visit, train.user, train.time)
        self.history_length = np.bincount(train.user, minlength=train.n_users)

    @property
    def popularity(self) -> np.ndarray:
        return self.activity.total

    def candidates(self, users: np.ndarray, n_main: int, n_extra: int) -> Candidates:
        users = np.asarray(users, dtype=np.int64)
        scores = self.models.scores(
            self.recent[users], self.whole[users], self.models.als.model_.user_factors[users]
        )
        scores["trending"] = np.vstack(
            [trending_scores(self.activity, visit)[0] for visit in self.last_visit[users]]
        )
        rows, cols = self.seen[users].nonzero()
        for matrix in scores.values():
            matrix[rows, cols] = -np.inf
        items, features = [], []
        for r, user in enumerate(users.tolist()):
            chosen = pick_candidates(scores, r, n_main, n_extra)
            items.append(chosen)
            features.append(
                candidate_features(
                    scores,
                    r,
                    chosen,
                    self.activity,
                    self.last_visit[user],
                    int(self.history_length[user]),
                )
            )
        return Candidates(users, items, features)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def trending_scores(activity: ItemActivity, visit: float) -> np.ndarray:
    """Interactions per item in the week before ``visit``, as a fresh (1, n) row."""
    return activity.counts(visit - TRENDING_WINDOW_S, visit + 1.0)[None, :].copy()


def row_entries(matrix: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``rows``, offset into ``matrix.indices``/``data``) of every stored
    entry of the given rows."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows)), lengths)
    first = np.cumsum(lengths) - lengths
    return owner, starts[owner] + np.arange(int(lengths.sum())) - first[owner]


def _row_sum(matrix: sp.csr_matrix, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """sum_k weights[k] * matrix[rows[k]], dense, of shape (1, n) (float32 products, as
    the sparse product computes them, summed in float64)."""
    owner, offsets = row_entries(matrix, rows)
    return _summed(matrix.indices[offsets], matrix.data[offsets] * weights[owner], matrix.shape[1])


def _summed(columns: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Values summed per column, as one dense float64 row of shape (1, n)."""
    summed = np.bincount(columns, weights=values, minlength=n)
    return summed.astype(np.float64, copy=False)[None, :]  # an empty sum comes back as ints


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    n = min(n, len(scores) - 1)
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.argpartition(-scores, n)[:n]


def _ranks(values: np.ndarray) -> np.ndarray:
    """0 for the best of the user's candidates, then 1, 2, ... (ties by position)."""
    return np.argsort(np.argsort(-values, kind="stable"), kind="stable").astype(np.float64)

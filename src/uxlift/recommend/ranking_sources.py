"""Candidate sources and the features a ranker sees for each (user, candidate item).

Four sources are fitted on the same interactions:

- sequential EASE: item-item weights applied to the recency-weighted history;
- plain EASE: the same weights on the unweighted history (long-term taste);
- implicit ALS: collaborative filtering by matrix factorization;
- item-kNN: cosine neighbours of the recency-weighted history.

A user's candidates are the top of sequential EASE plus the top of ALS and
item-kNN. Each candidate is described by every source's score and rank within
the user's candidates, the item's popularity overall and around the user's
last activity (trending then), how long the item had existed by then, and the
user's history length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.recommend.interactions import Interactions
from uxlift.recommend.item_models import ease_weights, recency_weights
from uxlift.recommend.peers import ALS, ItemKNN

_DAY = 86_400.0
FEATURES: tuple[tuple[str, str], ...] = (
    ("sequential_score", "fits what this user did most recently"),
    ("sequential_rank", "rank by recent activity"),
    ("ease_score", "fits this user's whole history"),
    ("ease_rank", "rank by whole history"),
    ("als_score", "liked by users with similar tastes"),
    ("als_rank", "rank by similar users"),
    ("knn_score", "similar to items this user touched recently"),
    ("knn_rank", "rank by similar items"),
    ("popularity", "popular overall"),
    ("trending_90d", "popular in the 90 days before this user's last visit"),
    ("popular_around_visit", "popular within a year of this user's last visit"),
    ("item_age_years", "how long the item had been around at this user's last visit"),
    ("history_length", "how much this user has done"),
    ("sequential_share", "recent-activity score relative to this user's best candidate"),
)
FEATURE_NAMES = tuple(name for name, _ in FEATURES)


@dataclass(frozen=True)
class Candidates:
    """Per user of a batch: candidate item codes and their feature rows (ragged, aligned)."""

    users: np.ndarray
    items: list[np.ndarray]
    features: list[np.ndarray]


class RankingSources:
    """The fitted sources plus the item and user statistics the features need."""

    def __init__(
        self,
        train: Interactions,
        *,
        l2: float,
        half_life: float,
        floor: float,
        random_state: int,
    ) -> None:
        self.n_items = train.n_items
        self.seen = train.seen()
        self.weights = ease_weights(self.seen, l2)
        self.recent = train.matrix(recency_weights(train, half_life, floor)).astype(np.float32)
        self.whole = self.seen.astype(np.float32)
        self.als = ALS(random_state=random_state).fit(train)
        self.knn = ItemKNN().fit(train)
        self.popularity = np.bincount(train.item, minlength=train.n_items).astype(np.float64)
        self.first_seen = np.full(train.n_items, np.inf)
        np.minimum.at(self.first_seen, train.item, train.time)
        self.last_visit = np.full(train.n_users, -np.inf)
        np.maximum.at(self.last_visit, train.user, train.time)
        self.history_length = np.bincount(train.user, minlength=train.n_users)
        order = np.argsort(train.time, kind="stable")
        self._times, self._items_by_time = train.time[order], train.item[order]

    def _window_counts(self, start: float, stop: float) -> np.ndarray:
        lo, hi = np.searchsorted(self._times, [start, stop])
        return np.bincount(self._items_by_time[lo:hi], minlength=self.n_items)

    def candidates(self, users: np.ndarray, n_main: int, n_extra: int) -> Candidates:
        """Top ``n_main`` of sequential EASE plus top ``n_extra`` of ALS and of item-kNN."""
        users = np.asarray(users, dtype=np.int64)
        scores = {
            "sequential": np.asarray(self.recent[users] @ self.weights, dtype=np.float64),
            "ease": np.asarray(self.whole[users] @ self.weights, dtype=np.float64),
            "als": np.asarray(self.als.score(users), dtype=np.float64),
            "knn": np.asarray(
                (self.recent[users] @ self.knn.model_.similarity).todense(), dtype=np.float64
            ),
        }
        rows, cols = self.seen[users].nonzero()
        for matrix in scores.values():
            matrix[rows, cols] = -np.inf
        picks = [_top(scores["sequential"], n_main), _top(scores["als"], n_extra),
                 _top(scores["knn"], n_extra)]  # fmt: skip
        items, features = [], []
        for r, user in enumerate(users.tolist()):
            chosen = np.unique(np.concatenate([p[r] for p in picks]))
            chosen = chosen[np.isfinite(scores["sequential"][r, chosen])]
            items.append(chosen)
            features.append(self._features(user, chosen, {k: v[r] for k, v in scores.items()}))
        return Candidates(users, items, features)

    def _features(self, user: int, items: np.ndarray, scores: dict[str, np.ndarray]) -> np.ndarray:
        visit = self.last_visit[user]
        columns = []
        for name in ("sequential", "ease", "als", "knn"):
            values = scores[name][items]
            columns += [values, _ranks(values)]
        best = np.abs(scores["sequential"][items]).max(initial=0.0) + 1e-9
        columns += [
            np.log1p(self.popularity[items]),
            np.log1p(self._window_counts(visit - 90 * _DAY, visit + 1.0)[items]),
            np.log1p(self._window_counts(visit - 365 * _DAY, visit + 365 * _DAY)[items]),
            (visit - self.first_seen[items]) / (365 * _DAY),
            np.full(len(items), np.log1p(self.history_length[user])),
            scores["sequential"][items] / best,
        ]
        return np.column_stack(columns).astype(np.float32)


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    n = min(n, scores.shape[1] - 1)
    if n <= 0:
        return np.zeros((len(scores), 0), dtype=np.int64)
    return np.argpartition(-scores, n, axis=1)[:, :n]


def _ranks(values: np.ndarray) -> np.ndarray:
    """0 for the best of the user's candidates, then 1, 2, ... (ties by position)."""
    return np.argsort(np.argsort(-values, kind="stable"), kind="stable").astype(np.float64)

"""uxlift's recommender: candidate sources, then a LightGBM lambdarank ranker.

Fitting has two stages, both inside the training data:

1. The last ``validation_share`` of each user's training interactions is set
   aside. The sources are fitted on the rest; each user's candidates are
   labelled by whether they are among the set-aside items. A lambdarank model
   learns to order them (NDCG@10, early-stopped on half of those users).
2. The sources are fitted again on all training interactions, to rank with.

All hyperparameters are fixed defaults: nothing is tuned per dataset.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from uxlift.errors import InvalidInput, NotFitted
from uxlift.recommend.interactions import Interactions, holdout_split
from uxlift.recommend.ranking_features import FEATURE_NAMES
from uxlift.recommend.ranking_sources import Candidates, RankingSources

_SEQUENTIAL = FEATURE_NAMES.index("sequential_score")

_BATCH_CELLS = 4_000_000  # users per batch x items: bounds the dense score matrices
_BELOW_CANDIDATES = -1e6  # ranker scores are small numbers; non-candidates sit far below


class RankedRecommender(BaseEstimator):
    """Sequential EASE, plain EASE, ALS and item-kNN candidates, reordered by lambdarank."""

    def __init__(
        self,
        *,
        candidates: int = 100,
        extra_candidates: int = 20,
        l2: float = 200.0,
        neighbours: int = 300,
        half_life: float = 3.0,
        floor: float = 0.05,
        validation_share: float = 0.2,
        n_estimators: int = 300,
        learning_rate: float = 0.03,
        num_leaves: int = 15,
        min_child_samples: int = 50,
        random_state: int = 0,
    ) -> None:
        self.candidates = candidates
        self.extra_candidates = extra_candidates
        self.l2 = l2
        self.neighbours = neighbours
        self.half_life = half_life
        self.floor = floor
        self.validation_share = validation_share
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.random_state = random_state

    def _sources(self, train: Interactions) -> RankingSources:
        return RankingSources(
            train,
            l2=self.l2,
            neighbours=self.neighbours,
            half_life=self.half_life,
            floor=self.floor,
            random_state=self.random_state,
        )

    def _batch(self, n_items: int) -> int:
        return max(8, _BATCH_CELLS // max(n_items, 1))

    def candidate_sets(self, sources: RankingSources, users: np.ndarray) -> list[Candidates]:
        step = self._batch(sources.n_items)
        return [
            sources.candidates(users[i : i + step], self.candidates, self.extra_candidates)
            for i in range(0, len(users), step)
        ]

    def fit(self, train: Interactions) -> RankedRecommender:
        if self.candidates < 10 or self.extra_candidates < 0:
            raise InvalidInput("candidates must be at least 10 and extra_candidates >= 0")
        fit_part, held = holdout_split(train, share=self.validation_share, min_interactions=2)
        if len(held) == 0:
            raise InvalidInput("too few interactions per user to train the ranker")
        users = np.unique(held.user)
        truth = np.split(held.item, np.flatnonzero(np.diff(held.user)) + 1)
        batches = self.candidate_sets(self._sources(fit_part), users)
        items = [c for batch in batches for c in batch.items]
        features = [f for batch in batches for f in batch.features]
        labels = [np.isin(c, t).astype(np.float64) for c, t in zip(items, truth, strict=True)]
        self.booster_, checked = self._train_ranker(features, labels)
        # Keep the ranker only if it orders the check users' candidates better than the
        # sequential source alone does (small or odd data can leave it worse).
        ranker_ndcg = _mean_ndcg(
            [self._predict(features[i]) for i in checked], [labels[i] for i in checked]
        )
        source_ndcg = _mean_ndcg(
            [features[i][:, _SEQUENTIAL] for i in checked], [labels[i] for i in checked]
        )
        self.validation_ = {
            "ranker_ndcg@10": round(ranker_ndcg, 4),
            "sequential_ndcg@10": round(source_ndcg, 4),
        }
        self.uses_ranker_ = ranker_ndcg > source_ndcg
        self.sources_ = self._sources(train)
        self.n_items_ = train.n_items
        self.feature_names_ = FEATURE_NAMES
        return self

    def _train_ranker(
        self, features: list[np.ndarray], labels: list[np.ndarray]
    ) -> tuple[Any, np.ndarray]:
        """The early-stopped booster and the users (indices) it was checked on."""
        import lightgbm as lgb

        order = np.random.default_rng(self.random_state).permutation(len(features))
        half = len(order) // 2
        parts = [order[:half], order[half:]] if half else [order, order]

        def dataset(rows: np.ndarray, reference: Any = None) -> Any:
            return lgb.Dataset(
                np.vstack([features[i] for i in rows]),
                np.concatenate([labels[i] for i in rows]),
                group=[len(labels[i]) for i in rows],
                reference=reference,
            )

        train_set = dataset(parts[0])
        params = {
            "objective": "lambdarank",
            "metric": "ndcg",
            "eval_at": [10],
            "lambdarank_truncation_level": 20,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "feature_fraction": 0.8,
            "seed": self.random_state,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 2,
            "verbosity": -1,
        }
        booster = lgb.train(
            params,
            train_set,
            num_boost_round=self.n_estimators,
            valid_sets=[dataset(parts[1], train_set)],
            callbacks=[lgb.early_stopping(50, verbose=False)],
        )
        return booster, parts[1]

    def _predict(self, features: np.ndarray) -> np.ndarray:
        return self.booster_.predict(features, num_iteration=self.booster_.best_iteration or None)

    def _check_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise NotFitted("RankedRecommender is not fitted")

    def score(self, users: np.ndarray) -> np.ndarray:
        """(len(users), n_items): candidates in ranker order, then the rest by popularity."""
        self._check_fitted()
        users = np.asarray(users, dtype=np.int64)
        popularity = self.sources_.popularity
        fallback = _BELOW_CANDIDATES + popularity / (popularity.max(initial=0.0) + 1.0)
        out = np.tile(fallback, (len(users), 1))
        row = 0
        for batch in self.candidate_sets(self.sources_, users):
            for items, features in zip(batch.items, batch.features, strict=True):
                if len(items):
                    out[row, items] = (
                        self._predict(features) if self.uses_ranker_ else features[:, _SEQUENTIAL]
                    )
                row += 1
        return out


def _mean_ndcg(scores: list[np.ndarray], labels: list[np.ndarray], k: int = 10) -> float:
    """Mean NDCG@k over users with at least one relevant candidate."""
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    values = []
    for score, label in zip(scores, labels, strict=True):
        positives = int(label.sum())
        if positives == 0:
            continue
        top = np.argsort(-score, kind="stable")[:k]
        values.append(
            (label[top] * discount[: len(top)]).sum() / discount[: min(positives, k)].sum()
        )
    return float(np.mean(values)) if values else 0.0

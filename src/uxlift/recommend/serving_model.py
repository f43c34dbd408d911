"""A trained recommender as a server uses it: live user vectors in, ranked candidates out.

It is the fitted :class:`~uxlift.recommend.ranker.RankedRecommender` without
its training-set bookkeeping: the sources (pruned EASE rows, ALS item factors,
item-kNN neighbours), the lambdarank booster and its lookup TreeSHAP table. A
user is a sequence of item codes, oldest first, so the click just made counts
the moment it is in the sequence. Item codes are the model's own (its
training catalog); the caller maps them to and from the live catalog.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from uxlift.errors import InvalidInput
from uxlift.predict.tree_shap import TreeShapTable
from uxlift.recommend.ranker import RankedRecommender
from uxlift.recommend.ranking_features import FEATURE_NAMES
from uxlift.recommend.ranking_sources import (
    ItemActivity,
    SourceModels,
    candidate_features,
    pick_candidates,
    row_entries,
)

_FORMAT = "uxlift-recommender/1"
WEEK_S = 7 * 86_400.0


@dataclass(frozen=True)
class Ranked:
    """One user's ranked candidates (model codes), with what explains each."""

    items: np.ndarray
    scores: np.ndarray
    features: np.ndarray
    contributions: np.ndarray | None  # (items, features + 1) log-odds-like terms, or None


class RecommenderModel:
    def __init__(
        self,
        item_ids: tuple[str, ...],
        sources: SourceModels,
        booster: Any,
        *,
        uses_ranker: bool,
        candidates: int,
        extra_candidates: int,
    ) -> None:
        self.item_ids = tuple(item_ids)
        self.item_index = {item: i for i, item in enumerate(self.item_ids)}
        self.sources = sources
        self.booster = booster
        self.uses_ranker = uses_ranker
        self.candidates = candidates
        self.extra_candidates = extra_candidates
        self.explainer = TreeShapTable.from_booster(booster) if booster is not None else None

    @classmethod
    def from_ranker(cls, ranker: RankedRecommender, item_ids: tuple[str, ...]) -> RecommenderModel:
        ranker._check_fitted()
        if len(item_ids) != ranker.n_items_:
            raise InvalidInput("item ids and the fitted recommender disagree in size")
        return cls(
            item_ids,
            ranker.sources_.models,
            ranker.booster_,
            uses_ranker=bool(ranker.uses_ranker_),
            candidates=ranker.candidates,
            extra_candidates=ranker.extra_candidates,
        )

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def rank(
        self,
        sequence: np.ndarray,
        *,
        visit: float,
        activity: ItemActivity,
        blocked: np.ndarray | None = None,
        explain: bool = False,
    ) -> Ranked:
        """Rank candidates for a user whose items (model codes, oldest first) are
        ``sequence``; ``blocked`` (bool per model item) never appears."""
        sequence = np.asarray(sequence, dtype=np.int64)
        scores = self.sources.live_scores(sequence)
        cold = len(sequence) == 0
        if cold:  # nothing to go on yet: what is popular this week leads
            week = activity.counts(visit - WEEK_S, visit + 1.0)
            scores["sequential"] = (week + 1e-3 * activity.total)[None, :]
        if blocked is not None:
            for matrix in scores.values():
                matrix[0, blocked] = -np.inf
        items = pick_candidates(scores, 0, self.candidates, self.extra_candidates)
        features = candidate_features(scores, 0, items, activity, visit, len(sequence))
        contributions = None
        if self.uses_ranker and len(items) and not cold:
            if explain:
                contributions = (
                    self.explainer.contributions(features)
                    if self.explainer is not None
                    else self.booster.predict(features, pred_contrib=True, num_threads=1)
                )
                ranked = contributions.sum(axis=1)
            else:  # one thread: a request's hundred rows gain nothing from a pool
                ranked = self.booster.predict(features, num_threads=1)
        else:
            ranked = features[:, FEATURE_NAMES.index("sequential_score")].astype(np.float64)
        order = np.argsort(-ranked, kind="stable")
        return Ranked(
            items=items[order],
            scores=ranked[order],
            features=features[order],
            contributions=None if contributions is None else contributions[order],
        )

    def anchors(self, sequence: np.ndarray, items: np.ndarray) -> np.ndarray:
        """For each of ``items``: the model code of the item in ``sequence`` that pulls it
        up the most (its sequential EASE term), or -1."""
        items = np.asarray(items, dtype=np.int64)
        out = np.full(len(items), -1, dtype=np.int64)
        if len(sequence) == 0 or len(items) == 0:
            return out
        rows, weights = self.sources.live_weights(sequence)
        where = np.full(self.n_items, -1, dtype=np.int64)
        where[items] = np.arange(len(items))
        matrix = self.sources.weights
        owner, offsets = row_entries(matrix, rows)
        column = where[matrix.indices[offsets]]
        hit = column >= 0
        pull = np.zeros((len(rows), len(items)))
        pull[owner[hit], column[hit]] = weights[owner[hit]] * matrix.data[offsets[hit]]
        best = pull.argmax(axis=0)
        strong = pull[best, np.arange(len(items))] > 0
        out[strong] = rows[best[strong]]
        return out

    # -- files --------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        sp.save_npz(folder / "ease_rows.npz", self.sources.weights)
        sp.save_npz(folder / "knn.npz", self.sources.similarity)
        self.sources.als.model_.save(str(folder / "als.npz"))
        if self.booster is not None:
            self.booster.save_model(str(folder / "ranker.txt"))
        meta = {
            "format": _FORMAT,
            "item_ids": list(self.item_ids),
            "uses_ranker": self.uses_ranker,
            "candidates": self.candidates,
            "extra_candidates": self.extra_candidates,
            "half_life": self.sources.half_life,
            "floor": self.sources.floor,
        }
        (folder / "recommender.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> RecommenderModel:
        import lightgbm as lgb
        from implicit.cpu.als import AlternatingLeastSquares

        from uxlift.recommend.peers import ALS

        folder = Path(folder)
        meta = json.loads((folder / "recommender.json").read_text(encoding="utf-8"))
        if meta.get("format") != _FORMAT:
            raise InvalidInput(f"{folder} does not hold a uxlift recommender")
        sources = SourceModels.__new__(SourceModels)
        sources.n_items = len(meta["item_ids"])
        sources.half_life, sources.floor = meta["half_life"], meta["floor"]
        sources.weights = sp.load_npz(folder / "ease_rows.npz").tocsr()
        sources.similarity = sp.load_npz(folder / "knn.npz").tocsr()
        als = ALS()
        als.model_ = AlternatingLeastSquares.load(str(folder / "als.npz"))
        als.n_items_ = sources.n_items
        sources.als = als
        ranker = folder / "ranker.txt"
        booster = lgb.Booster(model_file=str(ranker)) if ranker.is_file() else None
        return cls(
            tuple(meta["item_ids"]),
            sources,
            booster,
            uses_ranker=meta["uses_ranker"],
            candidates=meta["candidates"],
            extra_candidates=meta["extra_candidates"],
        )

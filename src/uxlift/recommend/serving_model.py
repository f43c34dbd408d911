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
    trending_scores,
)

_CONTENT = [FEATURE_NAMES.index(n) for n in ("content_score", "content_rank")]
_FORMAT = "uxlift-recommender/2"  # 2: co-visitation, trending and content sources
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
        boosters: list[Any],
        *,
        uses_ranker: bool,
        uses_content: bool = False,
        candidates: int,
        extra_candidates: int,
    ) -> None:
        self.item_ids = tuple(item_ids)
        self.item_index = {item: i for i, item in enumerate(self.item_ids)}
        self.sources = sources
        self.boosters = list(boosters)  # the ranker's score: their mean
        self.uses_ranker = uses_ranker
        self.uses_content = uses_content
        self.candidates = candidates
        self.extra_candidates = extra_candidates
        self.explainers = [TreeShapTable.from_booster(b) for b in self.boosters]

    @classmethod
    def from_ranker(cls, ranker: RankedRecommender, item_ids: tuple[str, ...]) -> RecommenderModel:
        ranker._check_fitted()
        if len(item_ids) != ranker.n_items_:
            raise InvalidInput("item ids and the fitted recommender disagree in size")
        return cls(
            item_ids,
            ranker.sources_.models,
            ranker.boosters_,
            uses_ranker=bool(ranker.uses_ranker_),
            uses_content=bool(ranker.uses_content_),
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
        scores["trending"] = trending_scores(activity, visit)
        cold = len(sequence) == 0
        if cold:  # nothing to go on yet: what is popular this week leads
            week = activity.counts(visit - WEEK_S, visit + 1.0)
            scores["sequential"] = (week + 1e-3 * activity.total)[None, :]
        if blocked is not None:
            for matrix in scores.values():
                matrix[0, blocked] = -np.inf
        items = pick_candidates(scores, 0, self.candidates, self.extra_candidates)
        self.sources.fill_content(scores["content"], sequence, items)
        features = candidate_features(scores, 0, items, activity, visit, len(sequence))
        contributions = None
        if not self.uses_content:  # the ranker learned without text: it sees none
            features[:, _CONTENT] = 0.0
        if self.uses_ranker and len(items) and not cold:
            if explain:  # SHAP terms are linear in the model: those of the mean, averaged
                contributions = np.mean([self._contributions(b, e, features) for b, e in
                                         zip(self.boosters, self.explainers, strict=True)],
                                        axis=0)  # fmt: skip
                ranked = contributions.sum(axis=1)
            else:  # one thread: a request's hundred rows gain nothing from a pool
                ranked = np.mean([b.predict(features, num_threads=1) for b in self.boosters],
                                 axis=0)  # fmt: skip
        else:
            ranked = features[:, FEATURE_NAMES.index("sequential_score")].astype(np.float64)
        order = np.argsort(-ranked, kind="stable")
        return Ranked(
            items=items[order],
            scores=ranked[order],
            features=features[order],
            contributions=None if contributions is None else contributions[order],
        )

    @staticmethod
    def _contributions(booster: Any, explainer: TreeShapTable | None, rows: np.ndarray):
        if explainer is not None:
            return explainer.contributions(rows)
        return booster.predict(rows, pred_contrib=True, num_threads=1)

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
        sp.save_npz(folder / "covisits.npz", self.sources.covisits)
        if self.sources.item_vectors is not None:
            np.save(folder / "content.npy", self.sources.item_vectors)
        self.sources.als.model_.save(str(folder / "als.npz"))
        for k, booster in enumerate(self.boosters):
            booster.save_model(str(folder / f"ranker-{k}.txt"))
        meta = {
            "format": _FORMAT,
            "item_ids": list(self.item_ids),
            "uses_ranker": self.uses_ranker,
            "uses_content": self.uses_content,
            "candidates": self.candidates,
            "extra_candidates": self.extra_candidates,
            "half_life": self.sources.half_life,
            "floor": self.sources.floor,
            "rankers": len(self.boosters),
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
            found = meta.get("format")
            raise InvalidInput(
                f"{folder} holds a recommender saved as {found!r}, this uxlift reads {_FORMAT!r}: "
                "train a new one with 'uxlift train recommender'"
                if isinstance(found, str) and found.startswith("uxlift-recommender/")
                else f"{folder} does not hold a uxlift recommender"
            )
        sources = SourceModels.__new__(SourceModels)
        sources.n_items = len(meta["item_ids"])
        sources.half_life, sources.floor = meta["half_life"], meta["floor"]
        sources.weights = sp.load_npz(folder / "ease_rows.npz").tocsr()
        sources.similarity = sp.load_npz(folder / "knn.npz").tocsr()
        sources.covisits = sp.load_npz(folder / "covisits.npz").tocsr()
        content = folder / "content.npy"
        sources.item_vectors = np.load(content) if content.is_file() else None
        als = ALS()
        als.model_ = AlternatingLeastSquares.load(str(folder / "als.npz"))
        als.n_items_ = sources.n_items
        sources.als = als
        boosters = [
            lgb.Booster(model_file=str(folder / f"ranker-{k}.txt")) for k in range(meta["rankers"])
        ]
        return cls(
            tuple(meta["item_ids"]),
            sources,
            boosters,
            uses_ranker=meta["uses_ranker"],
            uses_content=meta["uses_content"],
            candidates=meta["candidates"],
            extra_candidates=meta["extra_candidates"],
        )

"""The offline benchmark: uxlift and every peer, on one split, in one run.

Protocol (see the README): keep users with at least 5 interactions; hold out
each user's last 20% by time (at least one); rank every catalog item except
the user's training items; report NDCG, Recall, HitRate and MRR at 10 and
catalog coverage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from uxlift.errors import InvalidInput
from uxlift.recommend.datasets import RecommendationData
from uxlift.recommend.interactions import Interactions, holdout_split
from uxlift.recommend.peers import benchmark_peers
from uxlift.recommend.ranker import RankedRecommender
from uxlift.recommend.ranking_metrics import RankingAccumulator, top_k

logger = logging.getLogger(__name__)

K = 10
_BATCH_USERS = 256


def uxlift_recommender() -> RankedRecommender:
    """The model ``uxlift evaluate recommender`` reports as uxlift."""
    return RankedRecommender()


def evaluate_ranking(
    model: Any,
    train: Interactions,
    test: Interactions,
    *,
    k: int = K,
    fit_params: dict[str, Any] | None = None,
) -> dict[str, float | int]:
    """Fit on ``train`` (with ``fit_params``); rank for every user with held-out items;
    the metrics."""
    started = time.perf_counter()
    model.fit(train, **(fit_params or {}))
    fit_seconds = time.perf_counter() - started
    seen = train.seen()
    users = np.unique(test.user)
    relevant = np.split(test.item, np.flatnonzero(np.diff(test.user)) + 1)
    accumulator = RankingAccumulator(k, train.n_items)
    started = time.perf_counter()
    for start in range(0, len(users), _BATCH_USERS):
        batch = users[start : start + _BATCH_USERS]
        lists = top_k(model.score(batch), k, exclude=seen[batch])
        accumulator.add(lists, relevant[start : start + _BATCH_USERS])
    report = accumulator.report().to_dict()
    report["fit_seconds"] = round(fit_seconds, 2)
    report["rank_seconds"] = round(time.perf_counter() - started, 2)
    return report


def benchmark_recommenders(
    data: RecommendationData,
    *,
    k: int = K,
    systems: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    item_vectors: np.ndarray | None = None,
) -> dict[str, Any]:
    """Split ``data`` by the protocol and evaluate uxlift beside every peer.

    ``progress`` is called with each system's name once it is done.
    ``item_vectors`` (text embeddings of the catalog's items) feed uxlift's content
    source; the peers use interactions only.
    """
    train, test = holdout_split(data.interactions)
    if len(test) == 0:
        raise InvalidInput("no user has 5 or more interactions: nothing to evaluate")
    systems = systems or {"uxlift": uxlift_recommender(), **benchmark_peers()}
    results: dict[str, Any] = {}
    for name, model in systems.items():
        content = (
            {"item_vectors": item_vectors} if name == "uxlift" and item_vectors is not None else {}
        )
        results[name] = evaluate_ranking(model, train, test, k=k, fit_params=content)
        if progress is not None:
            progress(name)
        logger.info("%s: ndcg@%d %.4f", name, k, results[name][f"ndcg@{k}"])
    peers = {n: r for n, r in results.items() if n != "uxlift"}
    summary: dict[str, Any] = {
        "k": k,
        "users": len(np.unique(test.user)),
        "items": int(train.n_items),
        "train_interactions": len(train),
        "test_interactions": len(test),
        "skipped_rows": data.skipped_rows,
        "results": results,
    }
    if "uxlift" in results and peers:
        best = max(peers, key=lambda n: peers[n][f"ndcg@{k}"])
        summary["best_peer"] = best
        summary["ndcg_ratio_to_best_peer"] = round(
            results["uxlift"][f"ndcg@{k}"] / max(peers[best][f"ndcg@{k}"], 1e-12), 3
        )
    return summary

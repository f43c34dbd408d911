"""Top-K lists and the offline ranking metrics of the benchmark protocol.

Relevance is binary (the item is among the user's held-out interactions).

- NDCG@K: DCG over the ideal DCG of min(|test|, K) hits.
- Recall@K: hits / min(|test|, K).
- HitRate@K: whether any of the K is a hit.
- MRR@K: 1 / rank of the first hit.
- Catalog coverage: distinct items in all lists / catalog size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

METRICS = ("ndcg", "recall", "hr", "mrr")


def top_k(scores: np.ndarray, k: int, exclude: sp.csr_matrix | None = None) -> list[np.ndarray]:
    """The ``k`` best columns of each row, best first; ties go to the lower item code.

    ``exclude`` (rows aligned with ``scores``) marks items that must not appear;
    a row with fewer than ``k`` allowed items gets a shorter list.
    """
    scores = np.array(scores, dtype=np.float64)
    if exclude is not None:
        rows, cols = exclude.nonzero()
        scores[rows, cols] = -np.inf
    k = min(k, scores.shape[1])
    if k == 0:
        return [np.zeros(0, dtype=np.int64) for _ in range(len(scores))]
    kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1]
    lists = []
    for row, cut in zip(scores, kth, strict=True):
        candidates = np.flatnonzero((row >= cut) & (row > -np.inf))  # every tie at the cut
        order = np.argsort(-row[candidates], kind="stable")[:k]
        lists.append(candidates[order])
    return lists


@dataclass(frozen=True)
class RankingReport:
    """Mean metrics over the evaluated users, plus coverage."""

    k: int
    ndcg: float
    recall: float
    hr: float
    mrr: float
    coverage: float
    users: int

    def to_dict(self) -> dict[str, float | int]:
        k = self.k
        return {
            f"ndcg@{k}": round(self.ndcg, 4),
            f"recall@{k}": round(self.recall, 4),
            f"hr@{k}": round(self.hr, 4),
            f"mrr@{k}": round(self.mrr, 4),
            "coverage": round(self.coverage, 4),
            "users": self.users,
        }


class RankingAccumulator:
    """Adds up per-user metrics batch by batch (lists are not kept)."""

    def __init__(self, k: int, n_items: int) -> None:
        self.k, self.n_items = k, n_items
        self._sums = dict.fromkeys(METRICS, 0.0)
        self._users = 0
        self._shown = np.zeros(n_items, dtype=bool)
        self._discount = 1.0 / np.log2(np.arange(2, k + 2))

    def add(self, lists: list[np.ndarray], relevant: list[np.ndarray]) -> None:
        """``lists``: each user's ranked item codes (<= k); ``relevant``: their held-out items."""
        for ranked, truth in zip(lists, relevant, strict=True):
            self._shown[ranked] = True
            hits = np.isin(ranked, truth)
            ideal = min(len(truth), self.k)
            self._sums["ndcg"] += (hits * self._discount[: len(ranked)]).sum() / self._discount[
                :ideal
            ].sum()
            self._sums["recall"] += hits.sum() / ideal
            self._sums["hr"] += float(hits.any())
            self._sums["mrr"] += 1.0 / (np.argmax(hits) + 1) if hits.any() else 0.0
            self._users += 1

    def report(self) -> RankingReport:
        n = max(self._users, 1)
        return RankingReport(
            k=self.k,
            users=self._users,
            coverage=float(self._shown.sum() / max(self.n_items, 1)),
            **{m: float(self._sums[m] / n) for m in METRICS},
        )

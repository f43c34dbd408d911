"""What happens to a ranked list before a person sees it: boosts, fresh items, diversity.

Pure functions over item codes and their scores; the service decides which to
apply. Relevance here is positional (1 for the first candidate down to near 0
for the last), so ranker scores of any scale combine with boosts and MMR.
"""

from __future__ import annotations

import numpy as np


def positional_relevance(n: int) -> np.ndarray:
    return 1.0 - np.arange(n) / max(n, 1)


def apply_boosts(
    items: np.ndarray, relevance: np.ndarray, factors: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Multiply each item's relevance by its factor (1 = none) and re-sort."""
    boosted = relevance * factors
    order = np.argsort(-boosted, kind="stable")
    return items[order], boosted[order]


def insert_fresh(items: list[int], fresh: list[int], slots: tuple[int, ...]) -> list[int]:
    """Place ``fresh`` items (new, content-matched) at ``slots`` positions of the list."""
    out = [i for i in items if i not in set(fresh)]
    for position, item in zip(slots, fresh, strict=False):
        out.insert(min(position, len(out)), item)
    return out


def mmr(
    items: np.ndarray, relevance: np.ndarray, embeddings: np.ndarray, diversity: float, n: int
) -> np.ndarray:
    """Maximal marginal relevance: pick ``n`` items trading relevance for novelty.

    ``diversity`` 0 keeps the ranking; 1 picks each next item as unlike the ones
    already picked as possible. Items without an embedding count as unlike all.
    """
    n = min(n, len(items))
    if diversity <= 0 or n <= 1:
        return items[:n]
    vectors = embeddings[items]
    chosen: list[int] = []
    closest = np.zeros(len(items))  # max similarity to anything chosen so far
    available = np.ones(len(items), dtype=bool)
    for _ in range(n):
        score = (1 - diversity) * relevance - diversity * closest
        score[~available] = -np.inf
        pick = int(np.argmax(score))
        chosen.append(pick)
        available[pick] = False
        closest = np.maximum(closest, vectors @ vectors[pick])
    return items[np.array(chosen)]

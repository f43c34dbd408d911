"""Item embeddings, kept current as the catalog changes.

The catalog tells which items are new or changed; their text is embedded
through the cache (unchanged text is never encoded again). In the server this
runs on a background thread so an upsert answers at once; imports and tests
call :meth:`ItemEmbedder.embed_items` directly.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence

import numpy as np

from uxlift.events.catalog import item_text
from uxlift.store import embeddings as rows
from uxlift.text.cache import EmbeddingCache, Progress

log = logging.getLogger(__name__)


class ItemEmbedder:
    def __init__(self, cache: EmbeddingCache) -> None:
        self.cache = cache
        self._queue: queue.Queue[list[str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def embed_items(
        self, item_ids: Sequence[str], *, progress: Progress | None = None
    ) -> np.ndarray:
        """Vectors of the given items (rows in the order of ``item_ids``)."""
        texts = rows.item_texts(self.cache.store.cursor(), list(item_ids))
        ordered = [item_text(*texts[i]) for i in item_ids if i in texts]
        return self.cache.embed(ordered, progress=progress)

    # -- background mode (server) ---------------------------------------------
    def schedule(self, item_ids: list[str]) -> None:
        """Queue changed items for embedding on the background thread."""
        if not item_ids:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="item-embedder", daemon=True)
            self._thread.start()
        self._queue.put(list(item_ids))

    def wait_idle(self) -> None:
        """Block until every scheduled item is embedded."""
        self._queue.join()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while (ids := self._queue.get()) is not None:
            try:
                self.embed_items(ids)
            except Exception:
                log.exception("embedding %d items failed", len(ids))
            finally:
                self._queue.task_done()
        self._queue.task_done()

"""Live predictions: the serving model per target, hot-swapped from the registry.

A request reads the user's own events from the store (so the click just made
counts), item aggregates from a snapshot refreshed in the background, and the
catalog (reloaded when items change). The registry is checked with one
``stat`` per request; when another version serves a target, it is loaded
while requests keep using the old one, then swapped in with one assignment:
no request ever waits for a restart or fails during a swap.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa

from uxlift.errors import InvalidInput, NotFound
from uxlift.predict.event_log import TARGETS, CatalogFrame
from uxlift.predict.event_source import load_catalog, log_from_table
from uxlift.predict.item_features import ItemStats, item_stats
from uxlift.predict.queries import queries_at
from uxlift.predict.registry import ModelRegistry
from uxlift.predict.user_history import UserHistory
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.store import Store
from uxlift.store import behaviour as rows
from uxlift.store.database import utcnow
from uxlift.text.cache import EmbeddingCache
from uxlift.text.tokenize import tokenize

log = logging.getLogger(__name__)
MAX_ITEMS = 500


@dataclass(frozen=True)
class _Loaded:
    version: str
    model: Any  # a PredictorModel (imported on first use: it pulls in scikit-learn)


@dataclass(frozen=True)
class _Snapshot:
    """What the server keeps of the log: item aggregates and every user's events."""

    n_items: int
    stats: ItemStats
    history: UserHistory


class PredictionService:
    def __init__(
        self,
        store: Store,
        embeddings: EmbeddingCache,
        pseudonymizer: Pseudonymizer,
        registry: ModelRegistry,
        *,
        stats_ttl_s: float = 60.0,
    ) -> None:
        self.store = store
        self.embeddings = embeddings
        self.pseudonymizer = pseudonymizer
        self.registry = registry
        self.stats_ttl_s = stats_ttl_s
        self._models: dict[str, _Loaded] = {}
        self._token: tuple[int, int] | None = None
        self._swap_lock = threading.Lock()
        self._data_lock = threading.Lock()
        self._catalog: CatalogFrame | None = None
        self._snapshot: _Snapshot | None = None
        self._snapshot_at = 0.0
        self._refreshing = False
        self._notes_lock = threading.Lock()
        self._stored_at: dict[str, datetime] = {}  # user key -> when events last committed

    # -- catalog and item snapshot -----------------------------------------------
    def catalog_changed(self, _item_ids: list[str] | None = None) -> None:
        """Catalog listener: the next request reloads items (and their vectors)."""
        self._catalog = None

    def _current_catalog(self) -> CatalogFrame:
        catalog = self._catalog
        if catalog is None:
            with self._data_lock:
                if self._catalog is None:
                    self._catalog = load_catalog(self.store, self.embeddings)
                catalog = self._catalog
        return catalog

    def events_stored(self, batch: pa.Table) -> None:
        """Ingestion listener (after commit): these users have events a snapshot taken
        before now may lack."""
        now = utcnow()
        with self._notes_lock:
            for key in batch.column("user_key").unique().to_pylist():
                self._stored_at[key] = now

    def _has_news(self, user_key: str, snapshot: _Snapshot) -> bool:
        with self._notes_lock:
            noted = self._stored_at.get(user_key)
        return noted is not None and noted >= snapshot.history.taken_at

    def forget_user(self, user_key: str) -> None:
        """Erasure listener: the user's events leave memory now, their trace in item
        aggregates with the next refresh (started at once)."""
        snapshot = self._snapshot
        if snapshot is not None:
            snapshot.history.forget(user_key)
            self._snapshot_at = 0.0

    def _current_snapshot(self, catalog: CatalogFrame) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None or snapshot.n_items != len(catalog):
            with self._data_lock:
                if self._snapshot is None or self._snapshot.n_items != len(catalog):
                    self._install(self._take_snapshot(catalog))
                snapshot = self._snapshot
        elif time.monotonic() - self._snapshot_at > self.stats_ttl_s and not self._refreshing:
            self._refreshing = True
            threading.Thread(
                target=self._refresh_in_background, args=(catalog,), daemon=True
            ).start()
        assert snapshot is not None
        return snapshot

    def _take_snapshot(self, catalog: CatalogFrame) -> _Snapshot:
        tokenize("中文")  # load the Chinese dictionary here, not in some request
        started = utcnow()
        table = rows.event_log_table(self.store.cursor(), received_before=started)
        full = log_from_table(table, catalog)
        now = max(time.time(), full.end if len(full) else 0.0)
        self._snapshot_at = time.monotonic()
        return _Snapshot(len(catalog), item_stats(full, len(catalog), now),
                         UserHistory(table, started))  # fmt: skip

    def _install(self, snapshot: _Snapshot) -> None:
        """Serve from ``snapshot``; notes of commits before it began are now covered."""
        self._snapshot = snapshot
        taken = snapshot.history.taken_at
        with self._notes_lock:
            self._stored_at = {k: t for k, t in self._stored_at.items() if t >= taken}

    def _refresh_in_background(self, catalog: CatalogFrame) -> None:
        try:
            snapshot = self._take_snapshot(catalog)
            with self._data_lock:
                self._install(snapshot)
        except Exception:
            log.exception("refreshing the event snapshot failed")
        finally:
            self._refreshing = False

    # -- models -------------------------------------------------------------------
    def model_for(self, target: str) -> _Loaded:
        """The model serving ``target`` now (loading a newly promoted one first)."""
        token = self.registry.token()
        loaded = self._models.get(target)
        if token != self._token or loaded is None:
            with self._swap_lock:
                token = self.registry.token()
                serving = self.registry.serving(target)
                loaded = self._models.get(target)
                if serving is None:
                    raise NotFound(
                        f"no model serves {target!r} yet: train one with "
                        f"'uxlift train predictor --target {target}'"
                    )
                if loaded is None or loaded.version != serving:
                    from uxlift.predict.model import PredictorModel

                    card = self.registry.get(serving)
                    model = PredictorModel.load(self.registry.folder(serving), card)
                    loaded = _Loaded(serving, model)
                    self._models = {**self._models, target: loaded}
                    log.info("now serving %s for %s", serving, target)
                self._token = token
        return loaded

    # -- predictions --------------------------------------------------------------
    def predict(
        self,
        user_id: str,
        item_ids: list[str],
        *,
        target: str = "purchase",
        now: float | None = None,
        reasons: int = 3,
    ) -> dict[str, Any]:
        if target not in TARGETS:
            raise InvalidInput(
                f"unknown target {target!r}",
                details=[{"field": "target", "reason": f"one of {', '.join(TARGETS)}"}],
            )
        if not item_ids or len(item_ids) > MAX_ITEMS:
            raise InvalidInput(
                f"give 1 to {MAX_ITEMS} item ids",
                details=[{"field": "item_ids", "reason": f"1 to {MAX_ITEMS} ids"}],
            )
        loaded = self.model_for(target)
        catalog = self._current_catalog()
        codes = catalog.codes(item_ids)
        unknown = [item_ids[i] for i in np.flatnonzero(codes < 0).tolist()]
        known = np.flatnonzero(codes >= 0)
        if not len(known):
            raise NotFound(
                "none of the items is in the catalog",
                details=[{"field": "item_ids", "reason": f"unknown: {', '.join(unknown[:20])}"}],
            )
        user_key = self.pseudonymizer.user_key(user_id)
        snapshot = self._current_snapshot(catalog)
        user_log = snapshot.history.user_log(
            self.store, catalog, user_key, changed=self._has_news(user_key, snapshot)
        )
        moment = time.time() if now is None else float(now)
        code = user_log.user_index.get(user_key, -1)
        queries = queries_at(user_log, code, codes[known], moment)
        probabilities, explained = loaded.model.predict_explained(
            user_log, catalog, queries, snapshot.stats, top=reasons
        )
        predictions = [
            {
                "item_id": item_ids[int(i)],
                "probability": round(float(p), 6),
                "reasons": [r.to_dict() for r in why],
            }
            for i, p, why in zip(known.tolist(), probabilities, explained, strict=True)
        ]
        return {
            "target": target,
            "model": {"version": loaded.version, "estimator": loaded.model.card.estimator},
            "user_history_events": len(user_log),
            "predictions": predictions,
            "unknown_items": unknown,
        }

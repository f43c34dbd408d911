"""The server's memory of the log, shared by predictions and recommendations.

It holds the catalog (reloaded when items change), item aggregates and every
user's events from a snapshot of the log refreshed in the background, and notes
of which users stored events since the snapshot began, so a request for them
also reads their newest events: the click just made always counts. An erased
user leaves memory at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from uxlift.predict.event_log import CatalogFrame, EventLog
from uxlift.predict.event_source import load_catalog, log_from_table
from uxlift.predict.item_features import ItemStats, item_stats
from uxlift.predict.user_history import UserHistory
from uxlift.store import Store
from uxlift.store import behaviour as rows
from uxlift.store.database import utcnow
from uxlift.text.cache import EmbeddingCache
from uxlift.text.tokenize import tokenize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """What the server keeps of the log: item aggregates and every user's events."""

    n_items: int
    stats: ItemStats
    history: UserHistory
    log: EventLog  # the whole log as of the snapshot (item activity for recommendations)


class LiveLog:
    def __init__(
        self, store: Store, embeddings: EmbeddingCache, *, stats_ttl_s: float = 60.0
    ) -> None:
        self.store = store
        self.embeddings = embeddings
        self.stats_ttl_s = stats_ttl_s
        self._data_lock = threading.Lock()
        self._catalog: CatalogFrame | None = None
        self._snapshot: Snapshot | None = None
        self._snapshot_at = 0.0
        self._refreshing = False
        self._notes_lock = threading.Lock()
        self._stored_at: dict[str, datetime] = {}  # user key -> when events last committed
        self._snapshot_listeners: list[Callable[[Snapshot], None]] = []

    def add_snapshot_listener(self, listener: Callable[[Snapshot], None]) -> None:
        """Called with each newly installed snapshot (derived caches rebuild from it)."""
        self._snapshot_listeners.append(listener)

    # -- catalog ------------------------------------------------------------------
    def catalog_changed(self, _item_ids: list[str] | None = None) -> None:
        """Catalog listener: the next request reloads items (and their vectors)."""
        self._catalog = None

    def catalog(self) -> CatalogFrame:
        catalog = self._catalog
        if catalog is None:
            with self._data_lock:
                if self._catalog is None:
                    self._catalog = load_catalog(self.store, self.embeddings)
                catalog = self._catalog
        return catalog

    # -- users --------------------------------------------------------------------
    def events_stored(self, batch: pa.Table) -> None:
        """Ingestion listener (after commit): these users have events a snapshot taken
        before now may lack. Exposures (what the server itself showed) are not news: they
        reach memory with the next snapshot, so serving a list never makes the next one
        read the store."""
        now = utcnow()
        acted = batch.filter(pc.not_equal(batch.column("type"), "exposure"))
        with self._notes_lock:
            for key in acted.column("user_key").unique().to_pylist():
                self._stored_at[key] = now

    def last_stored(self, user_key: str) -> datetime | None:
        """When this user's latest own events were stored (None: not since the snapshot)."""
        with self._notes_lock:
            return self._stored_at.get(user_key)

    def has_news(self, user_key: str, snapshot: Snapshot) -> bool:
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

    def user_log(self, user_key: str) -> tuple[CatalogFrame, Snapshot, EventLog]:
        """The catalog, the snapshot and this user's events up to now."""
        catalog = self.catalog()
        snapshot = self.snapshot(catalog)
        user_log = snapshot.history.user_log(
            self.store, catalog, user_key, changed=self.has_news(user_key, snapshot)
        )
        return catalog, snapshot, user_log

    # -- snapshot -----------------------------------------------------------------
    def current_snapshot(self) -> Snapshot | None:
        """The snapshot requests use now, without starting a refresh."""
        return self._snapshot

    def snapshot(self, catalog: CatalogFrame) -> Snapshot:
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

    def _take_snapshot(self, catalog: CatalogFrame) -> Snapshot:
        tokenize("中文")  # load the Chinese dictionary here, not in some request
        started = utcnow()
        table = rows.event_log_table(self.store.cursor(), received_before=started)
        full = log_from_table(table, catalog)
        now = max(time.time(), full.end if len(full) else 0.0)
        self._snapshot_at = time.monotonic()
        return Snapshot(len(catalog), item_stats(full, len(catalog), now),
                        UserHistory(table, started), full)  # fmt: skip

    def _install(self, snapshot: Snapshot) -> None:
        """Serve from ``snapshot``; notes of commits before it began are now covered."""
        self._snapshot = snapshot
        taken = snapshot.history.taken_at
        with self._notes_lock:
            self._stored_at = {k: t for k, t in self._stored_at.items() if t >= taken}
        for listener in self._snapshot_listeners:
            listener(snapshot)

    def _refresh_in_background(self, catalog: CatalogFrame) -> None:
        try:
            snapshot = self._take_snapshot(catalog)
            with self._data_lock:
                self._install(snapshot)
        except Exception:
            log.exception("refreshing the event snapshot failed")
        finally:
            self._refreshing = False

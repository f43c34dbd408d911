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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
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

    item_ids: tuple[str, ...]  # the catalog its item codes refer to
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
        self._catalog_lock = threading.Lock()
        self._catalog_version = 0  # bumped by every catalog change
        self._snapshot: Snapshot | None = None
        self._snapshot_at = 0.0
        self._refreshing = False
        self._snapshot_begun = False  # no notes are needed before the first snapshot
        self._notes_lock = threading.Lock()
        self._stored_at: dict[str, datetime] = {}  # user key -> when events last committed
        self._news: dict[str, list[pa.Table]] = {}  # user key -> rows stored since
        self._matched: tuple[Snapshot, CatalogFrame] | None = None
        self._snapshot_listeners: list[Callable[[Snapshot], None]] = []

    def add_snapshot_listener(self, listener: Callable[[Snapshot], None]) -> None:
        """Called with each newly installed snapshot (derived caches rebuild from it)."""
        self._snapshot_listeners.append(listener)

    # -- catalog ------------------------------------------------------------------
    def catalog_changed(self, _item_ids: list[str] | None = None) -> None:
        """Catalog listener: the next request reloads items (and their vectors). A load
        that began before this change is not kept (it may lack the change)."""
        with self._catalog_lock:
            self._catalog_version += 1
            self._catalog = None

    def catalog(self) -> CatalogFrame:
        catalog = self._catalog
        while catalog is None:
            with self._data_lock:
                version = self._catalog_version
                loaded = self._catalog or load_catalog(self.store, self.embeddings)
                with self._catalog_lock:
                    if version == self._catalog_version:
                        self._catalog = loaded
                    catalog = self._catalog
        return catalog

    # -- users --------------------------------------------------------------------
    def events_stored(self, batch: pa.Table) -> None:
        """Ingestion listener (after commit): these users have events a snapshot taken
        before now may lack; their rows are kept until a snapshot holds them. Exposures
        (what the server itself showed) are not news: they reach memory with the next
        snapshot, so serving a list never changes what the next one reads."""
        if not self._snapshot_begun:
            return  # the first snapshot, read after this commit, will hold these rows
        acted = batch.filter(pc.not_equal(batch.column("type"), "exposure"))
        if acted.num_rows == 0:
            return
        acted = rows.as_log_rows(acted).sort_by("user_key")
        keys = acted.column("user_key").to_numpy(zero_copy_only=False)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        stops = np.r_[starts[1:], len(keys)]
        now = utcnow()
        with self._notes_lock:
            for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
                key = str(keys[start])
                self._stored_at[key] = now
                self._news.setdefault(key, []).append(acted.slice(start, stop - start))

    def last_stored(self, user_key: str) -> datetime | None:
        """When this user's latest own events were stored (None: not since the snapshot)."""
        with self._notes_lock:
            return self._stored_at.get(user_key)

    def forget_user(self, user_key: str) -> None:
        """Erasure listener: the user's events leave memory now, their trace in item
        aggregates with the next refresh (started at once)."""
        with self._notes_lock:
            self._news.pop(user_key, None)
            self._stored_at.pop(user_key, None)
        snapshot = self._snapshot
        if snapshot is not None:
            snapshot.history.forget(user_key)
            self._snapshot_at = 0.0

    def user_log(self, user_key: str) -> tuple[CatalogFrame, Snapshot, EventLog]:
        """The catalog, the snapshot and this user's events up to now."""
        catalog = self.catalog()
        snapshot = self.snapshot(catalog)
        return catalog, snapshot, self.events_of(user_key, catalog, snapshot)

    def events_of(self, user_key: str, catalog: CatalogFrame, snapshot: Snapshot) -> EventLog:
        """This user's events up to now: the snapshot's and those stored since."""
        with self._notes_lock:
            news = list(self._news.get(user_key, ()))
        return snapshot.history.user_log(catalog, user_key, news)

    def active_users(self, limit: int) -> list[str]:
        """Keys of the ``limit`` users whose own latest events are newest (exposures are
        not the user's doing), newest first, as of the snapshot."""
        snapshot = self.snapshot(self.catalog())
        events = snapshot.log
        acted = events.kind != KIND["exposure"]
        last = np.full(len(events.user_keys), -np.inf)
        np.maximum.at(last, events.user[acted], events.time[acted])
        order = np.argsort(-last, kind="stable")
        order = order[np.isfinite(last[order])]
        keys = (events.user_keys[i] for i in order.tolist())
        return [k for k in keys if snapshot.history.knows(k)][:limit]

    # -- snapshot -----------------------------------------------------------------
    def current_snapshot(self) -> Snapshot | None:
        """The snapshot requests use now, without starting a refresh."""
        return self._snapshot

    def snapshot(self, catalog: CatalogFrame) -> Snapshot:
        snapshot = self._snapshot
        if snapshot is None or not self._codes_match(snapshot, catalog):
            with self._data_lock:
                if self._snapshot is None or not self._codes_match(self._snapshot, catalog):
                    self._install(self._take_snapshot(catalog))
                snapshot = self._snapshot
        elif time.monotonic() - self._snapshot_at > self.stats_ttl_s and not self._refreshing:
            self._refreshing = True
            threading.Thread(
                target=self._refresh_in_background, args=(catalog,), daemon=True
            ).start()
        assert snapshot is not None
        return snapshot

    def _codes_match(self, snapshot: Snapshot, catalog: CatalogFrame) -> bool:
        """Whether the snapshot's item codes mean the same items in ``catalog`` (checked
        once per catalog load)."""
        matched = self._matched
        if snapshot.item_ids is catalog.item_ids or (
            matched is not None and matched[0] is snapshot and matched[1] is catalog
        ):
            return True
        if snapshot.item_ids != catalog.item_ids:
            return False
        self._matched = (snapshot, catalog)
        return True

    def _take_snapshot(self, catalog: CatalogFrame) -> Snapshot:
        tokenize("中文")  # load the Chinese dictionary here, not in some request
        self._snapshot_begun = True  # before ``started``: later commits get notes
        started = utcnow()
        table = rows.event_log_table(self.store.cursor(), received_before=started)
        full = log_from_table(table, catalog)
        now = max(time.time(), full.end if len(full) else 0.0)
        self._snapshot_at = time.monotonic()
        return Snapshot(catalog.item_ids, item_stats(full, len(catalog), now),
                        UserHistory(table, started, full), full)  # fmt: skip

    def _install(self, snapshot: Snapshot) -> None:
        """Serve from ``snapshot``; notes of commits before it began are now covered."""
        self._snapshot = snapshot
        taken = snapshot.history.taken_at
        with self._notes_lock:  # users with nothing stored since it began: covered
            self._stored_at = {k: t for k, t in self._stored_at.items() if t >= taken}
            self._news = {k: v for k, v in self._news.items() if k in self._stored_at}
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

"""Every user's events in memory, so a live prediction need not scan the event log.

A snapshot of the log (the rows the server already loads to age item
statistics) is indexed by user. For users with events stored since the
snapshot began (the caller tracks them: the server is the store's only writer
and hears of every commit), a request also asks the store for events received
since shortly before the snapshot (a query that reads only the newest row
groups) and drops those the snapshot already holds. An erased user is dropped
at once.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from uxlift.predict.event_log import CatalogFrame, EventLog
from uxlift.predict.event_source import log_from_table
from uxlift.store import Store
from uxlift.store import behaviour as rows

# An event gets its receive time before its transaction commits; one that took
# longer than this to commit could slip between snapshot and catch-up query.
COMMIT_MARGIN = timedelta(minutes=5)


class UserHistory:
    def __init__(self, table: pa.Table, taken_at: datetime) -> None:
        """``table``: the store's event log as read starting at ``taken_at`` (naive UTC)."""
        self.table = table.combine_chunks()  # one chunk: taking a user's rows stays cheap
        self.taken_at = taken_at
        keys = self.table.column("user_key").combine_chunks().dictionary_encode()
        codes = keys.indices.to_numpy(zero_copy_only=False)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(keys.dictionary) + 1))
        self._rows = {
            str(key): order[bounds[i] : bounds[i + 1]]
            for i, key in enumerate(keys.dictionary.to_pylist())
        }
        self._lock = threading.Lock()

    def forget(self, user_key: str) -> None:
        """Drop a user's events (after erasure)."""
        with self._lock:
            self._rows.pop(user_key, None)

    def user_log(
        self, store: Store, catalog: CatalogFrame, user_key: str, *, changed: bool
    ) -> EventLog:
        """The user's events: the snapshot's, plus (``changed``: the user has stored
        events since the snapshot began) those stored since."""
        with self._lock:
            mine = self._rows.get(user_key)
        known = self.table.take(pa.array(mine)) if mine is not None and len(mine) else None
        if known is not None and not changed:
            return log_from_table(known, catalog)
        recent = rows.user_event_table(
            store.cursor(), user_key, received_since=self.taken_at - COMMIT_MARGIN
        )
        if known is None:
            return log_from_table(recent, catalog)
        fresh = pc.invert(pc.is_in(recent.column("event_key"), value_set=known.column("event_key")))
        merged = pa.concat_tables([known, recent.filter(fresh)], promote_options="default")
        return log_from_table(merged.sort_by([("ts_us", "ascending")]), catalog)

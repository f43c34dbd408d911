"""Every user's events in memory, so a live prediction need not scan the event log.

A snapshot of the log (the rows the server already loads to age item
statistics) is indexed by user; an unchanged user's events are cut from it
with no conversion. For users with events stored since the snapshot began, the
caller passes those rows too (it keeps them as they are stored: the server is
the store's only writer and hears of every commit), and rows the snapshot
already holds count once. An erased user is dropped at once.
"""

from __future__ import annotations

import threading
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from uxlift.predict.event_log import CatalogFrame, EventLog, factorize
from uxlift.predict.event_source import log_from_table


class UserHistory:
    def __init__(self, table: pa.Table, taken_at: datetime, log: EventLog) -> None:
        """``table``: the store's event log as read starting at ``taken_at`` (naive UTC);
        ``log``: the same rows as an :class:`EventLog` (what an unchanged user's events
        are cut from, with no conversion per request)."""
        self.table = table.combine_chunks()  # one chunk: taking a user's rows stays cheap
        self.taken_at = taken_at
        self.log = log
        keys = self.table.column("user_key").combine_chunks().dictionary_encode()
        self._rows = _rows_by_code(
            keys.indices.to_numpy(zero_copy_only=False), keys.dictionary.to_pylist()
        )
        self._log_rows = _rows_by_code(log.user, log.user_keys)
        self._lock = threading.Lock()

    def knows(self, user_key: str) -> bool:
        """Whether the snapshot holds events of this user (erased users: no)."""
        with self._lock:
            return user_key in self._log_rows

    def forget(self, user_key: str) -> None:
        """Drop a user's events (after erasure)."""
        with self._lock:
            self._rows.pop(user_key, None)
            self._log_rows.pop(user_key, None)

    def user_log(
        self, catalog: CatalogFrame, user_key: str, news: list[pa.Table] | None = None
    ) -> EventLog:
        """The user's events: the snapshot's, plus ``news``: what they stored since the
        snapshot began (rows shaped like the snapshot's; those it holds already count
        once)."""
        with self._lock:
            mine = self._rows.get(user_key)
            in_log = self._log_rows.get(user_key)
        if not news:
            return _one_user(self.log, user_key, in_log)
        recent = pa.concat_tables(news).select(self.table.column_names)
        if mine is None or not len(mine):
            merged = recent
        else:
            known = self.table.take(pa.array(mine))
            fresh = pc.invert(pc.is_in(recent.column("event_key"),
                                       value_set=known.column("event_key")))  # fmt: skip
            merged = pa.concat_tables([known, recent.filter(fresh)], promote_options="default")
        return log_from_table(merged.sort_by([("ts_us", "ascending"), ("event_key", "ascending")]),
                              catalog)  # fmt: skip


def _rows_by_code(codes: np.ndarray, keys: list[str] | tuple[str, ...]) -> dict[str, np.ndarray]:
    """Row numbers (ascending) of each key, from per-row codes into ``keys``."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    return {str(key): order[bounds[i] : bounds[i + 1]] for i, key in enumerate(keys)}


def _one_user(log: EventLog, user_key: str, rows: np.ndarray | None) -> EventLog:
    """The rows of one user as their own log: what :func:`log_from_table` makes of the
    same rows (user code 0, sessions numbered in order of appearance)."""
    rows = np.zeros(0, dtype=np.int64) if rows is None else rows
    return EventLog(
        user=np.zeros(len(rows), dtype=np.int64),
        item=log.item[rows],
        kind=log.kind[rows],
        time=log.time[rows],
        session=factorize(log.session[rows])[1],
        value=log.value[rows],
        user_keys=(user_key,) if len(rows) else (),
        text=log.text[rows],
    )

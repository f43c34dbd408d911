"""What a feature is asked for: (user, item, time) plus where that time falls in the log."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.predict.event_log import SESSION_GAP_S, EventLog
from uxlift.predict.prefix import GroupTimeline, boundaries


@dataclass(frozen=True)
class Queries:
    """Aligned arrays, one row per (user, item, time) to describe.

    ``user`` and ``session`` are codes of the log the features read (-1: no
    history / a new session); ``boundary`` is how many log events happened
    strictly before ``time``: only those are visible.
    """

    user: np.ndarray
    item: np.ndarray
    time: np.ndarray
    session: np.ndarray
    boundary: np.ndarray

    def __len__(self) -> int:
        return len(self.time)

    def take(self, rows: np.ndarray) -> Queries:
        return Queries(
            self.user[rows], self.item[rows], self.time[rows], self.session[rows],
            self.boundary[rows],
        )  # fmt: skip


def distinct_moments(q: Queries) -> tuple[Queries, np.ndarray]:
    """The distinct (user, session, time) moments of ``q`` and which one each row is.

    User-level features (profiles, activity) depend on the moment only, not on
    the item, so they can be computed once per moment: a server scoring 100
    items for one user does that work once instead of 100 times.
    """
    key = np.stack([q.user, q.session, q.time.view(np.int64), q.boundary], axis=1)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return q.take(first), inverse.reshape(-1)


def anchored_queries(log: EventLog, positions: np.ndarray) -> Queries:
    """Queries at logged events (views, exposures): their user, item, time and session."""
    positions = np.asarray(positions, dtype=np.int64)
    times = log.time[positions]
    return Queries(
        user=log.user[positions],
        item=log.item[positions],
        time=times,
        session=log.session[positions],
        boundary=boundaries(log.time, times),
    )


def queries_at(log: EventLog, user: int, items: np.ndarray, now: float) -> Queries:
    """Queries for one user (a code of ``log``, -1 when unknown) and many items at ``now``.

    The current session is the user's latest one if it saw activity within the
    session gap; otherwise the items are being looked at in a new session.
    """
    n = len(items)
    boundary = int(boundaries(log.time, np.array([now]))[0])
    session = -1
    if user >= 0:
        latest = GroupTimeline(log.user).last(np.array([user]), np.array([boundary]))[0]
        if latest >= 0 and now - log.time[latest] <= SESSION_GAP_S:
            session = int(log.session[latest])
    return Queries(
        user=np.full(n, user, dtype=np.int64),
        item=np.asarray(items, dtype=np.int64),
        time=np.full(n, float(now)),
        session=np.full(n, session, dtype=np.int64),
        boundary=np.full(n, boundary, dtype=np.int64),
    )

"""Point-in-time aggregates over a time-ordered event log, for many queries at once.

Every behaviour feature has the same shape: "over the events of group g (a user,
an item, a user's session, a user-category pair...) that happened strictly
before time t, sum some value (optionally decayed by age), or find the latest
one". :class:`GroupTimeline` answers a whole batch of such (g, t) queries with
one sort, one cumulative sum and two binary searches, so building features for
a million examples stays a handful of numpy passes.

Time enters only as a *boundary*: the number of log events strictly before t
(``np.searchsorted(times, t, "left")``). An event counts for a query exactly
when its position in the log is below the boundary, so events at or after t,
whatever their order or content, can never reach a feature.
"""

from __future__ import annotations

import numpy as np

LN2 = float(np.log(2.0))
DIRECT_SPANS = 256  # at most this many distinct spans ...
DIRECT_ROWS = 1 << 15  # ... covering at most this many rows: sum them directly


def boundaries(times: np.ndarray, query_times: np.ndarray) -> np.ndarray:
    """For each query time, how many log events (sorted by time) happened strictly before it."""
    return np.searchsorted(times, query_times, side="left").astype(np.int64)


class GroupTimeline:
    """The events of a log (positions ``0..n-1`` in time order) grouped by integer key.

    ``group`` gives each event's group as any non-negative integer key (negative:
    the event belongs to no group). Queries name a group key and a boundary
    position; they see the group's events at positions below the boundary.

    With ``positions`` the rows are not the log itself but (group, log position)
    pairs, so one event may belong to several groups (an item event to each
    word of the item's text); values passed to the sums are then per row.
    """

    def __init__(
        self, group: np.ndarray, positions: np.ndarray | None = None, n_events: int | None = None
    ) -> None:
        group = np.asarray(group, dtype=np.int64)
        at = np.arange(len(group)) if positions is None else np.asarray(positions, np.int64)
        self.n_events = len(group) if n_events is None else int(n_events)
        member = np.flatnonzero(group >= 0)
        self._keys, compact = np.unique(group[member], return_inverse=True)
        order = np.lexsort((at[member], compact))
        self.rows = member[order]  # row indices, grouped, time order within group
        self.positions = at[self.rows]  # their log positions
        self._stride = np.int64(self.n_events + 1)
        grouped_compact = compact[order].astype(np.int64)
        self._composite = grouped_compact * self._stride + self.positions
        sizes = np.bincount(grouped_compact, minlength=len(self._keys))
        self._group_start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self._group_of = grouped_compact  # compact group of each grouped event
        self._buckets = _length_buckets(sizes)

    def _compact(self, query_group: np.ndarray) -> np.ndarray:
        """Query keys as compact group numbers; -1 for keys with no events at all."""
        query_group = np.asarray(query_group, dtype=np.int64)
        if len(self._keys) == 0:
            return np.full(len(query_group), -1, dtype=np.int64)
        index = np.minimum(np.searchsorted(self._keys, query_group), len(self._keys) - 1)
        known = (query_group >= 0) & (self._keys[index] == query_group)
        return np.where(known, index, -1)

    def _span(self, query_group: np.ndarray, boundary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index range [start, stop) of each query's visible events in the grouped order."""
        compact = self._compact(query_group)
        base = np.where(compact >= 0, compact, 0) * self._stride
        boundary = np.minimum(np.asarray(boundary, np.int64), self.n_events)
        start = np.searchsorted(self._composite, base, side="left")
        stop = np.searchsorted(self._composite, base + boundary, side="left")
        stop = np.where(compact >= 0, stop, start)
        return start, stop

    def count(self, query_group: np.ndarray, boundary: np.ndarray) -> np.ndarray:
        start, stop = self._span(query_group, boundary)
        return (stop - start).astype(np.float64)

    def sum(self, values: np.ndarray, query_group: np.ndarray, boundary: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (per event, or ``(n_events, d)`` rows) over each query's events.

        Sums run inside each group only, so a result depends on nothing but that
        group's visible events: not on other groups, and not on later events.
        """
        start, stop = self._span(query_group, boundary)
        return self._prefix_sums(np.asarray(values, dtype=np.float64)[self.rows], start, stop)

    def _prefix_sums(self, grouped: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Sum of ``grouped[start:stop]`` per query.

        Few distinct spans (a live request: one user, one moment) are summed
        directly; many (a training set) through running sums per group. The
        choice depends only on the visible spans, so adding later events never
        switches it.
        """
        found = stop > start
        result = np.zeros((len(start), *grouped.shape[1:]))
        if not found.any():
            return result
        spans, inverse = np.unique(
            np.stack([start[found], stop[found]], axis=1), axis=0, return_inverse=True
        )
        if len(spans) <= DIRECT_SPANS and int((spans[:, 1] - spans[:, 0]).sum()) <= DIRECT_ROWS:
            sums = np.stack([grouped[a:b].sum(axis=0) for a, b in spans.tolist()])
            result[found] = sums[inverse.reshape(-1)]
        else:
            result[found] = self._segment_cumsum(grouped)[stop[found] - 1]
        return result

    def _segment_cumsum(self, grouped: np.ndarray) -> np.ndarray:
        """Running sum restarting at each group, one padded matrix per group-length bucket."""
        out = np.empty_like(grouped)
        for width, groups in self._buckets:
            steps = np.arange(width)
            sizes = np.diff(np.append(self._group_start, len(grouped)))[groups]
            index = self._group_start[groups][:, None] + steps[None, :]
            inside = steps[None, :] < sizes[:, None]
            block = grouped[np.where(inside, index, 0)]
            block[~inside] = 0.0
            out[index[inside]] = np.cumsum(block, axis=1)[inside]
        return out

    def decayed_sum(
        self,
        values: np.ndarray,
        times: np.ndarray,
        query_group: np.ndarray,
        boundary: np.ndarray,
        query_times: np.ndarray,
        half_life_s: float,
    ) -> np.ndarray:
        """Sum of ``values * 2^(-(t - t_event) / half_life)`` over each query's events.

        Ages are measured from each group's first event, so the result, too,
        depends only on the group's visible events.
        """
        rate = LN2 / half_life_s
        start, stop = self._span(query_group, boundary)
        times = np.asarray(times, dtype=np.float64)[self.rows]
        origin = times[self._group_start[self._group_of]] if len(times) else times
        weights = np.exp((times - origin) * rate)
        grouped = np.asarray(values, dtype=np.float64)[self.rows]
        weighted = grouped * (weights if grouped.ndim == 1 else weights[:, None])
        total = self._prefix_sums(weighted, start, stop)
        found = stop > start
        scale = np.zeros(len(start))
        first = self._group_start[self._group_of[start[found]]]
        scale[found] = np.exp((times[first] - np.asarray(query_times, np.float64)[found]) * rate)
        return total * (scale if total.ndim == 1 else scale[:, None])

    def last(self, query_group: np.ndarray, boundary: np.ndarray) -> np.ndarray:
        """Position of each query's latest visible event, or -1 when it has none."""
        start, stop = self._span(query_group, boundary)
        found = stop > start
        latest = np.full(len(start), -1, dtype=np.int64)
        latest[found] = self.positions[stop[found] - 1]
        return latest

    def recent(self, query_group: np.ndarray, boundary: np.ndarray, k: int) -> np.ndarray:
        """Positions of each query's ``k`` latest visible events, newest first; -1 pads."""
        start, stop = self._span(query_group, boundary)
        offsets = stop[:, None] - 1 - np.arange(k)[None, :]
        valid = offsets >= start[:, None]
        found = self.positions[np.where(valid, offsets, 0)] if len(self.positions) else offsets
        return np.where(valid, found, -1)

    def next_from(self, query_group: np.ndarray, boundary: np.ndarray) -> np.ndarray:
        """Position of each query's first event at or after the boundary, or -1 (labels)."""
        _, stop = self._span(query_group, boundary)
        _, end = self._span(query_group, np.full(len(stop), self.n_events))
        found = stop < end
        following = np.full(len(stop), -1, dtype=np.int64)
        following[found] = self.positions[stop[found]]
        return following

    def first(self, query_group: np.ndarray, boundary: np.ndarray) -> np.ndarray:
        """Position of each query's earliest visible event, or -1 when it has none."""
        start, stop = self._span(query_group, boundary)
        found = stop > start
        earliest = np.full(len(start), -1, dtype=np.int64)
        earliest[found] = self.positions[start[found]]
        return earliest


def _length_buckets(sizes: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """Groups bucketed by size rounded up to a power of two: (width, group numbers)."""
    if not len(sizes):
        return []
    widths = 1 << np.ceil(np.log2(np.maximum(sizes, 1))).astype(np.int64)
    return [(int(w), np.flatnonzero(widths == w)) for w in np.unique(widths)]


def pair_key(left: np.ndarray, right: np.ndarray, n_right: int) -> np.ndarray:
    """One integer per (left, right) pair (``0 <= right < n_right``); -1 where either is missing."""
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    return np.where((left >= 0) & (right >= 0), left * np.int64(max(n_right, 1)) + right, -1)

"""The event log and catalog as aligned numpy arrays: what the feature builder reads.

:class:`EventLog` holds events sorted by time with users, items, kinds and
sessions as integer codes; :class:`CatalogFrame` holds the catalog's
structured fields and text embeddings in one row per item. Both are plain
frozen data; loading them from the store lives in :mod:`uxlift.predict.event_source`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from uxlift.errors import InvalidInput
from uxlift.events.schema import CORE_EVENT_TYPES

# Core event types by code; custom types share the last code.
KINDS: tuple[str, ...] = (*sorted(CORE_EVENT_TYPES), "other")
KIND = {name: code for code, name in enumerate(KINDS)}
ANCHOR_KINDS = ("view", "exposure")
TARGETS = ("click", "add_to_cart", "purchase")
SESSION_GAP_S = 30 * 60.0


@dataclass(frozen=True)
class EventLog:
    """Events in time order. Codes: ``user`` into ``user_keys``, ``item`` into the
    catalog (-1: none or unknown), ``kind`` into :data:`KINDS`, ``session`` a
    log-wide session number (-1: none)."""

    user: np.ndarray
    item: np.ndarray
    kind: np.ndarray
    time: np.ndarray
    session: np.ndarray
    value: np.ndarray
    user_keys: tuple[str, ...]
    text: np.ndarray | None = None  # object array: what search events asked for, else None
    user_index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.time)
        if self.text is None:
            object.__setattr__(self, "text", np.full(n, None, dtype=object))
        for name in ("user", "item", "kind", "session", "value", "text"):
            if len(getattr(self, name)) != n:
                raise InvalidInput(f"event log column {name!r} has the wrong length")
        if n and np.any(np.diff(self.time) < 0):
            raise InvalidInput("event log times must be sorted")
        object.__setattr__(self, "user_index", {k: i for i, k in enumerate(self.user_keys)})

    def __len__(self) -> int:
        return len(self.time)

    @property
    def start(self) -> float:
        return float(self.time[0]) if len(self) else float("nan")

    @property
    def end(self) -> float:
        return float(self.time[-1]) if len(self) else float("nan")

    @classmethod
    def from_columns(
        cls,
        *,
        user_keys: Sequence[str],
        item_codes: np.ndarray,
        kinds: Sequence[str],
        times: np.ndarray,
        session_ids: Sequence[str | None],
        values: np.ndarray | None = None,
        texts: Sequence[str | None] | None = None,
    ) -> EventLog:
        """Build from per-event columns (any order).

        Users and sessions are numbered in order of first appearance, so the
        codes of earlier events never depend on later ones. Sessions without an
        id are cut at gaps of more than 30 minutes in that user's activity.
        """
        n = len(times)
        times = np.asarray(times, dtype=np.float64)
        order = np.argsort(times, kind="stable")
        users, user_codes = factorize(np.asarray(user_keys, dtype=object)[order])
        kind_codes = np.array([KIND.get(k, KIND["other"]) for k in kinds], dtype=np.int8)
        values = np.full(n, np.nan) if values is None else np.asarray(values, dtype=np.float64)
        sorted_times = times[order]
        sessions = _sessions(user_codes, sorted_times, [session_ids[i] for i in order.tolist()])
        return cls(
            user=user_codes,
            item=np.asarray(item_codes, dtype=np.int64)[order],
            kind=kind_codes[order],
            time=sorted_times,
            session=sessions,
            value=values[order],
            user_keys=tuple(str(u) for u in users.tolist()),
            text=None if texts is None else np.asarray(texts, dtype=object)[order],
        )


def factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values in order of first appearance, code of each value)."""
    if not len(values):
        return values[:0], np.zeros(0, dtype=np.int64)
    distinct, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    by_appearance = np.argsort(first, kind="stable")
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[by_appearance] = np.arange(len(distinct))
    return distinct[by_appearance], rank[inverse.reshape(-1)]


def _sessions(user: np.ndarray, time: np.ndarray, ids: list[str | None]) -> np.ndarray:
    """Session codes (first appearance): a named session is (user, id); an unnamed one
    runs while that user's events come less than the session gap apart."""
    n = len(user)
    opener = np.arange(n)  # for unnamed events: position of their session's first event
    unnamed = np.array([s is None for s in ids], dtype=bool)
    rows = np.flatnonzero(unnamed)
    if len(rows):
        order = rows[np.lexsort((rows, user[rows]))]
        new = np.ones(len(order), dtype=bool)
        same_user = user[order[1:]] == user[order[:-1]]
        close = time[order[1:]] - time[order[:-1]] <= SESSION_GAP_S
        new[1:] = ~(same_user & close)
        starts = order[new]
        opener[order] = starts[np.cumsum(new) - 1]
    keys = np.array(
        [f"\x01{opener[i]}" if sid is None else f"{user[i]}\x00{sid}" for i, sid in enumerate(ids)],
        dtype=object,
    )
    return factorize(keys)[1]


@dataclass(frozen=True)
class CatalogFrame:
    """One row per item: structured fields as codes and numbers, plus text vectors."""

    item_ids: tuple[str, ...]
    titles: tuple[str, ...]
    category: np.ndarray  # code, -1 unknown
    brand: np.ndarray  # code, -1 unknown
    price: np.ndarray  # nan unknown
    created_at: np.ndarray  # epoch seconds, nan unknown
    embeddings: np.ndarray  # (n_items, d), L2-normalized; zero rows where text is missing
    encoder_id: str = ""
    texts: tuple[str, ...] = ()  # everything the item says (title, tags, description...)
    category_names: tuple[str, ...] = ()  # what category codes stand for
    brand_names: tuple[str, ...] = ()
    item_index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.item_ids)
        if not self.texts:
            object.__setattr__(self, "texts", self.titles)
        for name in ("titles", "texts", "category", "brand", "price", "created_at", "embeddings"):
            if len(getattr(self, name)) != n:
                raise InvalidInput(f"catalog column {name!r} has the wrong length")
        object.__setattr__(self, "item_index", {k: i for i, k in enumerate(self.item_ids)})

    def __len__(self) -> int:
        return len(self.item_ids)

    def codes(self, item_ids: Sequence[str | None]) -> np.ndarray:
        """Catalog codes of item ids (-1 for none or unknown)."""
        index = self.item_index
        return np.array([index.get(i, -1) if i is not None else -1 for i in item_ids], np.int64)

    @property
    def price_index(self) -> np.ndarray:
        """log(price / median price of the item's category): cheap < 0 < dear."""
        cached = self.__dict__.get("_price_index")
        if cached is None:
            cached = self._price_index_of()
            object.__setattr__(self, "_price_index", cached)
        return cached

    def _price_index_of(self) -> np.ndarray:
        log_price = np.log(np.where(self.price > 0, self.price, np.nan))
        result = np.full(len(self), np.nan)
        for code in np.unique(self.category):
            members = self.category == code
            median = (
                np.nanmedian(log_price[members]) if np.isfinite(log_price[members]).any() else 0
            )
            result[members] = log_price[members] - median
        return result


def code_names(values: Sequence[str | None]) -> tuple[str, ...]:
    """The strings :func:`code_strings` numbers, in code order."""
    return tuple(sorted({v for v in values if v is not None}))


def code_strings(values: Sequence[str | None]) -> np.ndarray:
    """Integer codes for strings in sorted order; None -> -1."""
    present = sorted({v for v in values if v is not None})
    lookup = {v: i for i, v in enumerate(present)}
    return np.array([lookup[v] if v is not None else -1 for v in values], dtype=np.int64)

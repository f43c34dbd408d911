"""Implicit-feedback interactions as aligned arrays, and the per-user chronological holdout.

Every interaction (a rating, a click, a purchase) counts as one positive
signal of a user for an item at a time. Users and items are integer codes into
``user_ids`` / ``item_ids``; the catalog may hold items nobody touched yet
(they can still be recommended from their text).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from uxlift.errors import InvalidInput

HOLDOUT_SHARE = 0.2
MIN_USER_INTERACTIONS = 5


@dataclass(frozen=True)
class Interactions:
    """Rows sorted by (user, time, item id); codes index ``user_ids`` and ``item_ids``."""

    user: np.ndarray
    item: np.ndarray
    time: np.ndarray
    user_ids: np.ndarray
    item_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.user)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @classmethod
    def from_ids(
        cls, users: np.ndarray, items: np.ndarray, times: np.ndarray, catalog: np.ndarray
    ) -> Interactions:
        """Code raw ids against ``catalog`` (every item id must be in it) and sort.

        Item codes follow the catalog's order, which also breaks ties in time.
        """
        users, items = np.asarray(users), np.asarray(items)
        times = np.asarray(times, dtype=np.float64)
        if not (len(users) == len(items) == len(times)):
            raise InvalidInput("users, items and times must have the same length")
        if np.isnan(times).any():
            raise InvalidInput(
                "every interaction needs a timestamp",
                details=[{"field": "timestamp", "reason": f"{int(np.isnan(times).sum())} missing"}],
            )
        catalog = np.asarray(catalog)
        code = {item_id: i for i, item_id in enumerate(catalog.tolist())}
        item = np.array([code.get(i, -1) for i in items.tolist()], dtype=np.int64)
        if (item < 0).any():
            missing = np.unique(items[item < 0])[:5].tolist()
            raise InvalidInput(
                "interactions name items the catalog lacks",
                details=[{"field": "item_id", "reason": f"unknown: {missing}"}],
            )
        user_ids, user = np.unique(users, return_inverse=True)
        order = np.lexsort((item, times, user))
        return cls(user[order], item[order], times[order], user_ids, catalog)

    def take(self, rows: np.ndarray) -> Interactions:
        """A subset of rows, same codes (order kept)."""
        return Interactions(
            self.user[rows], self.item[rows], self.time[rows], self.user_ids, self.item_ids
        )

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        """(position of each row in its user's history, that user's history length)."""
        counts = np.bincount(self.user, minlength=self.n_users)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return np.arange(len(self)) - starts[self.user], counts[self.user]

    def matrix(self, weights: np.ndarray | None = None) -> sp.csr_matrix:
        """Users x items (repeated pairs add up); ``weights`` default to 1."""
        values = np.ones(len(self)) if weights is None else np.asarray(weights, np.float64)
        X = sp.csr_matrix((values, (self.user, self.item)), shape=(self.n_users, self.n_items))
        X.sum_duplicates()
        return X

    def seen(self) -> sp.csr_matrix:
        """Users x items, 1 where the user interacted with the item."""
        X = self.matrix()
        X.data[:] = 1.0
        return X


def catalog_order(ids: np.ndarray) -> np.ndarray:
    """Unique ids in natural order: numerically when every id is an integer."""
    unique = np.unique(np.asarray(ids).astype(str))
    if len(unique) and all(i.lstrip("-").isdigit() for i in unique.tolist()):
        return unique[np.argsort(unique.astype(np.int64), kind="stable")]
    return unique


def holdout_split(
    interactions: Interactions,
    *,
    share: float = HOLDOUT_SHARE,
    min_interactions: int = MIN_USER_INTERACTIONS,
) -> tuple[Interactions, Interactions]:
    """Per-user chronological split: each user's last ``share`` (at least one) is held out.

    Users with fewer than ``min_interactions`` are dropped from both sides. The
    number held out is ``max(1, floor(share * n))``; ties in time are broken by
    item id (the rows' sort order).
    """
    if not 0 < share < 1:
        raise InvalidInput("the held-out share must be in (0, 1)")
    position, length = interactions.positions()
    held = np.maximum(1, np.floor(share * length + 1e-9).astype(np.int64))
    active = length >= min_interactions
    test = active & (position >= length - held)
    train = active & ~test
    return interactions.take(np.flatnonzero(train)), interactions.take(np.flatnonzero(test))

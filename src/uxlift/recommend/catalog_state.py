"""What serving needs per (catalog, model) and per snapshot of the log.

Code maps between the live catalog and the model's training catalog (new items
have no model code), the content index over item embeddings, and, refreshed
with each snapshot, item activity windows, co-purchases and each item's rank
in its category this week.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from uxlift.predict.event_log import KIND, CatalogFrame
from uxlift.predict.live_log import Snapshot
from uxlift.recommend.registry import INTERACTION_KINDS

_WEEK_S = 7 * 86_400.0
INTERACTION_CODES = np.array([KIND[k] for k in INTERACTION_KINDS])


@dataclass
class CatalogState:
    """Per (catalog, model): code maps, the content index, and per-snapshot activity."""

    catalog: CatalogFrame
    to_model: np.ndarray  # catalog code -> model code (-1: new item)
    to_catalog: np.ndarray  # model code -> catalog code (-1: gone)
    content: Any  # ContentIndex
    version: str
    snapshot: Snapshot | None = None
    activity: Any = None  # ItemActivity (model codes)
    co_bought: sp.csr_matrix | None = None
    week_rank: np.ndarray | None = None  # per catalog item: rank in its category this week
    week_counts: np.ndarray | None = None  # per catalog item: interactions this week
    lock: threading.Lock = field(default_factory=threading.Lock)


def catalog_state(catalog: CatalogFrame, item_ids: tuple[str, ...], version: str) -> CatalogState:
    """Code maps and the content index for ``catalog`` and a model trained on ``item_ids``."""
    from uxlift.recommend.content_index import ContentIndex

    to_catalog = catalog.codes(item_ids)
    to_model = np.full(len(catalog), -1, dtype=np.int64)
    known = to_catalog >= 0
    to_model[to_catalog[known]] = np.flatnonzero(known)
    return CatalogState(catalog, to_model, to_catalog, ContentIndex(catalog.embeddings), version)


def refresh_activity(cat: CatalogState, snapshot: Snapshot) -> CatalogState:
    """Item activity (model codes), co-purchases and weekly category ranks, per snapshot."""
    from uxlift.recommend.ranking_sources import ItemActivity

    with cat.lock:
        if cat.snapshot is snapshot:
            return cat
        full = snapshot.log
        rows = np.flatnonzero((full.item >= 0) & np.isin(full.kind, INTERACTION_CODES))
        model_items = cat.to_model[full.item[rows]]
        known = model_items >= 0
        cat.activity = ItemActivity(model_items[known], full.time[rows][known], len(cat.to_catalog))
        bought = np.flatnonzero((full.item >= 0) & (full.kind == KIND["purchase"]))
        P = sp.csr_matrix(
            (np.ones(len(bought)), (full.user[bought], full.item[bought])),
            shape=(len(full.user_keys), len(cat.catalog)),
        )
        P.data[:] = 1.0
        co = (P.T @ P).tocsr()
        co.setdiag(0)
        co.eliminate_zeros()
        cat.co_bought = co
        now = full.end if len(full) else time.time()
        recent = rows[full.time[rows] >= now - _WEEK_S]
        week = np.bincount(full.item[recent], minlength=len(cat.catalog)).astype(float)
        cat.week_rank = _rank_within(week, cat.catalog.category)
        cat.week_counts = week
        cat.snapshot = snapshot
    return cat


def _rank_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each item's rank (0 = top) among items of its group by ``values`` (ties by code)."""
    order = np.lexsort((np.arange(len(values)), -values, groups))
    rank = np.empty(len(values), dtype=np.int64)
    sorted_groups = groups[order]
    starts = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank[order] = np.arange(len(values)) - starts
    rank[values <= 0] = np.iinfo(np.int64).max // 2  # no activity this week: never "trending"
    return rank

"""How the item is doing with everyone: decayed popularity, conversion, ratings, age, price.

Training reads these at each example's time straight from the log. A server
cannot scan the whole log per request, so it keeps an :class:`ItemStats`
snapshot (the same aggregates at one moment) and ages it to the request time;
both paths finish through :func:`item_feature_columns`, so they agree (to rounding)
when no event happened in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
from uxlift.predict.prefix import LN2, GroupTimeline
from uxlift.predict.queries import Queries

POPULARITY_HALF_LIFE_S = 7 * 86_400.0
_PRIOR_VIEWS = 20.0  # smoothing strength of rates, in views
_PRIOR_RATINGS = 2.0
_DEFAULT_RATING = 3.5
_DECAYED = ("view", "click", "add_to_cart", "purchase")  # columns of the decayed block

ITEM = (
    ("item_views_recent", "recent views of this item by everyone (log)"),
    ("item_clicks_recent", "recent clicks on this item (log)"),
    ("item_purchases_recent", "recent purchases of this item (log)"),
    ("item_click_rate", "this item's recent click rate"),
    ("item_conversion", "this item's recent purchases per view"),
    ("item_rating", "this item's average rating"),
    ("item_ratings", "how many ratings this item has (log)"),
    ("item_age_days", "days since the item was added"),
    ("item_log_price", "the item's price (log)"),
    ("item_price_index", "price against its category's median (log ratio)"),
)


@dataclass(frozen=True)
class ItemStats:
    """Per-item aggregates at ``time``: decayed counts (view, click, cart, purchase),
    rating sum and count, and the same decayed counts over all items."""

    time: float
    decayed: np.ndarray  # (n_items, 4)
    ratings: np.ndarray  # (n_items, 2): sum, count
    overall: np.ndarray  # (4,)

    def aged(self, time: float) -> ItemStats:
        """The same aggregates ``time - self.time`` seconds later, with no new events."""
        factor = float(np.exp(-(time - self.time) * LN2 / POPULARITY_HALF_LIFE_S))
        return ItemStats(time, self.decayed * factor, self.ratings, self.overall * factor)

    def rows(self, items: np.ndarray, time: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        aged = self.aged(time)
        n = len(items)
        return aged.decayed[items], aged.ratings[items], np.tile(aged.overall, (n, 1))


def _kind_columns(log: EventLog) -> np.ndarray:
    return np.stack([(log.kind == KIND[k]).astype(np.float64) for k in _DECAYED], axis=1)


def item_aggregates(log: EventLog, q: Queries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(decayed per item, ratings per item, decayed over all items) for each query."""
    columns = _kind_columns(log)
    items = GroupTimeline(log.item)
    decayed = items.decayed_sum(
        columns, log.time, q.item, q.boundary, q.time, POPULARITY_HALF_LIFE_S
    )
    rated = (log.kind == KIND["rate"]) & np.isfinite(log.value)
    ratings = GroupTimeline(np.where(rated, log.item, -1)).sum(
        np.stack([np.where(rated, log.value, 0.0), rated.astype(np.float64)], axis=1),
        q.item,
        q.boundary,
    )
    everyone = GroupTimeline(np.where(log.item >= 0, 0, -1)).decayed_sum(
        columns, log.time, np.zeros(len(q), np.int64), q.boundary, q.time, POPULARITY_HALF_LIFE_S
    )
    return decayed, ratings, everyone


def item_stats(log: EventLog, n_items: int, time: float) -> ItemStats:
    """The snapshot a server keeps: every item's aggregates at ``time``."""
    boundary = np.searchsorted(log.time, time, side="left")
    q = Queries(
        user=np.full(n_items, -1, np.int64),
        item=np.arange(n_items, dtype=np.int64),
        time=np.full(n_items, float(time)),
        session=np.full(n_items, -1, np.int64),
        boundary=np.full(n_items, boundary, np.int64),
    )
    decayed, ratings, everyone = item_aggregates(log, q)
    overall = everyone[0] if n_items else np.zeros(len(_DECAYED))
    return ItemStats(float(time), decayed, ratings, overall)


def item_feature_columns(
    decayed: np.ndarray,
    ratings: np.ndarray,
    overall: np.ndarray,
    catalog: CatalogFrame,
    q: Queries,
) -> np.ndarray:
    views, clicks, _, purchases = decayed.T
    all_views = np.maximum(overall[:, 0], 1e-9)
    base_click = np.where(overall[:, 0] > 0, overall[:, 1] / all_views, 0.05)
    base_buy = np.where(overall[:, 0] > 0, overall[:, 3] / all_views, 0.01)
    rating = (ratings[:, 0] + _DEFAULT_RATING * _PRIOR_RATINGS) / (ratings[:, 1] + _PRIOR_RATINGS)
    price = catalog.price[q.item]
    return np.column_stack(
        [
            np.log1p(views),
            np.log1p(clicks),
            np.log1p(purchases),
            (clicks + _PRIOR_VIEWS * base_click) / (views + _PRIOR_VIEWS),
            (purchases + _PRIOR_VIEWS * base_buy) / (views + _PRIOR_VIEWS),
            rating,
            np.log1p(ratings[:, 1]),
            (q.time - catalog.created_at[q.item]) / 86_400.0,
            np.log(np.where(price > 0, price, np.nan)),
            catalog.price_index[q.item],
        ]
    )


def item_features(
    log: EventLog, catalog: CatalogFrame, q: Queries, stats: ItemStats | None = None
) -> np.ndarray:
    """Item columns from the log at each query's time, or from a snapshot when given."""
    if stats is None:
        decayed, ratings, overall = item_aggregates(log, q)
    else:
        times = np.unique(q.time)
        if len(times) != 1:
            raise ValueError("a snapshot answers queries at one time only")
        decayed, ratings, overall = stats.rows(q.item, float(times[0]))
    return item_feature_columns(decayed, ratings, overall, catalog, q)

"""What the user has done before: activity, session, this item, its category and brand.

Every function reads only log events below each query's boundary (see
:mod:`uxlift.predict.prefix`) and returns one column per feature, ``nan``
where a quantity is undefined (no history yet).
"""

from __future__ import annotations

import numpy as np

from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
from uxlift.predict.prefix import GroupTimeline, pair_key
from uxlift.predict.queries import Queries

_HOUR = 3600.0
_DAY = 86_400.0
AFFINITY_HALF_LIFE_S = 30 * _DAY
# How much each kind of item event says about taste.
INTEREST_WEIGHT = {"view": 1.0, "click": 2.0, "add_to_cart": 3.0, "purchase": 5.0}
ENGAGED = ("click", "add_to_cart", "purchase")

ACTIVITY = (
    ("user_events", "events from this user so far (log)"),
    ("user_views", "items this user has viewed (log)"),
    ("user_clicks", "clicks by this user (log)"),
    ("user_carts", "add-to-carts by this user (log)"),
    ("user_purchases", "purchases by this user (log)"),
    ("user_click_rate", "this user's click rate"),
    ("user_purchase_rate", "this user's purchases per view"),
    ("hours_since_last_event", "hours since this user's last event"),
    ("user_tenure_days", "days since this user's first event"),
)
SESSION = (
    ("session_events", "events so far in this session"),
    ("session_views", "views so far in this session"),
    ("session_clicks", "clicks so far in this session"),
    ("session_carts", "add-to-carts so far in this session"),
    ("session_searches", "searches in this session"),
    ("session_minutes", "minutes into this session"),
)
PAIR = (
    ("item_seen_before", "times this user viewed this item before"),
    ("item_clicked_before", "times this user clicked this item before"),
    ("item_carted_before", "times this user added this item to the cart before"),
    ("item_bought_before", "times this user bought this item before"),
    ("item_seen_in_session", "views of this item earlier in this session"),
    ("item_in_cart_now", "this item was added to the cart in this session"),
    ("hours_since_item_seen", "hours since this user last viewed this item"),
)
AFFINITY = (
    ("category_share", "share of this user's interest in the item's category"),
    ("category_engagement", "clicks, carts and buys by this user in this category (log)"),
    ("brand_share", "share of this user's interest in the item's brand"),
    ("brand_engagement", "clicks, carts and buys by this user of this brand (log)"),
    ("price_gap", "distance of the price from what this user usually picks"),
    ("price_gap_signed", "price above (+) or below (-) what this user usually picks"),
)


def _times(log: EventLog, positions: np.ndarray) -> np.ndarray:
    """Times of log positions; nan where a position is -1 (no such event)."""
    if not len(log):
        return np.full(len(positions), np.nan)
    return np.where(positions >= 0, log.time[np.maximum(positions, 0)], np.nan)


def _is(log: EventLog, *kinds: str) -> np.ndarray:
    return np.isin(log.kind, [KIND[k] for k in kinds]).astype(np.float64)


def activity_features(log: EventLog, q: Queries) -> np.ndarray:
    users = GroupTimeline(log.user)
    counts = users.sum(
        np.stack([np.ones(len(log)), *(_is(log, k) for k in ("view", *ENGAGED))], axis=1),
        q.user,
        q.boundary,
    )
    events, views, clicks, carts, purchases = counts.T
    last, first = users.last(q.user, q.boundary), users.first(q.user, q.boundary)
    since_last = (q.time - _times(log, last)) / _HOUR
    tenure = (q.time - _times(log, first)) / _DAY
    return np.stack(
        [
            np.log1p(events),
            np.log1p(views),
            np.log1p(clicks),
            np.log1p(carts),
            np.log1p(purchases),
            (clicks + 0.5) / (views + 5.0),
            (purchases + 0.05) / (views + 5.0),
            since_last,
            tenure,
        ],
        axis=1,
    )


def session_features(log: EventLog, q: Queries) -> np.ndarray:
    sessions = GroupTimeline(log.session)
    counts = sessions.sum(
        np.stack(
            [np.ones(len(log)), *(_is(log, k) for k in ("view", "click", "add_to_cart", "search"))],
            axis=1,
        ),
        q.session,
        q.boundary,
    )
    first = sessions.first(q.session, q.boundary)
    minutes = np.nan_to_num((q.time - _times(log, first)) / 60.0, nan=0.0)
    return np.column_stack([counts, minutes])


def pair_features(log: EventLog, catalog: CatalogFrame, q: Queries) -> np.ndarray:
    n_items = len(catalog)
    pairs = GroupTimeline(pair_key(log.user, log.item, n_items))
    query_pairs = pair_key(q.user, q.item, n_items)
    counts = pairs.sum(
        np.stack([_is(log, k) for k in ("view", *ENGAGED)], axis=1), query_pairs, q.boundary
    )
    in_session = GroupTimeline(pair_key(log.session, log.item, n_items))
    session_pairs = pair_key(q.session, q.item, n_items)
    session_counts = in_session.sum(
        np.stack([_is(log, "view"), _is(log, "add_to_cart") - _is(log, "purchase")], axis=1),
        session_pairs,
        q.boundary,
    )
    viewed = GroupTimeline(np.where(log.kind == KIND["view"], pair_key(log.user, log.item,
                                                                       n_items), -1))  # fmt: skip
    last_view = viewed.last(query_pairs, q.boundary)
    hours = (q.time - _times(log, last_view)) / _HOUR
    in_cart = (session_counts[:, 1] > 0).astype(np.float64)
    return np.column_stack([counts, session_counts[:, 0], in_cart, hours])


def affinity_features(log: EventLog, catalog: CatalogFrame, q: Queries) -> np.ndarray:
    has_item = log.item >= 0
    event_item = np.where(has_item, log.item, 0)
    interest = np.zeros(len(log))
    for kind, weight in INTEREST_WEIGHT.items():
        interest += weight * _is(log, kind)
    engaged = _is(log, *ENGAGED)
    columns: list[np.ndarray] = []
    user_total = _decayed(log, log.user, interest, q.user, q)
    for codes in (catalog.category, catalog.brand):
        n_codes = int(codes.max(initial=-1)) + 1
        event_code = np.where(has_item, codes[event_item], -1)
        keys = pair_key(log.user, event_code, n_codes)
        query_keys = pair_key(q.user, codes[q.item], n_codes)
        both = _decayed(log, keys, np.stack([interest, engaged], axis=1), query_keys, q)
        share = np.divide(both[:, 0], user_total, out=np.full(len(q), np.nan),
                          where=user_total > 0)  # fmt: skip
        columns += [share, np.log1p(both[:, 1])]
    price_index = catalog.price_index
    event_price = np.where(has_item, price_index[event_item], np.nan)
    known = np.isfinite(event_price) & (engaged > 0)
    sums = _decayed(
        log,
        np.where(known, log.user, -1),
        np.stack([np.where(known, event_price, 0.0), known.astype(np.float64)], axis=1),
        q.user,
        q,
    )
    usual = np.divide(sums[:, 0], sums[:, 1], out=np.full(len(q), np.nan), where=sums[:, 1] > 0)
    signed = price_index[q.item] - usual
    return np.column_stack([*columns, np.abs(signed), signed])


def _decayed(
    log: EventLog, groups: np.ndarray, values: np.ndarray, query_groups: np.ndarray, q: Queries
) -> np.ndarray:
    return GroupTimeline(groups).decayed_sum(
        values, log.time, query_groups, q.boundary, q.time, AFFINITY_HALF_LIFE_S
    )

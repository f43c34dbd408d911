"""Schedule shopping sessions and choose which items each session views.

Session counts follow each user's activity with weekly and daily seasonality
(busier weekends and evenings, one promotion day). A session browses one main
category; items are drawn by long-tailed popularity among items that already
exist. Search sessions favour items whose material or style matches the
user's taste (what the query asked for), views repeat inside a session, and a
returning user often reopens something from their previous session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from uxlift.demo.catalog import ItemLatents
from uxlift.demo.population import Population

_DAY = 86_400.0
# Monday .. Sunday
_WEEKDAY_FACTOR = np.array([0.95, 0.9, 0.92, 0.97, 1.05, 1.25, 1.18])
_HOURLY = np.array(
    [2, 1.2, 0.8, 0.6, 0.6, 0.9, 1.8, 3, 4, 4.2, 4.4, 4.8,
     5.5, 5, 4.6, 4.6, 4.8, 5.4, 6.2, 7.5, 8.4, 8, 6, 3.8]
)  # fmt: skip
_PROMO_DAY_FRACTION = 0.65  # a sale two thirds into the period
_PROMO_FACTOR = 1.9
SEARCH_SHARE = 0.3
CHAT_SHARE = 0.03
_MEAN_VIEWS = 5.5
_MAX_VIEWS = 40
_MATCHED_VIEW_SHARE = 0.65  # views in a search session drawn from the matching results
_REPEAT_VIEW_SHARE = 0.12
_RETURN_SHARE = 0.3


@dataclass(frozen=True)
class SessionPlan:
    """Sessions (sorted by start time) and their viewed items, flattened."""

    user: np.ndarray
    start: np.ndarray
    category: np.ndarray
    mobile: np.ndarray
    search: np.ndarray
    chat: np.ndarray
    query_field: np.ndarray  # per session: 0 none, 1 material, 2 style
    query_value: np.ndarray  # index into MATERIALS or STYLES (-1 none)
    view_offsets: np.ndarray  # views of session s are view_item[off[s]:off[s + 1]]
    view_item: np.ndarray
    view_session: np.ndarray


def daily_weights(start: float, days: int) -> np.ndarray:
    """Relative traffic per day: weekday pattern plus one promotion day."""
    weekday = datetime.fromtimestamp(start, UTC).weekday()
    weights = _WEEKDAY_FACTOR[(weekday + np.arange(days)) % 7].copy()
    if days >= 3:
        weights[int(days * _PROMO_DAY_FRACTION)] *= _PROMO_FACTOR
    return weights


def plan_sessions(
    rng: np.random.Generator,
    population: Population,
    items: ItemLatents,
    start: float,
    days: int,
) -> SessionPlan:
    """Draw every session of the period and the items it views."""
    user, start_time = _schedule(rng, population, start, days)
    n = len(user)
    share = population.category_share[user]
    category = (rng.random(n)[:, None] > np.cumsum(share, axis=1)).sum(axis=1)
    category = np.minimum(category, share.shape[1] - 1)
    search = rng.random(n) < SEARCH_SHARE
    chat = rng.random(n) < CHAT_SHARE
    n_views = np.minimum(rng.geometric(1.0 / _MEAN_VIEWS, n), _MAX_VIEWS)
    n_views[chat] = rng.integers(0, 3, int(chat.sum()))
    offsets = np.concatenate([[0], np.cumsum(n_views)])
    view_session = np.repeat(np.arange(n), n_views)
    query_field, query_value = _queries(rng, population, items, user, category, search)
    view_item = _browse(rng, items, category[view_session], start_time[view_session])
    _apply_search(rng, items, view_item, view_session, start_time, category, query_field,
                  query_value)  # fmt: skip
    _repeat_views(rng, view_item, offsets, n_views)
    _return_to_previous(rng, view_item, offsets, user)
    return SessionPlan(
        user=user,
        start=start_time,
        category=category,
        mobile=rng.random(n) < population.mobile_share[user],
        search=search,
        chat=chat,
        query_field=query_field,
        query_value=query_value,
        view_offsets=offsets,
        view_item=view_item,
        view_session=view_session,
    )


def _schedule(
    rng: np.random.Generator, population: Population, start: float, days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson session counts per (user, day); start times follow the hourly curve."""
    day = np.arange(days)
    active = (day[None, :] >= population.first_day[:, None]) & (
        day[None, :] < population.last_day[:, None]
    )
    rate = population.activity[:, None] * daily_weights(start, days)[None, :] * active
    counts = rng.poisson(rate)
    user_grid, day_grid = np.nonzero(counts)
    repeats = counts[user_grid, day_grid]
    user = np.repeat(user_grid, repeats)
    session_day = np.repeat(day_grid, repeats)
    hour = rng.choice(24, size=len(user), p=_HOURLY / _HOURLY.sum())
    seconds = session_day * _DAY + hour * 3600.0 + rng.uniform(0, 3600, len(user))
    order = np.argsort(seconds, kind="stable")
    return user[order], np.round(start + seconds[order], 3)


def _queries(
    rng: np.random.Generator,
    population: Population,
    items: ItemLatents,
    user: np.ndarray,
    category: np.ndarray,
    search: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Search sessions ask for the user's favourite material or style in the category."""
    n = len(user)
    field = np.where(search, np.where(rng.random(n) < 0.55, 1, 2), 0)
    value = np.full(n, -1)
    columns = {1: (items.material, population.latents.material_taste),
               2: (items.style, population.latents.style_taste)}  # fmt: skip
    options_of = {
        (int(c), f): np.unique(columns[f][0][items.category == c])
        for c in np.unique(items.category)
        for f in (1, 2)
    }
    for s in np.flatnonzero(search):
        options = options_of[(int(category[s]), int(field[s]))]
        logits = 2.0 * columns[int(field[s])][1][user[s], options]
        p = np.exp(logits - logits.max())
        value[s] = options[rng.choice(len(options), p=p / p.sum())]
    return field, value


def _sample_pool(
    rng: np.random.Generator, pool: np.ndarray, items: ItemLatents, times: np.ndarray
) -> np.ndarray:
    """Popularity-weighted draws from ``pool`` among items created before each time.

    Returns -1 where nothing in the pool existed yet.
    """
    order = pool[np.argsort(items.created_at[pool], kind="stable")]
    cumulative = np.cumsum(items.popularity[order])
    n_existing = np.searchsorted(items.created_at[order], times, side="right")
    total = np.where(n_existing > 0, cumulative[np.maximum(n_existing - 1, 0)], 0.0)
    picks = np.searchsorted(cumulative, rng.random(len(times)) * total, side="right")
    picks = np.minimum(picks, np.maximum(n_existing - 1, 0))
    return np.where(n_existing > 0, order[picks], -1)


def _browse(
    rng: np.random.Generator, items: ItemLatents, category: np.ndarray, times: np.ndarray
) -> np.ndarray:
    chosen = np.empty(len(category), dtype=np.int64)
    for c in np.unique(category):
        mask = category == c
        chosen[mask] = _sample_pool(rng, np.flatnonzero(items.category == c), items, times[mask])
    return chosen


def _apply_search(
    rng: np.random.Generator,
    items: ItemLatents,
    view_item: np.ndarray,
    view_session: np.ndarray,
    start_time: np.ndarray,
    category: np.ndarray,
    query_field: np.ndarray,
    query_value: np.ndarray,
) -> None:
    """Replace most views of search sessions with matching results (in place)."""
    field = query_field[view_session]
    matched = (field > 0) & (rng.random(len(view_item)) < _MATCHED_VIEW_SHARE)
    keys = np.stack([category[view_session], field, query_value[view_session]], axis=1)
    for key in np.unique(keys[matched], axis=0):
        c, f, v = (int(x) for x in key)
        column = items.material if f == 1 else items.style
        pool = np.flatnonzero((items.category == c) & (column == v))
        rows = np.flatnonzero(matched & (keys == key).all(axis=1))
        picks = _sample_pool(rng, pool, items, start_time[view_session[rows]])
        view_item[rows[picks >= 0]] = picks[picks >= 0]


def _repeat_views(
    rng: np.random.Generator, view_item: np.ndarray, offsets: np.ndarray, n_views: np.ndarray
) -> None:
    """Users go back to something they already looked at in the same session."""
    position = np.arange(len(view_item)) - np.repeat(offsets[:-1], n_views)
    repeat = (position > 0) & (rng.random(len(view_item)) < _REPEAT_VIEW_SHARE)
    rows = np.flatnonzero(repeat)
    earlier = np.floor(rng.random(len(rows)) * position[rows]).astype(np.int64)
    view_item[rows] = view_item[rows - position[rows] + earlier]


def _return_to_previous(
    rng: np.random.Generator, view_item: np.ndarray, offsets: np.ndarray, user: np.ndarray
) -> None:
    """A session often opens with an item seen in the user's previous session."""
    order = np.lexsort((np.arange(len(user)), user))
    previous = np.full(len(user), -1)
    same_user = user[order[1:]] == user[order[:-1]]
    previous[order[1:][same_user]] = order[:-1][same_user]
    size = np.diff(offsets)
    ok = (previous >= 0) & (size > 0) & (rng.random(len(user)) < _RETURN_SHARE)
    ok[ok] &= size[previous[ok]] > 0
    sessions = np.flatnonzero(ok)
    prev = previous[sessions]
    pick = offsets[prev] + np.floor(rng.random(len(prev)) * size[prev]).astype(np.int64)
    view_item[offsets[sessions]] = view_item[pick]

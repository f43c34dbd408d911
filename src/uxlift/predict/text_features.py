"""What the item's text says against what the user's history says.

A user's *profile* is the recency-weighted mean of the text embeddings of the
items they engaged with (clicks, carts, purchases) and, separately, of the
items they viewed; the item is compared with both, with the current session,
and with the last thing the user touched. A few principal directions of the
item embedding and of the profile go in as they are, so a tree model can
learn tastes that a single cosine blurs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from uxlift.predict.event_log import KIND, CatalogFrame, EventLog
from uxlift.predict.prefix import GroupTimeline
from uxlift.predict.queries import Queries, distinct_moments

PROFILE_HALF_LIFE_S = 30 * 86_400.0
_ENGAGED_WEIGHT = {"click": 1.0, "add_to_cart": 2.0, "purchase": 3.0}
_BLOCK_EVENTS = 40_000  # profile sums are built per block of users to bound memory
N_DIRECTIONS = 8

TEXT = (
    ("profile_similarity", "text similarity to items this user engaged with"),
    ("viewed_similarity", "text similarity to items this user viewed"),
    ("taste_contrast", "closer to what this user clicks than to what they only view"),
    ("session_similarity", "text similarity to items viewed in this session"),
    ("last_item_similarity", "text similarity to the last item this user touched"),
)
DIRECTIONS = tuple(
    [(f"item_text_{k}", f"item text direction {k}") for k in range(N_DIRECTIONS)]
    + [(f"profile_text_{k}", f"user taste direction {k}") for k in range(N_DIRECTIONS)]
)


def text_directions(embeddings: np.ndarray, k: int = N_DIRECTIONS) -> np.ndarray:
    """The top-``k`` principal directions of the catalog's item embeddings, (k, d)."""
    present = embeddings[np.linalg.norm(embeddings, axis=1) > 0]
    d = embeddings.shape[1]
    if len(present) < 2:
        return np.zeros((k, d), dtype=np.float32)
    centred = present - present.mean(axis=0)
    _, _, vt = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    basis = np.zeros((k, d))
    basis[: min(k, len(vt))] = vt[:k]
    # A deterministic sign: the largest coordinate of each direction is positive.
    signs = np.sign(basis[np.arange(k), np.abs(basis).argmax(axis=1)])
    return (basis * np.where(signs == 0, 1, signs)[:, None]).astype(np.float32)


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


def _row_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine per row; nan where either side is all zeros (nothing to compare)."""
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    dot = np.einsum("ij,ij->i", a, b)
    return np.divide(dot, na * nb, out=np.full(len(a), np.nan), where=(na > 0) & (nb > 0))


def text_features(
    log: EventLog,
    catalog: CatalogFrame,
    q: Queries,
    directions: np.ndarray,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Similarity columns then projection columns (see :data:`TEXT`, :data:`DIRECTIONS`)."""
    emb = catalog.embeddings  # float32; rows are widened to float64 as they are picked
    item_vec = emb[q.item].astype(np.float64)
    out = np.full((len(q), len(TEXT) + 2 * N_DIRECTIONS), np.nan)
    out[:, len(TEXT) : len(TEXT) + N_DIRECTIONS] = item_vec @ directions.T
    for users, rows in _user_blocks(log, q):
        _fill_block(log, emb, q, rows, users, directions, out)
        if progress is not None:
            progress(len(rows))
    return out


def _user_blocks(log: EventLog, q: Queries):
    """(users, query rows) blocks whose users hold at most about _BLOCK_EVENTS item events."""
    per_user = np.bincount(log.user[log.item >= 0], minlength=len(log.user_keys) or 1)
    query_users = np.unique(q.user)
    known = query_users[query_users >= 0]
    unknown_rows = np.flatnonzero(q.user < 0)
    if len(unknown_rows):
        yield np.array([], dtype=np.int64), unknown_rows
    if not len(known):
        return
    sizes = per_user[known]
    block = np.floor_divide(np.cumsum(sizes) - sizes, _BLOCK_EVENTS)
    order = np.argsort(q.user, kind="stable")
    sorted_users = q.user[order]
    for b in np.unique(block):
        users = known[block == b]
        lo = np.searchsorted(sorted_users, users[0], "left")
        hi = np.searchsorted(sorted_users, users[-1], "right")
        yield users, order[lo:hi]


def _fill_block(
    log: EventLog,
    emb: np.ndarray,
    q: Queries,
    rows: np.ndarray,
    users: np.ndarray,
    directions: np.ndarray,
    out: np.ndarray,
) -> None:
    """Profile columns for the query ``rows`` of ``users``, from those users' item events."""
    if not len(users):
        return
    sub, which = distinct_moments(q.take(rows))
    member = np.flatnonzero(np.isin(log.user, users) & (log.item >= 0))
    boundary = np.searchsorted(member, sub.boundary, side="left")  # same cut, fewer events
    kind, time, item = log.kind[member], log.time[member], log.item[member]
    vec = emb[item].astype(np.float64)
    weights = np.zeros((len(member), 2))
    for name, w in _ENGAGED_WEIGHT.items():
        weights[kind == KIND[name], 0] = w
    weights[kind == KIND["view"], 1] = 1.0
    timeline = GroupTimeline(log.user[member])
    sums = timeline.decayed_sum(
        np.concatenate([vec * weights[:, :1], vec * weights[:, 1:]], axis=1),
        time, sub.user, boundary, sub.time, PROFILE_HALF_LIFE_S,
    )  # fmt: skip
    d = vec.shape[1]
    engaged, viewed = sums[:, :d], sums[:, d:]
    has_profile = np.linalg.norm(engaged, axis=1) > 0
    contrast = _unit(engaged) - _unit(viewed)
    contrast[~has_profile] = 0.0
    views = kind == KIND["view"]
    session_vec = GroupTimeline(np.where(views, log.session[member], -1)).sum(
        vec * views[:, None], sub.session, boundary
    )
    last = timeline.last(sub.user, boundary)
    last_vec = np.zeros_like(engaged)
    if len(vec):
        last_vec = np.where((last >= 0)[:, None], vec[np.maximum(last, 0)], 0.0)
    projected = _unit(engaged) @ directions.T
    projected[~has_profile] = np.nan
    item_vec = emb[q.item[rows]].astype(np.float64)
    out[rows, 0] = _row_cosine(engaged[which], item_vec)
    out[rows, 1] = _row_cosine(viewed[which], item_vec)
    out[rows, 2] = np.where(
        has_profile[which], np.einsum("ij,ij->i", contrast[which], _unit(item_vec)), np.nan
    )
    out[rows, 3] = _row_cosine(session_vec[which], item_vec)
    out[rows, 4] = _row_cosine(last_vec[which], item_vec)
    out[rows, len(TEXT) + N_DIRECTIONS :] = projected[which]

"""Run the view -> click -> add_to_cart -> purchase funnel and the feedback after it.

Every stage is a Bernoulli draw from the ground-truth
:class:`~uxlift.demo.preferences.PreferenceModel`, so higher true utility means
a higher chance to proceed. Purchases happen at checkout, at the end of the
session. Some buyers come back days later to rate (1-5, from their experienced
satisfaction) and some of those write a review.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.demo.preferences import PreferenceModel
from uxlift.demo.sessions import SessionPlan

_DAY = 86_400.0
RATE_SHARE = 0.4
RATING_CUTS = np.array([-0.6, 0.1, 0.8, 1.6])  # satisfaction -> stars 1..5
SATISFACTION_NOISE = 1.0


@dataclass(frozen=True)
class FunnelOutcome:
    """Per-view outcomes and times, plus the purchases at checkout."""

    view_time: np.ndarray
    clicked: np.ndarray
    click_time: np.ndarray
    carted: np.ndarray
    cart_time: np.ndarray
    search_time: np.ndarray  # per session (chat, if any, opens the session at its start)
    purchase_view: np.ndarray  # index of the view whose cart was bought
    purchase_time: np.ndarray


@dataclass(frozen=True)
class Feedback:
    """Ratings after purchases; ``reviewed`` marks those that also get a text."""

    user: np.ndarray
    item: np.ndarray
    time: np.ndarray
    rating: np.ndarray
    reviewed: np.ndarray


def simulate_funnel(
    rng: np.random.Generator, plan: SessionPlan, truth: PreferenceModel
) -> FunnelOutcome:
    """Draw clicks, carts and purchases for every planned view."""
    n = len(plan.view_item)
    stages = truth.stage_probabilities_by_index(plan.user[plan.view_session], plan.view_item)
    clicked = rng.random(n) < stages["click"]
    carted = clicked & (rng.random(n) < stages["add_to_cart"])
    carted &= _first_per_session(plan.view_session, plan.view_item, carted)
    bought = carted & (rng.random(n) < stages["purchase"])

    gap = 3.0 + rng.exponential(25.0, n)
    click_delay = rng.uniform(2.0, 12.0, n)
    cart_delay = rng.uniform(15.0, 120.0, n)
    duration = gap + clicked * click_delay + carted * cart_delay
    n_sessions = len(plan.user)
    chat_part = plan.chat * rng.uniform(30, 240, n_sessions)
    search_time = plan.start + chat_part
    base = search_time + plan.search * rng.uniform(4, 15, n_sessions)
    elapsed = _exclusive_segment_sum(duration, plan.view_offsets, plan.view_session)
    view_time = base[plan.view_session] + elapsed + gap
    session_end = base + np.bincount(plan.view_session, weights=duration, minlength=n_sessions)
    purchase_view = np.flatnonzero(bought)
    checkout = session_end[plan.view_session[purchase_view]]
    checkout = checkout + rng.uniform(20, 200, len(purchase_view))
    rank = np.arange(len(purchase_view)) - np.searchsorted(
        plan.view_session[purchase_view], plan.view_session[purchase_view]
    )
    return FunnelOutcome(
        view_time=np.round(view_time, 3),
        clicked=clicked,
        click_time=np.round(view_time + click_delay, 3),
        carted=carted,
        cart_time=np.round(view_time + click_delay + cart_delay, 3),
        search_time=np.round(search_time, 3),
        purchase_view=purchase_view,
        purchase_time=np.round(checkout + 2.0 * rank, 3),
    )


def _first_per_session(session: np.ndarray, item: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """True for the first flagged view of each (session, item); one cart line per item."""
    keep = np.ones(len(mask), dtype=bool)
    rows = np.flatnonzero(mask)
    key = session[rows].astype(np.int64) * (int(item.max(initial=0)) + 1) + item[rows]
    _, first = np.unique(key, return_index=True)
    duplicate = np.ones(len(rows), dtype=bool)
    duplicate[first] = False
    keep[rows[duplicate]] = False
    return keep


def _exclusive_segment_sum(
    values: np.ndarray, offsets: np.ndarray, segment: np.ndarray
) -> np.ndarray:
    """Sum of earlier values within the same segment, for each position."""
    total = np.cumsum(values) - values
    return total - total[offsets[:-1]][segment] if len(values) else total


def simulate_feedback(
    rng: np.random.Generator,
    plan: SessionPlan,
    outcome: FunnelOutcome,
    truth: PreferenceModel,
    end: float,
) -> Feedback:
    """Ratings (and whether a review follows) for a share of purchases."""
    views = outcome.purchase_view
    user, item = plan.user[plan.view_session[views]], plan.view_item[views]
    rates = rng.random(len(views)) < RATE_SHARE
    time = outcome.purchase_time + rng.uniform(1.5, 12.0, len(views)) * _DAY
    keep = rates & (time < end)
    user, item, time = user[keep], item[keep], time[keep]
    satisfaction = truth.utility_by_index(user, item) + rng.normal(
        0.0, SATISFACTION_NOISE, len(user)
    )
    rating = 1 + np.searchsorted(RATING_CUTS, satisfaction)
    extreme = (rating == 1) | (rating == 5)
    reviewed = rng.random(len(user)) < np.where(extreme, 0.65, 0.45)
    order = np.argsort(time, kind="stable")
    return Feedback(
        user=user[order],
        item=item[order],
        time=np.round(time[order], 3),
        rating=rating[order].astype(float),
        reviewed=reviewed[order],
    )

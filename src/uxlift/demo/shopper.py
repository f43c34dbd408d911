"""How a demo shopper reacts to a list they are shown, by the store's ground truth.

A shopper looks at position ``k`` (from 0) of a list with probability
``ATTENTION_TOP / (1 + ATTENTION_DECAY k)`` (attention falls down a list); an
item looked at goes through the true funnel (click, add to cart, purchase, see
:mod:`uxlift.demo.preferences`). So the chance that one visit ends in a
purchase is ``1 - prod_k (1 - attention_k p_purchase_k)``, and over several
visits ``1 - prod_visits (1 - p_visit)``: the true conversion probability of a
user under the lists a strategy shows, which gives an experiment's true lift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.demo.funnel import RATING_CUTS, SATISFACTION_NOISE
from uxlift.demo.preferences import PreferenceModel

ATTENTION_TOP = 0.9
ATTENTION_DECAY = 0.35


def attention(n: int) -> np.ndarray:
    """Chance that a shopper looks at each of the first ``n`` positions."""
    return ATTENTION_TOP / (1.0 + ATTENTION_DECAY * np.arange(n))


@dataclass(frozen=True)
class VisitOutcome:
    """What a shopper did with one list: per position, how far each item got."""

    viewed: np.ndarray
    clicked: np.ndarray
    carted: np.ndarray
    bought: np.ndarray
    ratings: np.ndarray  # stars for bought items (NaN elsewhere)


def purchase_chance(truth: PreferenceModel, user: int, items: np.ndarray) -> float:
    """True probability that a visit showing ``items`` (truth indices) ends in a purchase."""
    if len(items) == 0:
        return 0.0
    per_view = truth.purchase_probability_by_index(np.full(len(items), user), items)
    return float(1.0 - np.prod(1.0 - attention(len(items)) * per_view))


def react(
    rng: np.random.Generator, truth: PreferenceModel, user: int, items: np.ndarray
) -> VisitOutcome:
    """Draw what the shopper does with a list, from the true funnel."""
    n = len(items)
    users = np.full(n, user)
    stages = truth.stage_probabilities_by_index(users, items)
    viewed = rng.random(n) < attention(n)
    clicked = viewed & (rng.random(n) < stages["click"])
    carted = clicked & (rng.random(n) < stages["add_to_cart"])
    bought = carted & (rng.random(n) < stages["purchase"])
    satisfaction = truth.utility_by_index(users, items) + rng.normal(0, SATISFACTION_NOISE, n)
    stars = (1 + np.searchsorted(RATING_CUTS, satisfaction)).astype(float)
    return VisitOutcome(viewed, clicked, carted, bought, np.where(bought, stars, np.nan))

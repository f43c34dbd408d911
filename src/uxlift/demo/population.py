"""Draw the demo shoppers: distinctive raw ids, behaviour and latent tastes.

Raw ids look like ``shopper-3fa9c01b7e`` so that a byte scan of any storage can
prove they never reach disk. Latent tastes (category, brand, material, style,
use, price level, quality) feed :class:`uxlift.demo.preferences.PreferenceModel`;
behaviour traits (activity, language, device, join day) drive the sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.demo.vocabulary import BRANDS, CATEGORIES, MATERIALS, STYLES, USES

_ID_PREFIX = "shopper-"
_ID_HEX_CHARS = 10


@dataclass(frozen=True)
class UserLatents:
    """Hidden taste parameters, one row per user (rounded so JSON round-trips exactly)."""

    category_affinity: np.ndarray  # (users, categories)
    brand_affinity: np.ndarray  # (users, brands)
    material_taste: np.ndarray  # (users, materials), text-only attribute
    style_taste: np.ndarray  # (users, styles), text-only attribute
    use_taste: np.ndarray  # (users, uses)
    price_center: np.ndarray  # preferred log(price / category median)
    price_sensitivity: np.ndarray  # utility lost per unit of log-price distance
    quality_weight: np.ndarray  # how much hidden quality matters


@dataclass(frozen=True)
class Population:
    """Users with their behaviour traits and latent tastes."""

    user_ids: list[str]
    category_share: np.ndarray  # (users, categories): where their sessions go
    activity: np.ndarray  # expected sessions per active day
    first_day: np.ndarray  # day index the user joins
    last_day: np.ndarray  # day index after which the user churns (exclusive)
    chinese: np.ndarray  # bool: writes reviews, searches and chats in Chinese
    mobile_share: np.ndarray  # probability a session is on mobile
    latents: UserLatents


def draw_population(
    rng: np.random.Generator, n_users: int, days: int, chinese_share: float
) -> Population:
    """Draw ``n_users`` shoppers active over ``days`` days."""
    user_ids = _draw_user_ids(rng, n_users)
    share = rng.dirichlet(np.full(len(CATEGORIES), 0.35), size=n_users)
    share = 0.9 * share + 0.1 / len(CATEGORIES)
    first_day = np.where(rng.random(n_users) < 0.75, 0, rng.integers(0, days, n_users))
    churn_day = rng.integers(1, days + 1, n_users)
    last_day = np.where(rng.random(n_users) < 0.12, np.maximum(churn_day, first_day + 1), days)
    return Population(
        user_ids=user_ids,
        category_share=share,
        activity=np.minimum(np.exp(rng.normal(np.log(0.42), 0.8, n_users)), 4.0),
        first_day=first_day,
        last_day=last_day,
        chinese=rng.random(n_users) < chinese_share,
        mobile_share=rng.beta(4.0, 2.5, n_users),
        latents=_draw_latents(rng, share),
    )


def _draw_user_ids(rng: np.random.Generator, n_users: int) -> list[str]:
    """Unique ``shopper-`` ids with ten hex characters from the seeded generator."""
    seen: set[str] = set()
    ids: list[str] = []
    while len(ids) < n_users:
        raw = rng.integers(0, 16**_ID_HEX_CHARS, size=n_users - len(ids), dtype=np.int64)
        for value in raw.tolist():
            user_id = f"{_ID_PREFIX}{value:0{_ID_HEX_CHARS}x}"
            if user_id not in seen:
                seen.add(user_id)
                ids.append(user_id)
    return ids


def _draw_latents(rng: np.random.Generator, share: np.ndarray) -> UserLatents:
    n = share.shape[0]
    category_affinity = np.clip(0.5 * np.log(share * share.shape[1]), -1.2, 1.2)
    return UserLatents(
        category_affinity=np.round(category_affinity, 6),
        brand_affinity=np.round(_sparse_tastes(rng, n, len(BRANDS), 0.0, 3, 1), 6),
        material_taste=np.round(_sparse_tastes(rng, n, len(MATERIALS), 0.35, 4, 2), 6),
        style_taste=np.round(_sparse_tastes(rng, n, len(STYLES), 0.3, 2, 1), 6),
        use_taste=np.round(rng.normal(0.0, 0.45, (n, len(USES))), 6),
        price_center=np.round(rng.normal(-0.1, 0.35, n), 6),
        price_sensitivity=np.round(0.8 * np.exp(rng.normal(0.0, 0.4, n)), 6),
        quality_weight=np.round(rng.uniform(0.3, 0.9, n), 6),
    )


def _sparse_tastes(
    rng: np.random.Generator, n: int, k: int, noise: float, n_liked: int, n_disliked: int
) -> np.ndarray:
    """A little noise plus a few strong likes and dislikes per user."""
    taste = rng.normal(0.0, noise, (n, k)) if noise else np.zeros((n, k))
    order = np.argsort(rng.random((n, k)), axis=1)
    rows = np.arange(n)[:, None]
    liked, disliked = order[:, :n_liked], order[:, n_liked : n_liked + n_disliked]
    taste[rows, liked] += rng.uniform(0.8, 1.5, (n, n_liked))
    taste[rows, disliked] -= rng.uniform(0.6, 1.2, (n, n_disliked))
    return taste

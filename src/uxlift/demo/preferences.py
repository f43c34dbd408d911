"""The demo store's ground truth: how much each user would like each item.

Utility adds the user's affinity for the item's category, brand, material,
style and use, a quality term, and a penalty for a price far from the user's
level. A viewed item proceeds through the funnel with probabilities

    click | view        = sigmoid(a_click + b_click * utility)
    add_to_cart | click = sigmoid(a_cart  + b_cart  * utility)
    purchase | cart     = sigmoid(a_buy   + b_buy   * utility)

and :meth:`PreferenceModel.purchase_probability` is their product: the chance
that a view of the item ends in a purchase. The session simulator draws from
exactly these numbers, so a recommender that knows users better earns a higher
true purchase probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from uxlift.demo.catalog import ItemLatents
from uxlift.demo.population import UserLatents
from uxlift.errors import InvalidInput, NotFound

# (intercept, slope) per funnel stage, on the utility scale.
FUNNEL_COEFFICIENTS: dict[str, tuple[float, float]] = {
    "click": (-2.6, 0.8),
    "add_to_cart": (-1.6, 0.7),
    "purchase": (-1.0, 0.6),
}
_USER_FIELDS = tuple(UserLatents.__dataclass_fields__)
_ITEM_FIELDS = ("category", "brand", "material", "style", "use", "log_price_ratio", "quality")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class ItemTraits:
    """The item latents that enter utility (popularity and launch time do not)."""

    category: np.ndarray
    brand: np.ndarray
    material: np.ndarray
    style: np.ndarray
    use: np.ndarray
    log_price_ratio: np.ndarray
    quality: np.ndarray

    @classmethod
    def from_latents(cls, latents: ItemLatents) -> ItemTraits:
        return cls(**{name: getattr(latents, name) for name in _ITEM_FIELDS})


@dataclass(frozen=True)
class PreferenceModel:
    """Ground-truth utilities and funnel probabilities for (user, item) pairs."""

    user_ids: list[str]
    item_ids: list[str]
    users: UserLatents
    items: ItemTraits
    coefficients: dict[str, tuple[float, float]] = field(
        default_factory=lambda: dict(FUNNEL_COEFFICIENTS)
    )
    _user_index: dict[str, int] = field(init=False, repr=False, compare=False)
    _item_index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_user_index", {u: i for i, u in enumerate(self.user_ids)})
        object.__setattr__(self, "_item_index", {t: i for i, t in enumerate(self.item_ids)})

    # -- by id ---------------------------------------------------------------
    def utility(self, user_id: str, item_id: str) -> float:
        """True utility of one item for one user."""
        return float(self.utilities([user_id], [item_id])[0])

    def utilities(self, user_ids: Sequence[str], item_ids: Sequence[str]) -> np.ndarray:
        """Element-wise utilities; a length-1 side is broadcast against the other."""
        users, items = self._indices(user_ids, item_ids)
        return self.utility_by_index(users, items)

    def purchase_probability(self, user_id: str, item_id: str) -> float:
        """Probability that a view of ``item_id`` by ``user_id`` ends in a purchase."""
        return float(self.purchase_probabilities([user_id], [item_id])[0])

    def purchase_probabilities(
        self, user_ids: Sequence[str], item_ids: Sequence[str]
    ) -> np.ndarray:
        """Vectorized :meth:`purchase_probability` (length-1 sides broadcast)."""
        users, items = self._indices(user_ids, item_ids)
        return self.purchase_probability_by_index(users, items)

    def best_items(self, user_id: str, k: int = 10) -> list[str]:
        """The oracle's top-``k`` items for a user: an upper bound for recommenders."""
        users, _ = self._indices([user_id], [self.item_ids[0]])
        scores = self.utility_by_index(np.repeat(users, len(self.item_ids)), None)
        top = np.argsort(-scores, kind="stable")[:k]
        return [self.item_ids[i] for i in top]

    # -- by index (the simulator's fast path) ---------------------------------
    def utility_by_index(self, users: np.ndarray, items: np.ndarray | None) -> np.ndarray:
        """Utilities for aligned index arrays (``items=None`` means every item)."""
        u, it = self.users, self.items
        items = np.arange(len(self.item_ids)) if items is None else items
        return (
            u.category_affinity[users, it.category[items]]
            + u.brand_affinity[users, it.brand[items]]
            + u.material_taste[users, it.material[items]]
            + u.style_taste[users, it.style[items]]
            + u.use_taste[users, it.use[items]]
            + u.quality_weight[users] * it.quality[items]
            - u.price_sensitivity[users] * np.abs(it.log_price_ratio[items] - u.price_center[users])
        )

    def stage_probabilities_by_index(
        self, users: np.ndarray, items: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Conditional probability of each funnel stage given the previous one."""
        utility = self.utility_by_index(users, items)
        return {
            stage: _sigmoid(intercept + slope * utility)
            for stage, (intercept, slope) in self.coefficients.items()
        }

    def purchase_probability_by_index(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        stages = self.stage_probabilities_by_index(users, items)
        return stages["click"] * stages["add_to_cart"] * stages["purchase"]

    def funnel_probabilities(
        self, user_ids: Sequence[str], item_ids: Sequence[str], target: str
    ) -> np.ndarray:
        """Chance that a view goes on to ``target`` (click, add_to_cart or purchase)."""
        if target not in self.coefficients:
            raise InvalidInput(f"target must be one of {list(self.coefficients)}")
        users, items = self._indices(user_ids, item_ids)
        stages = self.stage_probabilities_by_index(users, items)
        probability = np.ones(len(users))
        for stage in self.coefficients:
            probability = probability * stages[stage]
            if stage == target:
                break
        return probability

    def _indices(
        self, user_ids: Sequence[str], item_ids: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        try:
            users = np.array([self._user_index[u] for u in user_ids], dtype=np.int64)
            items = np.array([self._item_index[t] for t in item_ids], dtype=np.int64)
        except KeyError as exc:
            raise NotFound(f"unknown id in ground truth: {exc.args[0]}") from exc
        try:
            users, items = np.broadcast_arrays(users, items)
        except ValueError as exc:
            raise InvalidInput(
                "user_ids and item_ids must have equal length (or length 1)"
            ) from exc
        return users, items

    # -- persistence ----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters; :func:`from_dict` rebuilds an identical model."""
        return {
            "format": "uxlift-demo-truth/1",
            "user_ids": list(self.user_ids),
            "item_ids": list(self.item_ids),
            "coefficients": {k: list(v) for k, v in self.coefficients.items()},
            "users": {name: getattr(self.users, name).tolist() for name in _USER_FIELDS},
            "items": {name: getattr(self.items, name).tolist() for name in _ITEM_FIELDS},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PreferenceModel:
        if data.get("format") != "uxlift-demo-truth/1":
            raise InvalidInput("not a uxlift demo truth file")
        users = UserLatents(**{k: np.asarray(data["users"][k], float) for k in _USER_FIELDS})
        items = ItemTraits(
            **{
                k: np.asarray(data["items"][k], float if k in _FLOAT_ITEM_FIELDS else np.int64)
                for k in _ITEM_FIELDS
            }
        )
        coefficients = {k: (float(v[0]), float(v[1])) for k, v in data["coefficients"].items()}
        return cls(list(data["user_ids"]), list(data["item_ids"]), users, items, coefficients)


_FLOAT_ITEM_FIELDS = ("log_price_ratio", "quality")

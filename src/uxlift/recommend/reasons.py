"""Reasons in words for a recommended item, from what actually put it on the list.

Each item gets the reasons that hold for it, most specific first:

- the earlier item that pulls it up most ("because you viewed X");
- items bought together with it by others ("often bought with Y");
- its standing in its category this week ("popular in Shoes this week");
- shoppers with similar taste (collaborative filtering rank);
- for new items, their text matching the user's history.

With ``explain`` the ranker's top feature contributions (TreeSHAP) are added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uxlift.recommend.ranking_features import FEATURES

VERBS = {
    "view": "viewed",
    "click": "opened",
    "add_to_cart": "added to your cart",
    "purchase": "bought",
    "rate": "rated",
}
_DESCRIPTIONS = dict(FEATURES)


@dataclass(frozen=True)
class Reason:
    kind: str  # because_you | bought_with | trending | similar_users | new_match | popular
    text: str
    item_id: str | None = None

    def to_dict(self) -> dict[str, str]:
        out = {"kind": self.kind, "text": self.text}
        if self.item_id is not None:
            out["item_id"] = self.item_id
        return out


def because_you(verb_kind: str, item_id: str, title: str) -> Reason:
    verb = VERBS.get(verb_kind, "looked at")
    return Reason("because_you", f"because you {verb} {title or item_id}", item_id)


def bought_with(item_id: str, title: str) -> Reason:
    return Reason("bought_with", f"often bought with {title or item_id}", item_id)


def trending(category: str | None) -> Reason:
    where = f"in {category}" if category else "in the store"
    return Reason("trending", f"popular {where} this week")


def similar_users() -> Reason:
    return Reason("similar_users", "liked by shoppers with tastes like yours")


def new_match(item_id: str | None, title: str | None) -> Reason:
    if item_id is None:
        return Reason("new_match", "new, and close to what you like")
    return Reason("new_match", f"new, and like {title or item_id} you looked at", item_id)


def popular() -> Reason:
    return Reason("popular", "popular right now")


def top_contributions(
    names: tuple[str, ...], contributions: np.ndarray, features: np.ndarray, top: int = 3
) -> list[dict[str, float | str]]:
    """The ranker's strongest feature terms for one item, in plain words."""
    terms = contributions[: len(names)]
    order = np.argsort(-np.abs(terms), kind="stable")[:top]
    return [
        {
            "feature": names[i],
            "text": _DESCRIPTIONS.get(names[i], names[i]),
            "value": round(float(features[i]), 4),
            "effect": "raises" if terms[i] > 0 else "lowers",
            "contribution": round(float(terms[i]), 4),
        }
        for i in order.tolist()
        if terms[i] != 0
    ]

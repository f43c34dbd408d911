"""The ground-truth preference model: ranges, consistency, and that it drives behaviour."""

from __future__ import annotations

import numpy as np
import pytest

from uxlift.demo import DemoStore
from uxlift.errors import InvalidInput, NotFound


def _pairs(store: DemoStore, kind: str) -> tuple[list[str], list[str]]:
    events = [e for e in store.events if e["type"] == kind]
    return [e["user_id"] for e in events], [e["item_id"] for e in events]


def test_probabilities_are_in_unit_interval(small_store: DemoStore) -> None:
    rng = np.random.default_rng(0)
    users = list(rng.choice(small_store.users, 2000))
    items = list(rng.choice([i["item_id"] for i in small_store.items], 2000))
    p = small_store.truth.purchase_probabilities(users, items)
    assert p.shape == (2000,)
    assert np.all((p >= 0) & (p <= 1))
    assert small_store.truth.purchase_probability(users[3], items[3]) == pytest.approx(p[3])
    assert small_store.truth.utility(users[3], items[3]) == pytest.approx(
        small_store.truth.utilities(users[:4], items[:4])[3]
    )


def test_one_user_broadcasts_over_many_items(small_store: DemoStore) -> None:
    items = [i["item_id"] for i in small_store.items[:50]]
    p = small_store.truth.purchase_probabilities([small_store.users[0]], items)
    assert p.shape == (50,)
    with pytest.raises(InvalidInput):
        small_store.truth.purchase_probabilities(small_store.users[:2], items[:3])
    with pytest.raises(NotFound):
        small_store.truth.purchase_probability("shopper-nobody", items[0])


def test_purchased_items_have_higher_true_probability(
    default_run: tuple[DemoStore, float],
) -> None:
    store = default_run[0]
    truth = store.truth
    bought = truth.purchase_probabilities(*_pairs(store, "purchase")).mean()
    viewed = truth.purchase_probabilities(*_pairs(store, "view")).mean()
    rng = np.random.default_rng(1)
    random_users = list(rng.choice(store.users, 5000))
    random_items = list(rng.choice([i["item_id"] for i in store.items], 5000))
    random = truth.purchase_probabilities(random_users, random_items).mean()
    assert bought > 2 * viewed > 2 * random


def test_observed_conversion_matches_the_truth(default_run: tuple[DemoStore, float]) -> None:
    store = default_run[0]
    views = _pairs(store, "view")
    expected = store.truth.purchase_probabilities(*views).sum()
    observed = sum(1 for e in store.events if e["type"] == "purchase")
    assert observed == pytest.approx(expected, rel=0.1)


def test_oracle_beats_popularity(default_run: tuple[DemoStore, float]) -> None:
    """Knowing users better pays: the oracle's picks convert better than best sellers."""
    store = default_run[0]
    counts: dict[str, int] = {}
    for e in store.events:
        if e["type"] == "purchase":
            counts[e["item_id"]] = counts.get(e["item_id"], 0) + 1
    best_sellers = sorted(counts, key=lambda i: (-counts[i], i))[:10]
    oracle, popular = [], []
    for user in store.users[:200]:
        oracle.append(store.truth.purchase_probabilities([user], store.truth.best_items(user)))
        popular.append(store.truth.purchase_probabilities([user], best_sellers))
    assert np.mean(oracle) > 2 * np.mean(popular)

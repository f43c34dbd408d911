"""Small interaction sets with known structure, for recommender tests."""

from __future__ import annotations

import numpy as np

from uxlift.recommend.interactions import Interactions, catalog_order


def drifting_users(seed: int = 0, n_users: int = 150, n_groups: int = 12,
                   group_size: int = 8) -> Interactions:  # fmt: skip
    """Users browse one item group, then drift to a second one: what they touched last
    (the second group) predicts their held-out items better than their whole history."""
    rng = np.random.default_rng(seed)
    users, items, times = [], [], []
    for u in range(n_users):
        first, second = rng.choice(n_groups, 2, replace=False)
        sequence = [first * group_size + i for i in rng.permutation(group_size)[:5]]
        sequence += [second * group_size + i for i in rng.permutation(group_size)]
        for step, item in enumerate(sequence):
            users.append(f"user-{u:03d}")
            items.append(str(item))
            times.append(1_700_000_000 + u * 10_000 + step * 60)
    catalog = catalog_order(np.array([str(i) for i in range(n_groups * group_size + 4)]))
    return Interactions.from_ids(np.array(users), np.array(items), np.array(times), catalog)

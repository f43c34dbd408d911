"""Every benchmark system keeps the estimator contract and repeats itself exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from tests.recommend.data import drifting_users
from uxlift.errors import NotFitted
from uxlift.recommend.interactions import holdout_split
from uxlift.recommend.item_models import EASE, SequentialEASE
from uxlift.recommend.offline import uxlift_recommender
from uxlift.recommend.peers import benchmark_peers

TRAIN, TEST = holdout_split(drifting_users(n_users=60))
USERS = np.arange(10)
SYSTEMS = {"uxlift": uxlift_recommender(), **benchmark_peers()}


@pytest.mark.parametrize("name", list(SYSTEMS))
def test_contract_and_determinism(name: str) -> None:
    model = SYSTEMS[name]
    params = model.get_params()
    with pytest.raises(NotFitted):
        model.score(USERS)
    assert clone(model).fit(TRAIN) is not None
    first = clone(model)
    assert first.fit(TRAIN) is first and first.get_params() == params
    scores = first.score(USERS)
    assert scores.shape == (len(USERS), TRAIN.n_items)
    np.testing.assert_allclose(clone(model).fit(TRAIN).score(USERS), scores, atol=1e-6)


@pytest.mark.parametrize("cls", [EASE, SequentialEASE])
def test_item_models_survive_a_save_load_round_trip(cls, tmp_path: Path) -> None:
    model = cls(l2=10.0).fit(TRAIN)
    loaded = cls.load(model.save(tmp_path / "model"))
    assert loaded.get_params() == model.get_params()
    np.testing.assert_allclose(loaded.score(USERS), model.score(USERS), atol=1e-6)

"""EASE is Steck's closed form; the sequential variant follows what a user did last."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from tests.recommend.data import drifting_users
from uxlift.errors import InvalidInput
from uxlift.recommend.interactions import holdout_split
from uxlift.recommend.item_models import EASE, SequentialEASE, ease_weights, recency_weights
from uxlift.recommend.offline import evaluate_ranking
from uxlift.recommend.peers import Popularity


def test_ease_weights_solve_the_zero_diagonal_ridge_problem_column_by_column() -> None:
    rng = np.random.default_rng(0)
    X = (rng.random((40, 7)) < 0.3).astype(np.float64)
    l2 = 3.0
    B = ease_weights(sp.csr_matrix(X), l2)
    for j in range(7):
        others = [i for i in range(7) if i != j]
        A = X[:, others]
        expected = np.linalg.solve(A.T @ A + l2 * np.eye(6), A.T @ X[:, j])
        np.testing.assert_allclose(B[others, j], expected, atol=1e-5)
        assert B[j, j] == 0.0


def test_recency_weights_halve_every_half_life() -> None:
    data = drifting_users(n_users=2)
    weights = recency_weights(data, half_life=2.0, floor=0.1)
    last = weights[data.user == 0][-5:]
    np.testing.assert_allclose(last, [0.25 + 0.1, 2**-1.5 + 0.1, 0.5 + 0.1, 2**-0.5 + 0.1, 1.1])


def test_recent_items_steer_the_sequential_model_past_plain_ease() -> None:
    train, test = holdout_split(drifting_users())
    scores = {
        name: evaluate_ranking(model, train, test)["ndcg@10"]
        for name, model in [
            ("popularity", Popularity()),
            ("ease", EASE(l2=20.0)),
            ("sequential", SequentialEASE(l2=20.0, half_life=2.0)),
        ]
    }
    assert scores["sequential"] > scores["ease"] > scores["popularity"]


def test_a_live_profile_scores_like_the_stored_history() -> None:
    train, _ = holdout_split(drifting_users())
    model = SequentialEASE(l2=20.0).fit(train)
    user = 3
    sequence = train.item[train.user == user]
    np.testing.assert_allclose(
        model.score_vector(model.profile(sequence)), model.score([user]), rtol=1e-5
    )


def test_after_a_click_items_like_it_rise() -> None:
    train, _ = holdout_split(drifting_users())
    model = SequentialEASE(l2=20.0).fit(train)
    history = list(train.item[train.user == 0])
    clicked = 8 * 11 + 2  # an item of a group this user never touched
    assert clicked // 8 not in {int(i) // 8 for i in history}
    before = model.score_vector(model.profile(history))[0]
    after = model.score_vector(model.profile([*history, clicked]))[0]
    group = [clicked // 8 * 8 + i for i in range(8) if clicked // 8 * 8 + i != clicked]
    rank_before = (-before).argsort().argsort()[group].mean()
    rank_after = (-after).argsort().argsort()[group].mean()
    assert rank_after < rank_before - 20


@pytest.mark.parametrize("params", [{"half_life": 0.0}, {"floor": -1.0}, {"l2": 0.0}])
def test_bad_parameters_are_refused(params: dict) -> None:
    train, _ = holdout_split(drifting_users(n_users=20))
    with pytest.raises(InvalidInput):
        SequentialEASE(**params).fit(train)

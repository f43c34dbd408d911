"""The two-stage recommender: candidates, a lambdarank ranker, and its safety check."""

from __future__ import annotations

import numpy as np
import pytest

from tests.recommend.data import drifting_users
from uxlift.errors import InvalidInput
from uxlift.recommend.interactions import holdout_split
from uxlift.recommend.offline import evaluate_ranking
from uxlift.recommend.peers import Popularity
from uxlift.recommend.ranker import RankedRecommender, _mean_ndcg
from uxlift.recommend.ranking_features import FEATURE_NAMES

TRAIN, TEST = holdout_split(drifting_users(seed=2, n_users=200))


@pytest.fixture(scope="module")
def model() -> RankedRecommender:
    return RankedRecommender(candidates=30, extra_candidates=10).fit(TRAIN)


def test_candidates_outrank_everything_else_and_keep_the_feature_layout(model) -> None:
    scores = model.score(np.arange(5))
    batch = model.candidate_sets(model.sources_, np.arange(5))[0]
    for row, items in enumerate(batch.items):
        others = np.setdiff1d(np.arange(TRAIN.n_items), items)
        assert scores[row, items].min() > scores[row, others].max()
        assert batch.features[row].shape == (len(items), len(FEATURE_NAMES))
    assert set(model.validation_) == {"ranker_ndcg@10", "sequential_ndcg@10"}
    assert model.uses_ranker_ == (
        model.validation_["ranker_ndcg@10"] > model.validation_["sequential_ndcg@10"]
    )


def test_it_beats_popularity_on_drifting_users(model) -> None:
    ours = evaluate_ranking(model, TRAIN, TEST)["ndcg@10"]
    assert ours > evaluate_ranking(Popularity(), TRAIN, TEST)["ndcg@10"] + 0.1


def test_mean_ndcg_counts_only_users_with_a_relevant_candidate() -> None:
    scores = [np.array([0.9, 0.1, 0.5]), np.array([1.0, 0.0])]
    labels = [np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0])]
    assert _mean_ndcg(scores, labels) == pytest.approx(1 / np.log2(4))


def test_too_few_candidates_are_refused() -> None:
    with pytest.raises(InvalidInput, match="candidates"):
        RankedRecommender(candidates=5).fit(TRAIN)

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


def _group_vectors(n_items: int, group_size: int = 8, dim: int = 16) -> np.ndarray:
    """Text-like vectors: items of one group (as drifting_users makes them) look alike."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(n_items // group_size + 1, dim))
    return centres[np.arange(n_items) // group_size] + 0.3 * rng.normal(size=(n_items, dim))


VECTORS = _group_vectors(TRAIN.n_items)


@pytest.fixture(scope="module")
def model() -> RankedRecommender:
    return RankedRecommender(candidates=30, extra_candidates=10).fit(TRAIN, item_vectors=VECTORS)


def test_candidates_outrank_everything_else_and_keep_the_feature_layout(model) -> None:
    scores = model.score(np.arange(5))
    batch = model.candidate_sets(model.sources_, np.arange(5))[0]
    for row, items in enumerate(batch.items):
        others = np.setdiff1d(np.arange(TRAIN.n_items), items)
        assert scores[row, items].min() > scores[row, others].max()
        assert batch.features[row].shape == (len(items), len(FEATURE_NAMES))
    assert set(model.validation_) == {"ranker_ndcg@10", "sequential_ndcg@10", "uses_content"}
    assert model.uses_ranker_ == (
        model.validation_["ranker_ndcg@10"] > model.validation_["sequential_ndcg@10"]
    )


def test_it_beats_popularity_on_drifting_users(model) -> None:
    ours = evaluate_ranking(model, TRAIN, TEST, fit_params={"item_vectors": VECTORS})["ndcg@10"]
    assert ours > evaluate_ranking(Popularity(), TRAIN, TEST)["ndcg@10"] + 0.1


def test_mean_ndcg_counts_only_users_with_a_relevant_candidate() -> None:
    scores = [np.array([0.9, 0.1, 0.5]), np.array([1.0, 0.0])]
    labels = [np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0])]
    assert _mean_ndcg(scores, labels) == pytest.approx(1 / np.log2(4))


def test_too_few_candidates_are_refused() -> None:
    with pytest.raises(InvalidInput, match="candidates"):
        RankedRecommender(candidates=5).fit(TRAIN)


def _sparse_row(n: int, items: np.ndarray, weights: np.ndarray):
    import scipy.sparse as sp

    row = sp.csr_matrix((weights, (np.zeros(len(items), np.int64), items)), shape=(1, n))
    row.sum_duplicates()
    return row.astype(np.float32)


def test_live_scores_equal_the_sparse_products(model) -> None:
    from uxlift.recommend.recency import sequence_weights

    sources = model.sources_.models
    rng = np.random.default_rng(5)
    for length in (1, 3, 17):
        sequence = rng.integers(0, TRAIN.n_items, length)  # repeats included
        weights = sequence_weights(length, sources.half_life, sources.floor)
        recent = _sparse_row(TRAIN.n_items, sequence, weights)
        whole = recent.copy()
        whole.data[:] = 1.0
        distinct = np.unique(sequence)
        expected = sources.scores(recent, whole, sources.live_als_vector(distinct))
        live = sources.live_scores(sequence)
        assert set(live) == set(expected) - {"trending"}  # trending comes from item activity
        everything = np.arange(TRAIN.n_items)
        sources.fill_content(live["content"], sequence, everything)  # candidates only, live
        for name, values in live.items():
            np.testing.assert_allclose(values, expected[name], rtol=1e-5, atol=1e-6, err_msg=name)


def test_anchors_name_the_history_item_that_pulls_hardest(model) -> None:
    from uxlift.recommend.serving_model import RecommenderModel

    serving = RecommenderModel.from_ranker(model, tuple(str(i) for i in range(TRAIN.n_items)))
    sources = serving.sources
    sequence = np.array([3, 9, 3, 40, 41])
    items = np.arange(TRAIN.n_items)
    anchors = serving.anchors(sequence, items)
    distinct, weights = sources.live_weights(sequence)
    pull = weights[:, None] * sources.weights[distinct].toarray()
    for item in items:
        if pull[:, item].max() > 0:
            assert anchors[item] == distinct[np.argmax(pull[:, item])]
        else:
            assert anchors[item] == -1


def test_a_saved_serving_model_ranks_and_explains_as_it_did_in_memory(model, tmp_path) -> None:
    from uxlift.recommend.ranking_sources import ItemActivity
    from uxlift.recommend.serving_model import RecommenderModel

    serving = RecommenderModel.from_ranker(model, tuple(str(i) for i in range(TRAIN.n_items)))
    serving.uses_ranker = True  # exercise the averaged boosters whatever the check decided
    serving.save(tmp_path / "model")
    loaded = RecommenderModel.load(tmp_path / "model")
    loaded.uses_ranker = True
    activity = ItemActivity(TRAIN.item, TRAIN.time, TRAIN.n_items)
    sequence = np.array([5, 17, 18, 19])
    visit = float(TRAIN.time.max())
    before = serving.rank(sequence, visit=visit, activity=activity, explain=True)
    after = loaded.rank(sequence, visit=visit, activity=activity, explain=True)
    plain = loaded.rank(sequence, visit=visit, activity=activity)
    assert len(model.boosters_) == 2
    np.testing.assert_array_equal(before.items, after.items)
    np.testing.assert_allclose(before.scores, after.scores, atol=1e-9)
    np.testing.assert_allclose(after.contributions.sum(axis=1), after.scores, atol=1e-9)
    np.testing.assert_allclose(np.sort(plain.scores), np.sort(after.scores), atol=1e-6)


def test_content_scores_rate_items_described_like_the_recent_ones(model) -> None:
    from uxlift.recommend import serving_model
    from uxlift.recommend.ranking_sources import ItemActivity, unit_rows

    serving = serving_model.RecommenderModel.from_ranker(
        model, tuple(str(i) for i in range(TRAIN.n_items))
    )
    serving.uses_content = True  # whatever the validation chose for these vectors
    activity = ItemActivity(TRAIN.item, TRAIN.time, TRAIN.n_items)
    sequence = np.array([40, 41, 42])  # group 5
    column = FEATURE_NAMES.index("content_score")
    exact = serving.rank(sequence, visit=float(TRAIN.time.max()), activity=activity)
    in_group = exact.features[np.isin(exact.items, np.arange(43, 48)), column]
    elsewhere = exact.features[exact.items >= 48, column]
    assert len(in_group) and in_group.min() > elsewhere.max()  # the rest of group 5 reads alike
    weights = serving.sources.live_weights(sequence)[1]
    profile = unit_rows((weights @ unit_rows(VECTORS)[sequence])[None, :])[0]
    expected = unit_rows(VECTORS)[exact.items] @ profile
    np.testing.assert_allclose(exact.features[:, column], expected, atol=1e-5)


def test_item_vectors_must_match_the_catalog() -> None:
    with pytest.raises(InvalidInput):
        RankedRecommender(candidates=30, extra_candidates=10).fit(TRAIN, item_vectors=VECTORS[:5])

"""The lookup TreeSHAP must give LightGBM's own pred_contrib numbers, row for row."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest

from uxlift.errors import InvalidInput
from uxlift.predict.estimators import LightGBMPredictor
from uxlift.predict.tree_shap import TreeShapTable


def _data(seed: int, n: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    X[:, 4] = rng.integers(0, 3, n)  # many exact zeros
    X[rng.random(n) < 0.2, 0] = np.nan  # feature 0 is missing in training
    logit = X[:, 1] - np.nan_to_num(X[:, 0]) * X[:, 2] + 0.8 * (X[:, 4] == 0) - 1.0
    return X, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


def _booster(num_leaves: int = 7, **params) -> lgb.Booster:
    X, y = _data(0)
    options = {"objective": "binary", "num_leaves": num_leaves, "min_child_samples": 20,
               "learning_rate": 0.1, "verbosity": -1, "seed": 0, **params}  # fmt: skip
    return lgb.train(options, lgb.Dataset(X, y), num_boost_round=60)


def _probe_rows(booster: lgb.Booster) -> np.ndarray:
    """Random rows plus the awkward ones: missing everywhere, zeros, values on thresholds."""
    X, _ = _data(1, 400)
    splits: list[tuple[int, float]] = []

    def walk(node: dict) -> None:
        if "split_feature" in node:
            splits.append((node["split_feature"], node["threshold"]))
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in booster.dump_model()["tree_info"]:
        walk(tree["tree_structure"])
    edge = np.tile(X[:1], (len(splits), 1))
    for row, (column, value) in enumerate(splits):
        edge[row, column] = value
    nan_row = np.full((1, X.shape[1]), np.nan)
    zero_row = np.zeros((1, X.shape[1]))
    return np.vstack([X, edge, nan_row, zero_row])


@pytest.mark.parametrize("params", [{}, {"zero_as_missing": True}, {"use_missing": False}])
def test_lookup_equals_pred_contrib(params: dict) -> None:
    booster = _booster(**params)
    table = TreeShapTable.from_booster(booster)
    assert table is not None
    X = _probe_rows(booster)
    expected = booster.predict(X, pred_contrib=True)
    got = table.contributions(X)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.sum(axis=1), booster.predict(X, raw_score=True), atol=1e-10)


def test_large_inputs_are_explained_in_chunks() -> None:
    booster = _booster()
    table = TreeShapTable.from_booster(booster)
    X = np.tile(_probe_rows(booster), (6, 1))  # several chunks
    np.testing.assert_allclose(
        table.contributions(X), booster.predict(X, pred_contrib=True), atol=1e-10
    )


def test_big_trees_fall_back_to_lightgbm() -> None:
    booster = _booster(num_leaves=31)
    assert TreeShapTable.from_booster(booster) is None
    X, y = _data(0)
    model = LightGBMPredictor(num_leaves=31, min_child_samples=20, n_estimators=30).fit(X, y)
    assert model.shap_table() is None
    rows = _probe_rows(model.booster_)
    np.testing.assert_allclose(
        model.contributions(rows), model.booster_.predict(rows, pred_contrib=True), atol=1e-12
    )


def test_the_predictor_uses_the_table_and_keeps_it_after_loading(tmp_path) -> None:
    X, y = _data(0)
    model = LightGBMPredictor(min_child_samples=20, n_estimators=40).fit(X, y)
    assert model.shap_table() is not None
    loaded = LightGBMPredictor.load(model.save(tmp_path / "m"))
    rows = _probe_rows(model.booster_)
    np.testing.assert_allclose(
        loaded.contributions(rows), model.booster_.predict(rows, pred_contrib=True), atol=1e-10
    )


def test_rows_of_the_wrong_width_are_refused() -> None:
    table = TreeShapTable.from_booster(_booster())
    with pytest.raises(InvalidInput, match="6 features"):
        table.contributions(np.zeros((2, 5)))

"""Holm and Benjamini–Hochberg adjusted p-values against statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from uxlift.errors import InvalidInput
from uxlift.experiments.corrections import adjust_p_values, benjamini_hochberg, holm

P_VALUES = [
    [0.01, 0.04, 0.03, 0.005, 0.2],
    [0.5],
    [0.001, 0.001, 0.04, 0.9, 0.049, 0.3, 0.02],
    list(np.random.default_rng(3).uniform(0.0, 0.2, 25)),
]


@pytest.mark.parametrize("p_values", P_VALUES)
def test_holm_equals_statsmodels(p_values: list[float]) -> None:
    expected = multipletests(p_values, method="holm")[1]
    assert holm(p_values) == pytest.approx(list(expected), abs=1e-12)
    assert adjust_p_values(p_values, "holm") == holm(p_values)


@pytest.mark.parametrize("p_values", P_VALUES)
def test_benjamini_hochberg_equals_statsmodels(p_values: list[float]) -> None:
    expected = multipletests(p_values, method="fdr_bh")[1]
    assert benjamini_hochberg(p_values) == pytest.approx(list(expected), abs=1e-12)
    assert adjust_p_values(p_values, "bh") == benjamini_hochberg(p_values)


def test_nan_p_values_stay_out_of_the_family() -> None:
    adjusted = holm([0.01, float("nan"), 0.04])
    assert math.isnan(adjusted[1])
    assert [adjusted[0], adjusted[2]] == pytest.approx(list(holm([0.01, 0.04])))
    assert math.isnan(benjamini_hochberg([float("nan")])[0])
    assert adjust_p_values([], "holm") == []


def test_none_leaves_p_values_unchanged_and_bad_inputs_are_rejected() -> None:
    assert adjust_p_values([0.2, 0.01], "none") == [0.2, 0.01]
    with pytest.raises(InvalidInput, match="correction"):
        adjust_p_values([0.2], "bonferroni")
    with pytest.raises(InvalidInput, match="p_values"):
        holm([1.2])

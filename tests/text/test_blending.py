"""Mixing a fine-tuned model with linear models."""

from __future__ import annotations

import numpy as np

from uxlift.text.blending import blended, choose_blend


def test_blend_weights_favour_the_member_that_is_right() -> None:
    y = np.array([0, 1, 0, 1])
    main = np.array([[2.0, 0.0], [2.0, 0.0], [2.0, 0.0], [0.0, 2.0]])  # 3 of 4 right
    good = np.array([[0.0, 5.0], [0.0, 5.0], [5.0, 0.0], [0.0, 5.0]])
    good[0] = [5.0, 0.0]  # always right
    weights = choose_blend(main, {"good": good, "wrong": -good}, y)
    assert weights["good"] > 0 and weights["wrong"] == 0.0
    mixed = blended(main, {"good": good}, weights)
    assert (mixed.argmax(axis=1) == y).all()

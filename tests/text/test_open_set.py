"""Out-of-scope detection: p-values against held-out in-scope texts."""

from __future__ import annotations

import numpy as np
import pytest

from tests.text.intent_data import intent_examples
from uxlift.errors import NotFitted
from uxlift.text.classifier import TextClassifier
from uxlift.text.open_set import OpenSetCalibration, neighbour_similarity, p_values, unit_rows


def test_p_values_count_the_reference_at_or_below() -> None:
    reference = np.array([0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(p_values(reference, np.array([0.05, 0.2, 0.9])), [0.2, 0.6, 1])


def test_the_threshold_refuses_about_alpha_of_the_validation_texts() -> None:
    rng = np.random.default_rng(0)
    calibration = OpenSetCalibration.fit(rng.random(1000), rng.random(1000))
    scores = calibration.in_scope_score(rng.random(1000), rng.random(1000))
    refused = (scores <= calibration.threshold(0.1)).mean()
    assert 0.07 < refused < 0.13
    assert calibration.threshold(0.0) < 0 < scores.min()
    with pytest.raises(ValueError):
        calibration.threshold(1.0)


def test_neighbour_similarity_is_the_mean_of_the_k_closest() -> None:
    bank = unit_rows(np.eye(4, dtype=np.float32))
    query = unit_rows(np.array([[1.0, 1.0, 0.0, 0.0]], dtype=np.float32))
    assert neighbour_similarity(bank, query, k=2)[0] == pytest.approx(np.sqrt(0.5))


def test_a_classifier_refuses_texts_unlike_its_classes(tmp_path) -> None:
    texts, labels = intent_examples()
    model = TextClassifier(method="tfidf+logreg", validation_fraction=0.3, out_of_scope=True).fit(
        texts, labels
    )
    _, known = model.scope(texts[:40])
    _, unknown = model.scope(["zxqv plorb wibble", "the mitochondria is the powerhouse"])
    assert np.median(known) > unknown.max()
    threshold = model.out_of_scope_threshold(0.05)
    assert (unknown <= threshold).all()
    again = TextClassifier.load(model.save(tmp_path / "m"))
    np.testing.assert_allclose(again.scope(texts[:5])[1], model.scope(texts[:5])[1])
    plain = TextClassifier(method="tfidf+logreg").fit(texts, labels)
    with pytest.raises(NotFitted):
        plain.scope(["hello"])

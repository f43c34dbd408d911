"""One conformance check over every estimator uxlift ships.

Each must: keep constructor parameters unchanged (so ``sklearn.base.clone``
works), raise ``NotFitted`` before fit, return itself from ``fit``, give the same
outputs after a save/load round trip, and repeat exactly with the same seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.base import clone

from tests.text.intent_data import HELD_OUT, intent_examples
from uxlift.errors import NotFitted
from uxlift.predict.cross_encoder import CrossEncoderPredictor
from uxlift.predict.estimators import LightGBMPredictor, LogisticPredictor
from uxlift.text.bm25 import BM25
from uxlift.text.classifier import TextClassifier

TEXTS, LABELS = intent_examples()
PROBES = [t for t, _ in HELD_OUT]
_rng = np.random.default_rng(0)
FEATURES = _rng.normal(size=(600, 6))
FEATURES[_rng.random(FEATURES.shape) < 0.05] = np.nan  # features may be unknown
_logit = 1.5 * np.nan_to_num(FEATURES[:, 0]) - np.nan_to_num(FEATURES[:, 1]) - 1.0
OUTCOMES = (_rng.random(600) < 1 / (1 + np.exp(-_logit))).astype(int)
EVAL = (FEATURES[400:], OUTCOMES[400:])
FIRST_LABEL = LABELS[0]
BINARY = [int(label == FIRST_LABEL) for label in LABELS]


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], Any]
    fit: Callable[[Any], Any]
    output: Callable[[Any], np.ndarray]
    round_trip: Callable[[Any, Path], Any]


def _classifier_case(name: str, **params: Any) -> Case:
    return Case(
        name=name,
        make=lambda: TextClassifier(**params),
        fit=lambda est: est.fit(TEXTS, LABELS),
        output=lambda est: est.predict_proba(PROBES),
        round_trip=lambda est, tmp: TextClassifier.load(est.save(tmp / "model")),
    )


CASES = [
    Case(
        name="bm25",
        make=lambda: BM25(k1=1.5, b=0.7),
        fit=lambda est: est.fit(TEXTS),
        output=lambda est: est.transform(PROBES),
        round_trip=lambda est, tmp: BM25.from_dict(est.to_dict()),
    ),
    _classifier_case("tfidf+logreg", method="tfidf+logreg", random_state=3),
    _classifier_case("embedding+logreg", method="embedding+logreg", random_state=3),
    _classifier_case("finetune", method="finetune", epochs=1, random_state=3),
    Case(
        name="predict-logreg",
        make=lambda: LogisticPredictor(random_state=3),
        fit=lambda est: est.fit(FEATURES[:400], OUTCOMES[:400], eval_set=EVAL),
        output=lambda est: est.predict_proba(FEATURES[400:]),
        round_trip=lambda est, tmp: LogisticPredictor.load(est.save(tmp / "logreg")),
    ),
    Case(
        name="predict-lightgbm",
        make=lambda: LightGBMPredictor(n_estimators=200, random_state=3),
        fit=lambda est: est.fit(FEATURES[:400], OUTCOMES[:400], eval_set=EVAL),
        output=lambda est: est.predict_proba(FEATURES[400:]),
        round_trip=lambda est, tmp: LightGBMPredictor.load(est.save(tmp / "lightgbm")),
    ),
    Case(
        name="predict-cross-encoder",
        make=lambda: CrossEncoderPredictor(epochs=1, max_length=32, random_state=3),
        fit=lambda est: est.fit(TEXTS, np.array(BINARY), eval_set=(TEXTS, np.array(BINARY))),
        output=lambda est: est.predict_proba(PROBES),
        round_trip=lambda est, tmp: CrossEncoderPredictor.load(est.save(tmp / "cross")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_estimator_contract(case: Case, tmp_path: Path) -> None:
    estimator = case.make()
    params = estimator.get_params()
    cloned = clone(estimator)
    assert cloned.get_params() == params and cloned is not estimator
    with pytest.raises(NotFitted):
        case.output(estimator)
    assert case.fit(estimator) is estimator
    assert estimator.get_params() == params, "fit must not change constructor parameters"
    first = case.output(estimator)
    np.testing.assert_allclose(case.output(case.round_trip(estimator, tmp_path)), first, atol=1e-5)
    again = case.output(case.fit(cloned))
    np.testing.assert_allclose(again, first, atol=1e-6)

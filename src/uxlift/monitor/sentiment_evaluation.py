"""Measuring a trained sentiment model (the shipped default, or a saved one) on a test set.

Labels are normalized (``0``/``1``, ``neg``/``pos``, ...). Besides three-way
accuracy, a test set without neutral texts also gets ``binary_accuracy``: the
better of positive and negative, as a two-class model would answer, so the
default model's neutral class does not count against it on binary sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from uxlift.monitor.sentiment import SENTIMENTS, SentimentModel, normalize_label
from uxlift.text.classifier_evaluation import score


def evaluate_sentiment_model(
    model: SentimentModel, texts: Sequence[str], labels: Sequence[Any]
) -> dict[str, Any]:
    truth = [normalize_label(v) for v in labels]
    proba = model.predict_proba(list(texts))
    predicted = [SENTIMENTS[j] for j in proba.argmax(axis=1)]
    report: dict[str, Any] = {"n_test": len(truth), **score(truth, predicted)}
    report["neutral_share"] = round(predicted.count("neutral") / max(len(predicted), 1), 4)
    if "neutral" not in truth:
        binary = np.where(proba[:, 2] >= proba[:, 0], "positive", "negative")
        report["binary_accuracy"] = round(float((binary == np.array(truth)).mean()), 4)
    return report

"""Scores, the confusion-matrix chart, and peers run in the same evaluation."""

from __future__ import annotations

from pathlib import Path

from tests.text.intent_data import HELD_OUT, intent_examples
from uxlift.text.classifier import TextClassifier
from uxlift.text.classifier_evaluation import evaluate_classifier, score
from uxlift.text.labelled_data import LabelledTexts


def test_score_reports_accuracy_macro_f1_and_classes() -> None:
    result = score(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert result["accuracy"] == 0.75
    assert result["per_class"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert abs(result["macro_f1"] - (0.6667 + 0.8) / 2) < 1e-3


def test_evaluation_runs_model_and_peer_and_draws_the_matrix(tmp_path: Path) -> None:
    texts, labels = intent_examples()
    train = LabelledTexts(texts, labels)
    test = LabelledTexts([t for t, _ in HELD_OUT], [label for _, label in HELD_OUT])
    png = tmp_path / "cm.png"
    report = evaluate_classifier(
        TextClassifier(method="tfidf+logreg"), train, test, peers=["tfidf+lr"], confusion_path=png
    )
    assert set(report) >= {"accuracy", "macro_f1", "per_class", "ece", "peers", "model"}
    assert 0.0 <= report["peers"]["tfidf+lr"]["accuracy"] <= 1.0
    assert report["model"]["method"] == "tfidf+logreg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

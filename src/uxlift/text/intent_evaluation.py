"""Measuring an intent model, with out-of-scope detection, on labelled files.

``evaluate_intents`` trains a :class:`~uxlift.text.classifier.TextClassifier`
and reports accuracy, macro-F1, in-scope accuracy and out-of-scope recall and
precision. Test texts labelled ``oos_label`` must be refused:

* when training has no such texts, the classifier's detector refuses texts
  whose in-scope score falls at or below the threshold calibrated on its
  validation split (a part of the training data), at rate ``alpha``;
* when training has them, out of scope is one more class.

``known_share`` runs the open-intent protocol: a random share of the training
intents (``seed``) is kept, and test texts of the others become out of scope.
The report then also holds the curves (known-intent accuracy against
out-of-scope recall and precision as the threshold moves) of the detector, of
the same model's top probability, and of the peer the benchmarks name
(frozen all-MiniLM-L6-v2 + logistic regression, top probability).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.text.labelled_data import LabelledTexts

CURVE_REFUSALS = np.round(np.arange(0.0, 0.601, 0.01), 2)
KNOWN_ACCURACY_POINTS = (0.90, 0.93)


def open_intent_split(
    train: LabelledTexts, test: LabelledTexts, *, known_share: float, seed: int, oos_label: str
) -> tuple[LabelledTexts, LabelledTexts, list[str]]:
    """Keep ``known_share`` of the intents (random, ``seed``); relabel the rest in test."""
    if not 0.0 < known_share < 1.0:
        raise ValueError("known_share must be between 0 and 1")
    intents = sorted(set(train.labels))
    rng = np.random.default_rng(seed)
    size = max(1, round(known_share * len(intents)))
    known = sorted(rng.choice(intents, size=size, replace=False).tolist())
    keep = set(known)
    kept = [i for i, label in enumerate(train.labels) if label in keep]
    relabelled = [label if label in keep else oos_label for label in test.labels]
    return train.subset(kept), LabelledTexts(list(test.texts), relabelled), known


def open_set_scores(
    y_true: Sequence[str], y_pred: Sequence[str], oos_label: str
) -> dict[str, float | None]:
    """Accuracy and macro-F1 over all labels (out of scope included), in-scope
    accuracy, and out-of-scope recall and precision."""
    from sklearn.metrics import f1_score

    truth = np.asarray(y_true, dtype=object)
    pred = np.asarray(y_pred, dtype=object)
    is_oos, said_oos = truth == oos_label, pred == oos_label
    in_scope = ~is_oos
    return {
        "accuracy": round(float((truth == pred).mean()), 4),
        "macro_f1": round(
            float(f1_score(truth, pred, labels=sorted(set(truth)), average="macro")), 4
        ),
        "in_scope_accuracy": round(float((truth == pred)[in_scope].mean()), 4)
        if in_scope.any()
        else None,
        "oos_recall": round(float(said_oos[is_oos].mean()), 4) if is_oos.any() else None,
        "oos_precision": round(float(is_oos[said_oos].mean()), 4) if said_oos.any() else None,
    }


def refusal_curve(
    scores: np.ndarray, correct: np.ndarray, is_oos: np.ndarray
) -> list[dict[str, float]]:
    """Known-intent accuracy and out-of-scope recall/precision as the lowest-scoring
    0 %, 1 %, ... 60 % of the test texts are refused (higher score = more in scope)."""
    points = []
    for share in CURVE_REFUSALS:
        threshold = np.quantile(scores, share) if share > 0 else -np.inf
        refused = scores <= threshold if share > 0 else np.zeros(len(scores), dtype=bool)
        points.append(
            {
                "refused": float(share),
                "known_accuracy": round(float((correct & ~refused)[~is_oos].mean()), 4),
                "oos_recall": round(float(refused[is_oos].mean()), 4),
                "oos_precision": round(float(is_oos[refused].mean()), 4) if refused.any() else 1.0,
            }
        )
    return points


def best_recall_at(curve: list[dict[str, float]], accuracy: float) -> dict[str, float] | None:
    """The curve's point with the highest OOS recall whose known accuracy holds."""
    eligible = [p for p in curve if p["known_accuracy"] >= accuracy]
    return max(eligible, key=lambda p: (p["oos_recall"], p["oos_precision"]), default=None)


def _peer_proba(train: LabelledTexts, test_texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The MiniLM + logistic-regression peer: (classes, probabilities of test texts)."""
    from uxlift.text.classifier_evaluation import _best_c
    from uxlift.text.encoders import encoder_from_spec
    from uxlift.text.linear import logistic_regression

    encoder = encoder_from_spec("minilm")
    vectors = encoder.encode(train.texts)

    def make(c: float) -> Any:
        return logistic_regression(c)

    model = make(_best_c(make, vectors, train.labels)).fit(vectors, train.labels)
    return model.classes_, model.predict_proba(encoder.encode(test_texts))


def _curves(
    classifier: Any, train: LabelledTexts, test: LabelledTexts, oos_label: str, proba, scores
) -> dict[str, Any]:
    truth = np.asarray(test.labels, dtype=object)
    is_oos = truth == oos_label
    predicted = classifier.classes_[proba.argmax(axis=1)]
    correct = predicted == truth
    peer_classes, peer_proba = _peer_proba(train, list(test.texts))
    peer_correct = peer_classes[peer_proba.argmax(axis=1)] == truth
    curves = {
        "uxlift_detector": refusal_curve(scores, correct, is_oos),
        "uxlift_max_probability": refusal_curve(proba.max(axis=1), correct, is_oos),
        "peer_minilm_lr_max_probability": refusal_curve(
            peer_proba.max(axis=1), peer_correct, is_oos
        ),
    }
    summary = {
        name: {f"at_known_accuracy_{a:.2f}": best_recall_at(c, a) for a in KNOWN_ACCURACY_POINTS}
        for name, c in curves.items()
    }
    return {"curves": curves, "summary": summary}


def curve_png(curves: dict[str, list[dict[str, float]]], path: Path, *, title: str) -> Path:
    """Known-intent accuracy against out-of-scope recall, one line per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    for name, points in curves.items():
        ax.plot(
            [p["oos_recall"] for p in points],
            [p["known_accuracy"] for p in points],
            marker=".",
            label=name.replace("_", " "),
        )
    ax.axhline(0.90, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("out-of-scope recall")
    ax.set_ylabel("known-intent accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def evaluate_intents(
    classifier: Any,
    train: LabelledTexts,
    test: LabelledTexts,
    *,
    oos_label: str = "oos",
    alpha: float | None = None,
    curves: bool = False,
    tracker: Any = None,
) -> dict[str, Any]:
    """Fit on ``train`` and score ``test`` (see the module docstring)."""
    from uxlift.text.classifier_io import describe

    oos_in_train = oos_label in set(train.labels)
    oos_in_test = oos_label in set(test.labels)
    use_detector = oos_in_test and not oos_in_train
    started = time.monotonic()
    classifier.fit(train.texts, train.labels, tracker=tracker)
    fit_seconds = time.monotonic() - started
    started = time.monotonic()
    if use_detector:
        proba, scores = classifier.scope(test.texts)
        threshold = classifier.out_of_scope_threshold(alpha)
        predicted = np.where(
            scores <= threshold, oos_label, classifier.classes_[proba.argmax(axis=1)]
        )
    else:
        proba = classifier.predict_proba(test.texts)
        predicted = classifier.classes_[proba.argmax(axis=1)]
    predict_seconds = time.monotonic() - started
    report: dict[str, Any] = {
        "n_train": len(train),
        "n_test": len(test),
        "n_intents": len(classifier.classes_),
        **open_set_scores(test.labels, [str(p) for p in predicted], oos_label),
        "oos_label": oos_label if oos_in_test else None,
        "oos_detection": (
            "calibrated threshold" if use_detector else "a class" if oos_in_train else "none"
        ),
        "fit_seconds": round(fit_seconds, 1),
        "predict_seconds": round(predict_seconds, 2),
        "model": describe(classifier),
    }
    if use_detector:
        report["alpha"] = alpha if alpha is not None else 0.05
        report["threshold"] = round(threshold, 6)
        if curves:
            report.update(_curves(classifier, train, test, oos_label, proba, scores))
    if tracker is not None:
        tracker.log_metrics(
            {k: v for k, v in report.items() if isinstance(v, float) and k != "alpha"}
        )
    return report

"""Measuring a text classifier on a labelled test set, beside plain peers.

The peers are what a team would try first: TF-IDF + logistic regression (word
1-2 grams; character 1-3 grams for Chinese) and frozen all-MiniLM-L6-v2
embeddings + logistic regression, each with its C picked on the same validation
split uxlift uses (scikit-learn's default C=1 underfits both, which would flatter
uxlift). They train on the same data in the same run, so figures compare.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.text.labelled_data import LabelledTexts
from uxlift.text.linear import mostly_chinese

PEERS = ("tfidf+lr", "minilm+lr")


def score(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and a per-class precision/recall/F1/support report."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = sorted(set(y_true) | set(y_pred))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    per_class = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(
            float(
                f1_score(
                    y_true, y_pred, labels=sorted(set(y_true)), average="macro", zero_division=0
                )
            ),
            4,
        ),
        "per_class": per_class,
    }


def _tfidf_peer(train: LabelledTexts) -> Callable[[list[str]], list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    chinese = mostly_chinese(train.texts)

    def make(c: float) -> Any:
        if chinese:
            vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
        else:
            vectorizer = TfidfVectorizer(ngram_range=(1, 2))
        return make_pipeline(vectorizer, LogisticRegression(C=c, max_iter=3000))

    pipeline = make(_best_c(make, train.texts, train.labels)).fit(train.texts, train.labels)
    return lambda texts: pipeline.predict(texts).tolist()


def _best_c(make: Callable[[float], Any], x: Any, labels: list[str]) -> float:
    """The C (of uxlift's grid) with the best accuracy on uxlift's validation split."""
    from uxlift.text.linear import C_GRID
    from uxlift.text.splits import validation_split

    fit_idx, val_idx = validation_split(labels, fraction=min(0.1, 800 / len(labels)), seed=0)
    y = np.asarray(labels, dtype=object)

    def rows(index: np.ndarray) -> Any:
        return x[index] if isinstance(x, np.ndarray) else [x[i] for i in index]

    scores = []
    for c in C_GRID:
        model = make(c).fit(rows(fit_idx), y[fit_idx])
        scores.append((float((model.predict(rows(val_idx)) == y[val_idx]).mean()), -c))
    return -max(scores)[1]


def _minilm_peer(train: LabelledTexts) -> Callable[[list[str]], list[str]]:
    from sklearn.linear_model import LogisticRegression

    from uxlift.text.encoders import encoder_from_spec

    encoder = encoder_from_spec("minilm")
    vectors = encoder.encode(train.texts)

    def make(c: float) -> Any:
        return LogisticRegression(C=c, max_iter=3000)

    model = make(_best_c(make, vectors, train.labels)).fit(vectors, train.labels)
    return lambda texts: model.predict(encoder.encode(texts)).tolist()


def run_peer(name: str, train: LabelledTexts, test: LabelledTexts) -> dict[str, Any]:
    """Train peer ``name`` on ``train`` and score it on ``test``."""
    builders = {"tfidf+lr": _tfidf_peer, "minilm+lr": _minilm_peer}
    started = time.monotonic()
    predict = builders[name](train)
    fit_seconds = time.monotonic() - started
    result = score(test.labels, predict(test.texts))
    result.pop("per_class")
    return {**result, "fit_seconds": round(fit_seconds, 1)}


def confusion_png(y_true: Sequence[str], y_pred: Sequence[str], path: Path, *, title: str) -> Path:
    """A confusion-matrix heat map (rows: truth, columns: prediction), row-normalized."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(y_true) | set(y_pred))
    matrix = confusion_matrix(y_true, y_pred, labels=labels).astype(np.float64)
    matrix /= np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    size = min(24.0, max(5.0, 0.22 * len(labels) + 3))
    fig, ax = plt.subplots(figsize=(size, size * 0.9))
    image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
    ticks = np.arange(len(labels))
    small = len(labels) > 20
    ax.set_xticks(ticks, labels=labels, rotation=90, fontsize=5 if small else 9)
    ax.set_yticks(ticks, labels=labels, fontsize=5 if small else 9)
    if not small:
        for i in range(len(labels)):
            for j in range(len(labels)):
                ax.text(
                    j,
                    i,
                    f"{matrix[i, j]:.2f}",
                    ha="center",
                    va="center",
                    color="white" if matrix[i, j] > 0.5 else "black",
                    fontsize=8,
                )
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of true class")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def evaluate_classifier(
    classifier: Any,
    train: LabelledTexts,
    test: LabelledTexts,
    *,
    peers: Sequence[str] = PEERS,
    confusion_path: Path | None = None,
    tracker: Any = None,
    title: str = "",
) -> dict[str, Any]:
    """Fit ``classifier`` on ``train``, score it and each peer on ``test``."""
    from uxlift.text.classifier_io import describe

    started = time.monotonic()
    classifier.fit(train.texts, train.labels, tracker=tracker)
    fit_seconds = time.monotonic() - started
    started = time.monotonic()
    predicted = [str(p) for p in classifier.predict(test.texts)]
    predict_seconds = time.monotonic() - started
    report: dict[str, Any] = {
        "n_train": len(train),
        "n_test": len(test),
        "n_classes": len(set(train.labels)),
        **score(test.labels, predicted),
        "fit_seconds": round(fit_seconds, 1),
        "predict_seconds": round(predict_seconds, 2),
        "model": describe(classifier),
    }
    from uxlift.text.calibration import expected_calibration_error

    index = {label: i for i, label in enumerate(str(c) for c in classifier.classes_)}
    known = [i for i, label in enumerate(test.labels) if label in index]
    if known:
        proba = classifier.predict_proba([test.texts[i] for i in known])
        truth = np.array([index[test.labels[i]] for i in known])
        report["ece"] = round(expected_calibration_error(proba, truth), 4)
    report["peers"] = {name: run_peer(name, train, test) for name in peers}
    if confusion_path is not None:
        heading = f"{title}: {classifier.method_}, accuracy {report['accuracy']:.3f}"
        report["confusion_png"] = str(
            confusion_png(test.labels, predicted, confusion_path, title=heading.lstrip(": "))
        )
    if tracker is not None:
        tracker.log_metrics(
            {
                "test_accuracy": report["accuracy"],
                "test_macro_f1": report["macro_f1"],
                "test_ece": report.get("ece", float("nan")),
            }
        )
        for name, peer in report["peers"].items():
            tracker.log_metrics(
                {
                    f"peer_{name}_accuracy": peer["accuracy"],
                    f"peer_{name}_macro_f1": peer["macro_f1"],
                }
            )
        if confusion_path is not None:
            tracker.log_artifact(confusion_path)
    return report

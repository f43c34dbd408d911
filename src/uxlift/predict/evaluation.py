"""How good are predicted probabilities: ranking, loss, calibration, and the ceiling.

``binary_report`` gives the numbers a report shows for one model on one set;
``reliability_bins`` the points of its reliability diagram; ``reliability_png``
draws several models' diagrams side by side (matplotlib, no display needed).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    classification_report,
    log_loss,
    roc_auc_score,
)

ECE_BINS = 15
_EPS = 1e-7


def binary_ece(y: np.ndarray, p: np.ndarray, *, bins: int = ECE_BINS) -> float:
    """Expected calibration error of the positive-class probability (equal-width bins)."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if not len(y):
        return float("nan")
    which = np.clip(np.digitize(p, np.linspace(0, 1, bins + 1)[1:-1]), 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    sum_p = np.bincount(which, weights=p, minlength=bins)
    sum_y = np.bincount(which, weights=y, minlength=bins)
    used = counts > 0
    return float(np.sum(np.abs(sum_p[used] - sum_y[used])) / len(y))


def binary_report(y: np.ndarray, p: np.ndarray, *, threshold: float = 0.5) -> dict[str, Any]:
    """ROC-AUC, PR-AUC, log loss, Brier, accuracy, ECE and a classification report."""
    y = np.asarray(y).astype(np.int64)
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    both = len(np.unique(y)) == 2
    predicted = (p >= threshold).astype(np.int64)
    return {
        "examples": len(y),
        "positives": int(y.sum()),
        "base_rate": float(y.mean()) if len(y) else float("nan"),
        "roc_auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if both else float("nan"),
        "log_loss": float(log_loss(y, p, labels=[0, 1])) if len(y) else float("nan"),
        "brier": float(np.mean((p - y) ** 2)) if len(y) else float("nan"),
        "accuracy": float(accuracy_score(y, predicted)) if len(y) else float("nan"),
        "ece": binary_ece(y, p),
        "mean_prediction": float(p.mean()) if len(y) else float("nan"),
        "classification_report": classification_report(
            y, predicted, labels=[0, 1], target_names=["no", "yes"], output_dict=True,
            zero_division=0,
        ),
    }  # fmt: skip


def ceiling_auc(y: np.ndarray, truth_p: np.ndarray) -> float:
    """ROC-AUC of the generator's own probabilities: what a perfect model of users gets."""
    y = np.asarray(y).astype(np.int64)
    return float(roc_auc_score(y, truth_p)) if len(np.unique(y)) == 2 else float("nan")


def reliability_bins(y: np.ndarray, p: np.ndarray, *, bins: int = 10) -> list[dict[str, float]]:
    """Equal-count bins of predictions: mean predicted vs observed rate, and size.

    Equal-count bins keep every point meaningful when positives are rare and
    most predictions crowd near zero.
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if not len(y):
        return []
    order = np.argsort(p, kind="stable")
    points = []
    for chunk in np.array_split(order, min(bins, len(order))):
        if len(chunk):
            points.append(
                {
                    "predicted": float(p[chunk].mean()),
                    "observed": float(y[chunk].mean()),
                    "count": len(chunk),
                }
            )
    return points


def reliability_png(curves: Mapping[str, list[dict[str, float]]], path: Path) -> Path:
    """One reliability diagram with a line per model (log-log axes for rare events)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5), dpi=110)
    values = [v for pts in curves.values() for pt in pts for v in (pt["predicted"],
              pt["observed"]) if v > 0]  # fmt: skip
    low = max(min(values, default=1e-3) / 1.5, 1e-5)
    ax.plot([low, 1], [low, 1], color="#999", linestyle="--", linewidth=1, label="perfect")
    for name, points in curves.items():
        xs = [max(pt["predicted"], low) for pt in points]
        ys = [max(pt["observed"], low) for pt in points]
        ax.plot(xs, ys, marker="o", linewidth=1.5, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed rate")
    ax.set_title("Calibration (test set, equal-count bins)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path

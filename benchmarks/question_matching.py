"""Chinese question matching (ATEC/CCKS): lexical, dense and the hybrid, side by side.

    python benchmarks/question_matching.py [--json] [--data DIR] [--limit N]

Each pair of customer-service questions is labelled 1 when they mean the same.
Three similarities are compared on the test split:

- ``bm25``: uxlift's BM25 (jieba tokens), both ways, self-normalized;
- ``dense``: cosine of multilingual-e5-small embeddings (``query:`` prefix);
- ``hybrid``: :class:`uxlift.assist.matching.QuestionMatcher`, a logistic fusion
  of the two fitted on the dev split's labels (a calibrated probability).

Reported per method: test ROC-AUC, and accuracy at the threshold that is most
accurate on dev (for the hybrid also at its calibrated 0.5).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import machine
from uxlift.assist.matching import FEATURES, QuestionMatcher
from uxlift.text.e5_encoder import E5Encoder

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared/datasets/zh_cs_question_matching/ATEC_CCKS"
)


def read_pairs(path: Path, limit: int | None) -> tuple[list[str], list[str], np.ndarray]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    rows = rows[:limit] if limit else rows
    return ([r["text_1"] for r in rows], [r["text_2"] for r in rows],
            np.array([int(r["label"]) for r in rows]))  # fmt: skip


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The cut (between two observed scores) that is most accurate."""
    order = np.sort(np.unique(scores))
    cuts = np.r_[order[0] - 1e-9, (order[1:] + order[:-1]) / 2, order[-1] + 1e-9]
    accuracy = [np.mean((scores >= c) == labels) for c in cuts]
    return float(cuts[int(np.argmax(accuracy))])


def report(dev_scores: np.ndarray, dev_y: np.ndarray, scores: np.ndarray, y: np.ndarray) -> dict:
    cut = best_threshold(dev_scores, dev_y)
    return {"roc_auc": round(float(roc_auc_score(y, scores)), 4),
            "accuracy": round(float(np.mean((scores >= cut) == y)), 4),
            "threshold": round(cut, 4)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N pairs of each split")
    args = parser.parse_args()
    dev_a, dev_b, dev_y = read_pairs(args.data / "dev.csv", args.limit)
    a, b, y = read_pairs(args.data / "test.csv", args.limit)
    encoder = E5Encoder(role="query")
    started = time.perf_counter()
    matcher = QuestionMatcher(encoder)
    dev, test = matcher.features(dev_a, dev_b), matcher.features(a, b)  # each text encoded once
    results = {}
    for column, name in ((FEATURES.index("bm25"), "bm25"), (FEATURES.index("cosine"), "dense")):
        results[name] = report(dev[:, column], dev_y, test[:, column], y)
    matcher.fit_features(dev, dev_y)
    hybrid = (matcher.proba_from_features(dev), matcher.proba_from_features(test))
    results["hybrid"] = report(hybrid[0], dev_y, hybrid[1], y)
    results["hybrid"]["accuracy_at_0.5"] = round(float(np.mean((hybrid[1] >= 0.5) == y)), 4)
    out = {
        "machine": machine(),
        "dataset": str(args.data.name),
        "dev_pairs": len(dev_y),
        "test_pairs": len(y),
        "test_positive_share": round(float(y.mean()), 4),
        "results": results,
        "seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for name, row in results.items():
            print(f"{name:8s} ROC-AUC {row['roc_auc']:.4f}  accuracy {row['accuracy']:.4f}")


if __name__ == "__main__":
    main()

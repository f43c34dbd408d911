"""Intent evaluation: open-set scores, the open-intent split and the refusal curve."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from uxlift.text.intent_evaluation import (
    best_recall_at,
    open_intent_split,
    open_set_scores,
    refusal_curve,
)
from uxlift.text.labelled_data import LabelledTexts


def test_open_set_scores_count_refusals_as_out_of_scope_answers() -> None:
    truth = ["a", "a", "b", "oos", "oos"]
    pred = ["a", "oos", "b", "oos", "a"]
    scores = open_set_scores(truth, pred, "oos")
    assert scores["accuracy"] == 0.6
    assert scores["in_scope_accuracy"] == round(2 / 3, 4)
    assert scores["oos_recall"] == 0.5 and scores["oos_precision"] == 0.5
    assert open_set_scores(["a"], ["a"], "oos")["oos_recall"] is None


def test_the_open_intent_split_hides_a_share_of_intents_reproducibly() -> None:
    train = LabelledTexts([f"t{i}" for i in range(8)], ["a", "b", "c", "d"] * 2)
    test = LabelledTexts(["x", "y", "z", "w"], ["a", "b", "c", "d"])
    kept, relabelled, known = open_intent_split(
        train, test, known_share=0.75, seed=0, oos_label="oos"
    )
    assert len(known) == 3 and set(kept.labels) == set(known)
    assert relabelled.labels.count("oos") == 1
    assert open_intent_split(train, test, known_share=0.75, seed=0, oos_label="oos")[2] == known


def test_the_refusal_curve_trades_known_accuracy_for_recall() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.1, 0.2])
    correct = np.array([True, True, False, False, False])
    is_oos = np.array([False, False, False, True, True])
    curve = refusal_curve(scores, correct, is_oos)
    assert curve[0]["oos_recall"] == 0.0 and curve[0]["known_accuracy"] == round(2 / 3, 4)
    assert curve[-1]["oos_recall"] == 1.0 and curve[-1]["oos_precision"] == round(2 / 3, 4)
    assert best_recall_at(curve, 0.6)["oos_recall"] == 1.0
    assert best_recall_at(curve, 0.99) is None


def _write(path: Path, texts: list[str], labels: list[str]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(zip(texts, labels, strict=True))
    return path


def test_the_cli_reports_out_of_scope_detection(tmp_path: Path) -> None:
    """The demo store's FAQ questions train; its labelled chat openers test (English)."""
    from uxlift.demo.faq import OUT_OF_SCOPE, build_faq
    from uxlift.demo.opener_phrases import OPENERS

    faq = [e for e in build_faq() if e.language == "en"]
    train = _write(
        tmp_path / "train.csv",
        [q for e in faq for q in e.questions],
        [e.intent for e in faq for _ in e.questions],
    )
    pairs = [
        (text, "oos" if intent == OUT_OF_SCOPE else intent)
        for intent, texts in OPENERS["en"].items()
        if intent != "handoff"
        for text in texts
    ]
    test = _write(tmp_path / "test.csv", [t for t, _ in pairs], [lab for _, lab in pairs])
    result = subprocess.run(
        [sys.executable, "-m", "uxlift.cli", "evaluate", "intent", "--train", str(train),
         "--test", str(test), "--method", "embedding+logreg", "--no-progress", "--json"],
        capture_output=True, text=True, env={"UXLIFT_DATA_DIR": str(tmp_path / "d"),
                                             "PATH": "/usr/bin:/bin"}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["oos_detection"] == "calibrated threshold"
    for key in ("accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "oos_precision"):
        assert 0.0 <= report[key] <= 1.0
    assert report["in_scope_accuracy"] >= 0.6 and report["oos_recall"] >= 0.5


def test_evaluate_sentiment_finds_the_layout_and_runs_the_peer(tmp_path: Path) -> None:
    """A file laid out like the UCI sentences: ``text<TAB>0/1`` lines, no header."""
    import itertools

    good = ["Great", "Excellent", "Really good", "Love this", "Works perfectly, a fine"]
    bad = ["Terrible", "Awful", "Really poor", "Hate this", "Broke at once, a useless"]
    things = ["phone", "case", "charger", "headset", "battery", "screen", "cable", "speaker"]
    lines = [f"{a} {t}.\t1" for a, t in itertools.product(good, things)]
    lines += [f"{a} {t}.\t0" for a, t in itertools.product(bad, things)]
    reviews = tmp_path / "reviews_labelled.txt"
    reviews.write_text("\n".join(lines), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "uxlift.cli", "evaluate", "sentiment", "--train", str(reviews),
         "--method", "tfidf+logreg", "--no-progress", "--json"],
        capture_output=True, text=True, env={"UXLIFT_DATA_DIR": str(tmp_path / "d"),
                                             "PATH": "/usr/bin:/bin"}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n_test"] == 16 and report["n_classes"] == 2
    assert report["accuracy"] >= 0.8 and set(report["peers"]) == {"tfidf+lr"}

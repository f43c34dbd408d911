"""``uxlift evaluate``: real subprocesses, JSON reports, charts and MLflow runs."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.text.intent_data import HELD_OUT, intent_examples
from uxlift.text.tracking import list_runs


def evaluate(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UXLIFT_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "uxlift.cli", "evaluate", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _write(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["utterance", "intent"])
        writer.writerows(rows)
    return path


def test_evaluate_redaction_reports_recall_and_precision(tmp_path: Path) -> None:
    result = evaluate(tmp_path, "redaction", "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["n_cases"] >= 300
    assert report["recall"] >= 0.98
    assert report["precision"] >= 0.95


def test_text_classifier_reports_figures_beside_a_peer_and_logs_the_run(tmp_path: Path) -> None:
    texts, labels = intent_examples()
    train = _write(tmp_path / "train.csv", list(zip(texts, labels, strict=True)))
    test = _write(tmp_path / "test.csv", HELD_OUT)
    png = tmp_path / "cm.png"
    result = evaluate(
        tmp_path / "data",
        "text-classifier",
        "--train",
        str(train),
        "--test",
        str(test),
        "--text-col",
        "utterance",
        "--label-col",
        "intent",
        "--method",
        "tfidf+logreg",
        "--peers",
        "tfidf+lr",
        "--confusion",
        str(png),
        "--save",
        str(tmp_path / "model"),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert 0.0 <= report["accuracy"] <= 1.0 and 0.0 <= report["macro_f1"] <= 1.0
    assert set(report["per_class"]) == {"refund", "delivery", "password"}
    assert "tfidf+lr" in report["peers"] and report["n_test"] == 3
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "model" / "textclassifier.json").exists()
    runs = list_runs(tmp_path / "data" / "mlflow", "text-classifier")
    assert runs[0]["run_id"] == report["mlflow_run_id"] and "test_accuracy" in runs[0]["metrics"]


def test_text_classifier_splits_a_single_file_and_prints_a_table(tmp_path: Path) -> None:
    texts, labels = intent_examples()
    train = _write(tmp_path / "all.csv", list(zip(texts, labels, strict=True)))
    result = evaluate(
        tmp_path / "data",
        "text-classifier",
        "--train",
        str(train),
        "--text-col",
        "utterance",
        "--label-col",
        "intent",
        "--method",
        "tfidf+logreg",
        "--peers",
        "none",
        "--no-track",
        "--test-size",
        "0.25",
    )
    assert result.returncode == 0, result.stderr
    assert "tfidf+logreg: accuracy" in result.stdout and "refund" in result.stdout
    assert not (tmp_path / "data" / "mlflow").exists()


def test_text_classifier_names_a_missing_column(tmp_path: Path) -> None:
    train = _write(tmp_path / "train.csv", [("hello", "a"), ("bye", "b")])
    result = evaluate(tmp_path / "data", "text-classifier", "--train", str(train), "--no-track")
    assert result.returncode == 2
    assert "--text-col" in result.stderr and "utterance" in result.stderr

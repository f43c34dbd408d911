"""Runs land in the local MLflow store under the data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from uxlift.text.tracking import list_runs, start_run


def test_a_run_keeps_params_metrics_and_artifacts(tmp_path: Path) -> None:
    root = tmp_path / "mlflow"
    note = tmp_path / "note.txt"
    note.write_text("hello", encoding="utf-8")
    with start_run(root, "unit", run_name="first") as run:
        run.log_params({"method": "tfidf+logreg", "C": 4.0})
        run.log_metrics({"accuracy": 0.9, "not_a_number": float("nan")}, step=2)
        run.log_metrics({"peer_tfidf+lr_accuracy": 0.8})
        run.log_artifact(note)
    runs = list_runs(root, "unit")
    assert len(runs) == 1 and runs[0]["status"] == "FINISHED"
    assert runs[0]["params"]["method"] == "tfidf+logreg" and runs[0]["metrics"] == {
        "accuracy": 0.9,
        "peer_tfidf_plus_lr_accuracy": 0.8,
    }
    assert list((root / "artifacts").rglob("note.txt"))


def test_a_failing_run_is_marked_failed(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), start_run(tmp_path, "unit"):
        raise RuntimeError("boom")
    assert list_runs(tmp_path, "unit")[0]["status"] == "FAILED"
    assert list_runs(tmp_path, "absent") == []


def test_a_store_under_a_relative_path_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # e.g. the default ./uxlift-data of `make demo`
    note = tmp_path / "note.txt"
    note.write_text("hi", encoding="utf-8")
    with start_run(Path("uxlift-data/mlflow"), "relative") as run:
        run.log_artifact(note)
    assert list_runs(Path("uxlift-data/mlflow"), "relative")[0]["status"] == "FINISHED"
    assert list((tmp_path / "uxlift-data/mlflow/artifacts").rglob("note.txt"))

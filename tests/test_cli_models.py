"""``uxlift train predictor`` and ``uxlift models ...`` as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET
from tests.test_cli import run
from uxlift.cli_models import parse_duration
from uxlift.config import Settings
from uxlift.demo import generate_store
from uxlift.demo.runner import load_directly
from uxlift.errors import InvalidInput
from uxlift.services import open_services


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A small demo store, then all three estimators trained through the CLI."""
    data_dir = tmp_path_factory.mktemp("cli-models") / "data"
    services = open_services(Settings(data_dir=data_dir, secret_key=TEST_SECRET),
                             embed_in_background=False)  # fmt: skip
    try:
        load_directly(services, generate_store(seed=11, n_items=300, n_users=200, days=21))
    finally:
        services.close()
    result = run(
        data_dir, "train", "predictor", "--target", "purchase", "--horizon", "1d",
        "--cross-encoder-budget", "20", "--no-progress", "--json", secret=TEST_SECRET,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return data_dir, json.loads(result.stdout)


def test_train_reports_every_estimator_beside_the_ceiling(trained: tuple[Path, dict]) -> None:
    _, report = trained
    assert [m["estimator"] for m in report["models"]] == ["logreg", "lightgbm", "cross-encoder"]
    assert 0.5 < report["ceiling_roc_auc"] <= 1
    for model in report["models"]:
        assert 0 <= model["roc_auc"] <= 1 and model["log_loss"] > 0 and 0 <= model["ece"] <= 1
        assert model["ceiling_roc_auc"] == report["ceiling_roc_auc"]
    tree = report["models"][1]
    assert tree["roc_auc"] > 0.6  # far better than chance on this small store
    assert report["promoted"] == report["serving"]  # nothing served yet: auto promotes


def test_runs_are_in_the_mlflow_store(trained: tuple[Path, dict]) -> None:
    data_dir, report = trained
    with sqlite3.connect(data_dir / "mlflow" / "mlflow.db") as db:
        names = {r[0] for r in db.execute("SELECT name FROM runs WHERE status = 'FINISHED'")}
        keys = {r[0] for r in db.execute("SELECT DISTINCT key FROM metrics")}
    assert {m["version"] for m in report["models"]} <= names
    assert {"test_roc_auc", "test_log_loss", "test_ece", "ceiling_roc_auc"} <= keys
    assert all(m["mlflow_run_id"] for m in report["models"])


def test_models_list_show_promote_rollback(trained: tuple[Path, dict]) -> None:
    data_dir, report = trained
    listed = json.loads(run(data_dir, "models", "list", "--json", secret=TEST_SECRET).stdout)
    assert [m["version"] for m in listed] == [m["version"] for m in report["models"]]
    assert sum(m["serving"] for m in listed) == 1
    card = json.loads(run(data_dir, "models", "show", "purchase-0002", "--json",
                          secret=TEST_SECRET).stdout)  # fmt: skip
    assert card["estimator"] == "lightgbm" and "item_in_cart_now" in card["feature_names"]
    assert card["reliability"] and card["feature_importance"]
    others = [m["version"] for m in report["models"] if m["version"] != report["serving"]]
    promoted = run(data_dir, "models", "promote", others[0], "--json", secret=TEST_SECRET)
    assert json.loads(promoted.stdout)["serving"] == others[0]
    back = run(data_dir, "models", "rollback", "--target", "purchase", "--json",
               secret=TEST_SECRET)  # fmt: skip
    assert json.loads(back.stdout)["serving"] == report["serving"]
    again = run(data_dir, "models", "rollback", "--json", secret=TEST_SECRET)
    assert again.returncode != 0 and "roll back" in again.stderr
    missing = run(data_dir, "models", "show", "purchase-0099", secret=TEST_SECRET)
    assert missing.returncode != 0 and "purchase-0099" in missing.stderr


def test_bad_arguments_are_named() -> None:
    assert parse_duration("1d") == 86_400 and parse_duration("90m") == 5400
    with pytest.raises(InvalidInput, match="horizon"):
        parse_duration("soon")


def test_unknown_estimator_is_refused(trained: tuple[Path, dict]) -> None:
    data_dir, _ = trained
    result = run(data_dir, "train", "predictor", "--estimators", "oracle", "--no-progress",
                 secret=TEST_SECRET)  # fmt: skip
    assert result.returncode != 0 and "oracle" in result.stderr
    assert "Traceback" not in result.stderr


def test_training_without_data_says_what_is_missing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    empty = run(data_dir, "train", "predictor", "--no-progress", secret=TEST_SECRET)
    assert empty.returncode != 0 and "catalog is empty" in empty.stderr
    services = open_services(Settings(data_dir=data_dir, secret_key=TEST_SECRET),
                             embed_in_background=False)  # fmt: skip
    try:
        services.catalog.upsert([{"item_id": f"sku-{i}", "title": f"Item {i}"} for i in range(3)])
    finally:
        services.close()
    no_events = run(data_dir, "train", "predictor", "--no-progress", secret=TEST_SECRET)
    assert no_events.returncode != 0 and "too few labelled examples" in no_events.stderr
    assert "Traceback" not in empty.stderr + no_events.stderr

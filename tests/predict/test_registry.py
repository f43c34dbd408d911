"""Versions, promotion, rollback and history of the file-based registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uxlift.errors import Conflict, InvalidInput, NotFound
from uxlift.predict.registry import ModelCard, ModelRegistry


def _card(target: str = "purchase") -> ModelCard:
    return ModelCard(
        version="", target=target, horizon_s=86400.0, estimator="lightgbm",
        created_at="2026-11-29T00:00:00Z", training_window={"start": "a", "end": "b"},
        encoder_id="minilm", feature_names=["x"], metrics={"test": {"roc_auc": 0.8}},
    )  # fmt: skip


def _write(folder: Path) -> None:
    (folder / "model.bin").write_bytes(b"weights")


def test_register_numbers_versions_per_target_and_keeps_files(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    first = registry.register(_card(), _write)
    second = registry.register(_card(), _write)
    other = registry.register(_card("click"), _write)
    assert [first.version, second.version, other.version] == [
        "purchase-0001", "purchase-0002", "click-0001",
    ]  # fmt: skip
    assert (registry.folder("purchase-0002") / "model.bin").read_bytes() == b"weights"
    saved = json.loads((registry.folder("purchase-0001") / "card.json").read_text())
    assert saved["version"] == "purchase-0001"
    assert [c.version for c in registry.list("purchase")] == ["purchase-0001", "purchase-0002"]
    with pytest.raises(NotFound):
        registry.get("purchase-0009")


def test_a_failed_write_registers_nothing(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)

    def broken(folder: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        registry.register(_card(), broken)
    assert registry.list() == []
    assert not any(p.name.startswith(".purchase") for p in tmp_path.iterdir())


def test_promote_rollback_and_history(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    for _ in range(3):
        registry.register(_card(), _write)
    assert registry.serving("purchase") is None
    with pytest.raises(Conflict):
        registry.rollback("purchase")
    before = registry.token()
    registry.promote("purchase-0001")
    assert registry.token() != before
    registry.promote("purchase-0003")
    registry.promote("purchase-0002")
    assert registry.serving("purchase") == "purchase-0002"
    assert registry.rollback("purchase").version == "purchase-0003"
    assert registry.rollback("purchase").version == "purchase-0001"
    with pytest.raises(Conflict, match="roll back"):
        registry.rollback("purchase")
    actions = [(e["action"], e["version"]) for e in registry.history("purchase")][3:]
    assert actions == [
        ("promote", "purchase-0001"), ("promote", "purchase-0003"), ("promote", "purchase-0002"),
        ("rollback", "purchase-0003"), ("rollback", "purchase-0001"),
    ]  # fmt: skip


def test_annotate_and_refuse_foreign_files(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    card = registry.register(_card(), _write)
    assert registry.annotate(card.version, mlflow_run_id="abc").mlflow_run_id == "abc"
    assert registry.get(card.version).mlflow_run_id == "abc"
    with pytest.raises(InvalidInput):
        registry.annotate(card.version, estimator_name="x")
    (tmp_path / "registry.json").write_text('{"format": "something else"}')
    with pytest.raises(InvalidInput, match="registry"):
        registry.list()

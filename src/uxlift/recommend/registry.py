"""Where recommenders are registered, and what they learn from (no heavy imports)."""

from __future__ import annotations

from pathlib import Path

from uxlift.predict.registry import ModelRegistry

TARGET = "recommendations"
INTERACTION_KINDS = ("view", "click", "add_to_cart", "purchase", "rate")


def recommender_registry_for(data_dir: Path) -> ModelRegistry:
    """The recommender registry of an installation."""
    return ModelRegistry(Path(data_dir) / "models" / "recommenders")

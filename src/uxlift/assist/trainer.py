"""Training the assistant's intent model from the knowledge base (and optional utterances)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from uxlift.assist.kb_service import KnowledgeBaseService
from uxlift.assist.understanding import save_intent_model, train_intent_model, training_set


def train_assistant(
    kb: KnowledgeBaseService,
    directory: Path,
    *,
    utterances: tuple[list[str], list[str]] | None = None,
    progress: bool = False,
    seed: int = 0,
) -> dict[str, Any]:
    """Fit and save a new intent model; returns what was learned, for the caller to show."""
    started = time.monotonic()
    data = training_set(kb.all(), utterances)
    classifier = train_intent_model(data, progress=progress, seed=seed)
    info = {
        "texts": len(data.texts),
        "intents": len(data.intents),
        "validation_accuracy": round(float(classifier.validation_accuracy_), 4),
        "out_of_scope_threshold": round(classifier.out_of_scope_threshold(), 6),
        "fit_seconds": round(time.monotonic() - started, 1),
    }
    path = save_intent_model(classifier, directory, info)
    return {**info, "saved_to": str(path), "version": path.name}

"""The assistant's intent model: trained on the knowledge base, read per message.

Training texts are every question of a FAQ entry that names an intent, the
built-in conversation intents (:mod:`uxlift.assist.builtin_intents`), and any
labelled utterances the team adds (labelled ``out_of_scope``/``oos`` rows are
left out: out of scope is detected, not learned). The model is a
:class:`~uxlift.text.classifier.TextClassifier` on multilingual-e5 embeddings
(English and Chinese in one space), whose out-of-scope detector is calibrated
on its validation split.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uxlift.assist.builtin_intents import BUILTIN_INTENTS, builtin_examples
from uxlift.assist.knowledge import KbEntry
from uxlift.assist.policy import Understanding
from uxlift.errors import InvalidInput

OUT_OF_SCOPE_LABELS = frozenset({"out_of_scope", "oos", "handoff"})
CURRENT = "current.json"
TOP_INTENTS = 3


@dataclass(frozen=True)
class IntentTrainingSet:
    texts: list[str]
    labels: list[str]

    @property
    def intents(self) -> list[str]:
        return sorted(set(self.labels))


def training_set(
    entries: list[KbEntry], utterances: tuple[list[str], list[str]] | None = None
) -> IntentTrainingSet:
    """Texts and intent labels for the intent model (see the module docstring)."""
    texts, labels = builtin_examples()
    for entry in entries:
        if entry.kind == "faq" and entry.intent:
            texts.extend(entry.questions)
            labels.extend([entry.intent] * len(entry.questions))
    if utterances is not None:
        for text, label in zip(*utterances, strict=True):
            if label not in OUT_OF_SCOPE_LABELS and text.strip():
                texts.append(text.strip())
                labels.append(label)
    kb_intents = set(labels) - set(BUILTIN_INTENTS)
    if not kb_intents:
        raise InvalidInput(
            "no intents to learn: give FAQ entries an 'intent' or add labelled utterances",
            details=[{"field": "intent", "reason": "no FAQ entry names an intent"}],
        )
    return IntentTrainingSet(texts, labels)


def train_intent_model(
    data: IntentTrainingSet, *, encoder: str = "e5", progress: bool = False, seed: int = 0
) -> Any:
    from uxlift.text.classifier import TextClassifier

    classifier = TextClassifier(
        out_of_scope=True,
        method="embedding+logreg",
        encoder=encoder,
        validation_fraction=0.2,
        progress=progress,
        random_state=seed,
    )
    return classifier.fit(data.texts, data.labels)


class IntentModel:
    """A fitted intent classifier read as :class:`Understanding` per message."""

    def __init__(self, classifier: Any, *, alpha: float = 0.05) -> None:
        self.classifier = classifier
        self.threshold = classifier.out_of_scope_threshold(alpha)

    def understand(self, text: str) -> Understanding:
        proba, scores = self.classifier.scope([text])
        order = proba[0].argsort()[::-1][:TOP_INTENTS]
        intents = [(str(self.classifier.classes_[i]), float(proba[0, i])) for i in order]
        score = float(scores[0])
        return Understanding(intents, in_scope=score > self.threshold, scope_score=score)


def save_intent_model(classifier: Any, directory: Path, info: dict[str, Any]) -> Path:
    """Save under ``directory`` as a new version and point ``current.json`` at it."""
    directory.mkdir(parents=True, exist_ok=True)
    version = time.strftime("intent-%Y%m%d-%H%M%S")
    target = directory / version
    if target.exists():
        shutil.rmtree(target)
    classifier.save(target)
    (target / "training.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    pointer = directory / CURRENT
    temporary = pointer.with_suffix(".tmp")
    temporary.write_text(json.dumps({"version": version}), encoding="utf-8")
    temporary.replace(pointer)
    return target


def load_current(directory: Path) -> tuple[Any, str] | None:
    """The current intent classifier and its version, or None when none was trained."""
    pointer = directory / CURRENT
    if not pointer.exists():
        return None
    from uxlift.text.classifier import TextClassifier

    version = json.loads(pointer.read_text(encoding="utf-8"))["version"]
    return TextClassifier.load(directory / version), version

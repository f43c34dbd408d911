"""The assistant engine: understand a message, retrieve, decide, fill the answer.

It owns the retrieval index and the intent model. The index is rebuilt on the
first message after the knowledge base changed (its version moved), so edits
take effect without a restart; vectors of unchanged texts come from the
embedding cache. A newly trained intent model is picked up by ``reload``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.assist.frustration import is_frustrated
from uxlift.assist.generation import Generator, Passage, ground
from uxlift.assist.kb_service import KnowledgeBaseService
from uxlift.assist.knowledge import KbEntry
from uxlift.assist.policy import (
    ANSWER,
    ConversationState,
    Decision,
    PolicySettings,
    Understanding,
    decide,
)
from uxlift.assist.retrieval import HybridRetriever, Retrieval
from uxlift.assist.templates import UserContextProvider, fill, slots
from uxlift.assist.understanding import IntentModel, load_current
from uxlift.text.language import detect_language

log = logging.getLogger(__name__)
Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Reply:
    """What the assistant says to one message, and why."""

    action: str
    text: str
    intent: str | None
    confidence: float
    language: str
    state: ConversationState
    sources: list[dict[str, Any]] = field(default_factory=list)
    options: list[dict[str, str]] = field(default_factory=list)
    reason: str | None = None
    missing_slots: list[str] = field(default_factory=list)
    in_scope: bool = True
    generated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "language": self.language,
            "sources": self.sources,
            "options": self.options,
            "reason": self.reason,
            "in_scope": self.in_scope,
            "generated": self.generated,
        }


def source_of(entry: KbEntry) -> dict[str, Any]:
    return {
        "id": entry.entry_id,
        "kind": entry.kind,
        "title": entry.title or (entry.questions[0] if entry.questions else None),
        "source": entry.source or ("FAQ" if entry.kind == "faq" else None),
        "intent": entry.intent,
    }


class Assistant:
    def __init__(
        self,
        kb: KnowledgeBaseService,
        *,
        embed_query: Embed,
        index_questions: Embed,
        index_passages: Embed,
        intent_dir: Path,
        context: UserContextProvider,
        policy: PolicySettings | None = None,
        alpha: float = 0.05,
        generator: Generator | None = None,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self.kb = kb
        self.embed_query = embed_query
        self.index_questions = index_questions
        self.index_passages = index_passages
        self.intent_dir = intent_dir
        self.context = context
        self.policy = policy or PolicySettings()
        self.alpha = alpha
        self.generator = generator
        self.redact = redact or (lambda text: text)
        self._lock = threading.Lock()
        self._built_version = -1
        self._retriever: HybridRetriever | None = None
        self._entries: dict[str, KbEntry] = {}
        self._intents: IntentModel | None = None
        self.intent_version: str | None = None
        self.reload()

    # ------------------------------------------------------------------ models
    def reload(self) -> str | None:
        """Load the current intent model (None when none is trained yet)."""
        loaded = load_current(self.intent_dir)
        with self._lock:
            if loaded is None:
                self._intents, self.intent_version = None, None
            else:
                classifier, version = loaded
                self._intents = IntentModel(classifier, alpha=self.alpha)
                self.intent_version = version
        return self.intent_version

    def _index(self) -> tuple[HybridRetriever, dict[str, KbEntry]]:
        with self._lock:
            version = self.kb.version
            if self._retriever is None or version != self._built_version:
                started = time.monotonic()
                entries = self.kb.all()
                retriever = HybridRetriever(self.embed_query).fit(
                    entries,
                    index_questions=self.index_questions,
                    index_passages=self.index_passages,
                )
                self._retriever, self._built_version = retriever, version
                self._entries = {e.entry_id: e for e in entries}
                log.info(
                    "knowledge base indexed: %d entries in %.2f s",
                    len(entries),
                    time.monotonic() - started,
                )
            return self._retriever, self._entries

    def warm(self) -> None:
        """Build the index now rather than on the first message."""
        self._index()

    def understand(self, text: str) -> Understanding:
        model = self._intents
        if model is None:
            return Understanding([], in_scope=False, scope_score=0.0)
        return model.understand(text)

    # ------------------------------------------------------------------- reply
    def reply(
        self,
        text: str,
        state: ConversationState,
        user_key: str | None,
        *,
        generate: bool | None = None,
    ) -> Reply:
        """The answer to ``text``. ``generate`` False keeps the retrieved answer even
        with a generator configured (an experiment's variant); None uses it if any."""
        language = detect_language(text)
        language = language if language in ("en", "zh") else state.language
        state = replace(state, language=language)
        retriever, entries = self._index()
        understanding = self.understand(text)
        retrieval: Retrieval = retriever.search(text, k=self.policy.max_options + 2)
        decision = decide(
            text,
            understanding,
            retrieval,
            state,
            entries,
            frustrated=is_frustrated(text),
            settings=self.policy,
        )
        reply = self._render(decision, language, user_key, understanding)
        if (
            self.generator is not None
            and generate is not False
            and decision.action == ANSWER
            and decision.entry
        ):
            return self._generated(text, reply, decision.entry, retrieval)
        return reply

    def _generated(
        self, question: str, reply: Reply, entry: KbEntry, retrieval: Retrieval
    ) -> Reply:
        """The answer rewritten from the passages, cited; the extractive one on any failure."""
        assert self.generator is not None
        others = [
            c.entry
            for c in retrieval.candidates
            if c.entry.entry_id != entry.entry_id and c.entry.language == entry.language
        ]
        chosen = [entry, *others[:2]]
        passages = [
            Passage(i, self.redact(e.answer), e.source) for i, e in enumerate(chosen, start=1)
        ]
        started = time.monotonic()
        try:
            raw = self.generator.generate(self.redact(question), passages)
        except Exception as exc:  # a generator's failure must never lose the answer
            log.warning("generation failed (%s); sending the extractive answer", exc)
            return reply
        grounded = ground(raw, passages)
        log.info("generated in %.2f s; grounded: %s", time.monotonic() - started, bool(grounded))
        if grounded is None:
            return reply
        sources = [{**source_of(chosen[n - 1]), "citation": n} for n in grounded.citations]
        return replace(reply, text=grounded.text, sources=sources, generated=True)

    def _render(
        self, decision: Decision, language: str, user_key: str | None, understanding: Understanding
    ) -> Reply:
        text, missing = decision.text, []
        if decision.entry is not None and slots(decision.text):
            values = self.context.context(user_key) if user_key else {}
            text, missing = fill(decision.text, values)
        sources = [source_of(decision.entry)] if decision.entry is not None else []
        return Reply(
            action=decision.action,
            text=text,
            intent=decision.intent,
            confidence=decision.confidence,
            language=language,
            state=decision.state,
            sources=sources,
            options=decision.options,
            reason=decision.reason,
            missing_slots=missing,
            in_scope=understanding.in_scope,
        )

"""The answer policy: what the assistant does with one user message.

Pure: it reads what understanding and retrieval found and the conversation's
state, and returns a decision. In order:

1. the user asks for a person (``talk_to_human``) or sounds frustrated -> hand off;
2. an in-scope greeting, thanks or goodbye -> the matching short reply;
3. the user picks one of the options of the last clarifying question -> that answer;
4. a confident, clear, in-scope intent that has a FAQ answer -> that answer;
5. retrieval is confident -> its top answer or passage, with its source (an
   answer with an intent only when the message is in scope: the intent model
   knows those; passages and intent-less answers, such as an agent's saved
   reply, it does not);
6. a second out-of-scope message in a row -> hand off;
7. two plausible answers (in scope), or one plausible guess (out of scope) ->
   a clarifying question offering them ("did you mean ...?");
8. otherwise ask to rephrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from uxlift.assist.builtin_intents import GOODBYE, GREETING, REPLIES, TALK_TO_HUMAN, THANKS
from uxlift.assist.knowledge import KbEntry
from uxlift.assist.retrieval import Retrieval

ANSWER, CLARIFY, HANDOFF = "answer", "clarify", "handoff"

TEXTS = {
    "rephrase": {
        "en": "Sorry, I'm not sure I understood. Could you say it another way?",
        "zh": "抱歉，我没太明白您的意思，能换个说法吗？",
    },
    "clarify": {"en": "Did you mean one of these?", "zh": "您是想问以下哪一个？"},
    "handoff": {
        "en": "I'm passing you to a member of our team; they will reply here shortly.",
        "zh": "正在为您转接人工客服，请稍候，客服会在这里回复您。",
    },
}


@dataclass(frozen=True)
class PolicySettings:
    """Thresholds of the policy (probabilities; the models are calibrated)."""

    intent_confidence: float = 0.5
    ambiguity_margin: float = 0.15
    retrieval_confidence: float = 0.5
    clarify_floor: float = 0.2
    out_of_scope_turns: int = 2
    max_options: int = 3


@dataclass(frozen=True)
class Understanding:
    """The intent model's view of one message."""

    intents: list[tuple[str, float]]
    in_scope: bool
    scope_score: float = 1.0

    @property
    def top(self) -> tuple[str | None, float]:
        return self.intents[0] if self.intents else (None, 0.0)

    @property
    def margin(self) -> float:
        if len(self.intents) < 2:
            return 1.0
        return self.intents[0][1] - self.intents[1][1]


@dataclass(frozen=True)
class ConversationState:
    language: str = "en"
    out_of_scope_turns: int = 0
    options: tuple[str, ...] = ()
    handed_off: bool = False
    # audience attributes sent when the conversation started (sorted pairs), matched
    # against running experiments' audience filters
    attributes: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "out_of_scope_turns": self.out_of_scope_turns,
            "options": list(self.options),
            "handed_off": self.handed_off,
            "attributes": dict(self.attributes),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ConversationState:
        return cls(
            language=str(raw.get("language") or "en"),
            out_of_scope_turns=int(raw.get("out_of_scope_turns") or 0),
            options=tuple(raw.get("options") or ()),
            handed_off=bool(raw.get("handed_off")),
            attributes=tuple(sorted((raw.get("attributes") or {}).items())),
        )


@dataclass(frozen=True)
class Decision:
    action: str
    text: str
    intent: str | None
    confidence: float
    state: ConversationState
    entry: KbEntry | None = None
    options: list[dict[str, str]] = field(default_factory=list)
    reason: str | None = None


def _option_label(entry: KbEntry) -> str:
    if entry.kind == "faq" and entry.questions:
        return entry.questions[0]
    return entry.title or entry.answer[:80]


def _picked(message: str, options: tuple[str, ...], entries: dict[str, KbEntry]) -> KbEntry | None:
    """The option the user chose: its number ("2"), or its label typed back."""
    text = message.strip().rstrip(".。!！")
    number = re.fullmatch(r"(?:option\s*)?#?\s*(\d)", text, flags=re.IGNORECASE)
    if number:
        index = int(number.group(1)) - 1
        if 0 <= index < len(options) and options[index] in entries:
            return entries[options[index]]
    for entry_id in options:
        entry = entries.get(entry_id)
        if entry is not None and _option_label(entry).casefold() == text.casefold():
            return entry
    return None


def _answer_for_intent(intent: str, language: str, entries: list[KbEntry]) -> KbEntry | None:
    same = [e for e in entries if e.kind == "faq" and e.intent == intent]
    for entry in same:
        if entry.language == language:
            return entry
    return same[0] if same else None


def decide(
    message: str,
    understanding: Understanding,
    retrieval: Retrieval,
    state: ConversationState,
    entries: dict[str, KbEntry],
    *,
    frustrated: bool = False,
    settings: PolicySettings | None = None,
) -> Decision:
    """The action for ``message``; see the module docstring for the order of rules."""
    settings = settings or PolicySettings()
    language = state.language
    intent, p_intent = understanding.top
    fresh = replace(state, options=())

    def handoff(reason: str) -> Decision:
        return Decision(
            HANDOFF,
            TEXTS["handoff"][language],
            intent,
            p_intent,
            replace(fresh, handed_off=True),
            reason=reason,
        )

    if intent == TALK_TO_HUMAN and p_intent >= settings.intent_confidence:
        return handoff("asked for a person")
    if frustrated:
        return handoff("frustrated")
    in_scope = understanding.in_scope
    confident = p_intent >= settings.intent_confidence
    if intent in (GREETING, THANKS, GOODBYE) and confident and in_scope:
        return Decision(ANSWER, REPLIES[intent][language], intent, p_intent, fresh)
    picked = _picked(message, state.options, entries) if state.options else None
    calm = replace(fresh, out_of_scope_turns=0)
    if picked is not None:
        return Decision(ANSWER, picked.answer, picked.intent, 1.0, calm, entry=picked)
    clear = understanding.margin >= settings.ambiguity_margin
    if in_scope and confident and clear and intent is not None:
        entry = _answer_for_intent(intent, language, list(entries.values()))
        if entry is not None:
            return Decision(ANSWER, entry.answer, intent, p_intent, calm, entry=entry)
    no_intent_model = not understanding.intents
    if retrieval.candidates and retrieval.confidence >= settings.retrieval_confidence:
        top = retrieval.candidates[0].entry
        unknown_to_intents = top.kind == "passage" or top.intent is None
        if in_scope or no_intent_model or unknown_to_intents:
            return Decision(
                ANSWER, top.answer, top.intent or intent, retrieval.confidence, calm, entry=top
            )
    turns = state.out_of_scope_turns + (0 if in_scope else 1)
    if turns >= settings.out_of_scope_turns:
        return replace(handoff("out of scope twice"), intent=None)
    options = _clarify_options(understanding, retrieval, language, entries, settings)
    if len(options) >= (2 if in_scope else 1):
        chosen = tuple(e.entry_id for e in options)
        return Decision(
            CLARIFY,
            TEXTS["clarify"][language],
            intent,
            max(p_intent, retrieval.confidence),
            replace(fresh, options=chosen, out_of_scope_turns=turns),
            options=[{"id": e.entry_id, "label": _option_label(e)} for e in options],
            reason=None if in_scope else "out of scope",
        )
    return Decision(
        CLARIFY,
        TEXTS["rephrase"][language],
        None,
        max(p_intent, retrieval.confidence),
        replace(fresh, out_of_scope_turns=max(turns, state.out_of_scope_turns + 1)),
        reason="out of scope",
    )


def _clarify_options(
    understanding: Understanding,
    retrieval: Retrieval,
    language: str,
    entries: dict[str, KbEntry],
    settings: PolicySettings,
) -> list[KbEntry]:
    """Candidate answers worth offering: close intents first, then retrieved entries."""
    chosen: list[KbEntry] = []
    if understanding.intents:
        for intent, p in understanding.intents[: settings.max_options]:
            if p < settings.clarify_floor:
                break
            entry = _answer_for_intent(intent, language, list(entries.values()))
            if entry is not None and entry not in chosen:
                chosen.append(entry)
    if retrieval.confidence >= settings.clarify_floor:
        for candidate in retrieval.candidates:
            if len(chosen) >= settings.max_options:
                break
            if candidate.entry not in chosen and candidate.entry.language == language:
                chosen.append(candidate.entry)
    return chosen[: settings.max_options]

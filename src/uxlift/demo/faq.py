"""The demo store's support knowledge base and labelled chat openers (en + zh)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from uxlift.demo.faq_en import FAQ_EN
from uxlift.demo.faq_zh import FAQ_ZH
from uxlift.demo.opener_phrases import OPENERS

OUT_OF_SCOPE = "out_of_scope"
HANDOFF = "handoff"


@dataclass(frozen=True)
class FaqEntry:
    """One intent in one language: several ways to ask, one answer."""

    intent: str
    language: str
    questions: list[str]
    answer: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ChatOpener:
    """A first support-chat message, labelled with the intent it expresses."""

    text: str
    language: str
    intent: str

    def to_dict(self) -> dict:
        return asdict(self)


def build_faq() -> list[FaqEntry]:
    """Every intent in English, then every intent in Chinese."""
    entries: list[FaqEntry] = []
    for language, bank in (("en", FAQ_EN), ("zh", FAQ_ZH)):
        for intent, (questions, answer) in bank.items():
            entries.append(FaqEntry(intent, language, list(questions), answer))
    return entries


def faq_intents() -> list[str]:
    """Intents the knowledge base answers (the same set in both languages)."""
    return list(FAQ_EN)


def build_chat_openers() -> list[ChatOpener]:
    """All labelled openers; labels are FAQ intents, ``out_of_scope`` or ``handoff``."""
    return [
        ChatOpener(text, language, intent)
        for language, by_intent in OPENERS.items()
        for intent, texts in by_intent.items()
        for text in texts
    ]

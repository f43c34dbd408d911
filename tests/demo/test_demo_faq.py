"""The support knowledge base and chat openers."""

from __future__ import annotations

from collections import Counter

from uxlift.demo import DemoStore
from uxlift.demo.faq import HANDOFF, OUT_OF_SCOPE, faq_intents


def test_faq_covers_forty_intents_in_two_languages(small_store: DemoStore) -> None:
    faq = small_store.faq
    by_language = {lang: {e.intent for e in faq if e.language == lang} for lang in ("en", "zh")}
    assert len(by_language["en"]) >= 40
    assert by_language["en"] == by_language["zh"] == set(faq_intents())
    for intent in ("order_status", "start_return", "refund_timing", "delete_my_data"):
        assert intent in by_language["en"]
    for entry in faq:
        assert len(entry.questions) >= 4
        assert len(set(entry.questions)) == len(entry.questions)
        assert len(entry.answer) > 10


def test_questions_are_not_shared_between_intents(small_store: DemoStore) -> None:
    counts = Counter(q for entry in small_store.faq for q in entry.questions)
    assert max(counts.values()) == 1


def test_chat_openers_are_labelled_in_both_languages(small_store: DemoStore) -> None:
    openers = small_store.chat_openers
    assert len(openers) >= 200
    labels = set(faq_intents()) | {OUT_OF_SCOPE, HANDOFF}
    assert {o.intent for o in openers} <= labels
    for language in ("en", "zh"):
        mine = [o for o in openers if o.language == language]
        assert len(mine) >= 90
        assert {OUT_OF_SCOPE, HANDOFF} <= {o.intent for o in mine}
    assert len({o.text for o in openers}) == len(openers)


def test_chat_events_use_the_openers(small_store: DemoStore) -> None:
    texts = {o.text for o in small_store.chat_openers}
    chats = [e["text"] for e in small_store.events if e["type"] == "chat"]
    assert chats
    assert sum(text in texts for text in chats) >= 0.8 * len(chats)  # the rest carry PII

"""Hybrid retrieval: BM25 and multilingual-e5 fused by rank, with a calibrated confidence."""

from __future__ import annotations

import pytest

from tests.assist.kb_data import FAQ
from uxlift.assist.knowledge import KbEntry, entry_from_dict
from uxlift.assist.retrieval import HybridRetriever
from uxlift.text.encoders import encoder_from_spec


@pytest.fixture(scope="module")
def retriever() -> HybridRetriever:
    entries = [entry_from_dict(raw) for raw in FAQ]
    entries.append(
        entry_from_dict({"kind": "passage", "answer": "Express delivery arrives the next "
                         "working day when ordered before 14:00.", "title": "Delivery times",
                         "document": "guide.md", "source": "guide.md > Delivery times"})
    )  # fmt: skip
    assert all(isinstance(e, KbEntry) for e in entries)
    query, passage = encoder_from_spec("e5"), encoder_from_spec("e5-passage")
    return HybridRetriever(query.encode, passage.encode).fit(entries)


def test_paraphrases_find_their_entry_in_both_languages(retriever: HybridRetriever) -> None:
    english = retriever.search("my package hasn't arrived, where is it?")
    chinese = retriever.search("退货要怎么弄")
    assert english.candidates[0].entry.intent == "order_status"
    assert chinese.candidates[0].entry.intent == "return_item"
    assert chinese.candidates[0].entry.language == "zh"


def test_passages_are_found_by_content(retriever: HybridRetriever) -> None:
    found = retriever.search("if I order before 2pm does express arrive tomorrow?")
    assert found.candidates[0].entry.kind == "passage"


def test_confidence_is_calibrated_on_the_knowledge_base_itself(retriever) -> None:
    assert retriever.calibrator_ is not None
    close = retriever.search("How do I reset my password?")
    far = retriever.search("what is the capital of peru")
    assert close.calibrated and 0.0 <= far.confidence < close.confidence <= 1.0


def test_an_empty_knowledge_base_finds_nothing() -> None:
    encoder = encoder_from_spec("e5")
    empty = HybridRetriever(encoder.encode).fit([])
    assert empty.search("anything").candidates == []

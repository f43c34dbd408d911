"""Knowledge-base entries: validation that names fields, stable ids, document passages."""

from __future__ import annotations

from uxlift.assist.documents import chunk_document
from uxlift.assist.knowledge import MAX_POSITION, EntryProblems, KbEntry, entry_from_dict


def test_a_faq_entry_keeps_its_questions_and_gets_a_stable_id() -> None:
    raw = {"questions": "Where is my order? | Has it shipped?", "answer": "See Orders."}
    first, second = entry_from_dict(raw), entry_from_dict(dict(raw))
    assert isinstance(first, KbEntry) and isinstance(second, KbEntry)
    assert first.questions == ("Where is my order?", "Has it shipped?")
    assert first.entry_id == second.entry_id and first.entry_id.startswith("kb_")
    assert first.language == "en" and first.kind == "faq"


def test_chinese_entries_are_detected_as_chinese() -> None:
    entry = entry_from_dict({"question": "怎么退货？", "answer": "30天内可以退货。"})
    assert isinstance(entry, KbEntry) and entry.language == "zh"


def test_each_problem_names_its_field() -> None:
    result = entry_from_dict(
        {"questions": [], "answer": "", "intent": "bad intent!", "language": "fr", "colour": 1}
    )
    assert isinstance(result, EntryProblems)
    fields = {p["field"] for p in result.problems}
    assert {"questions", "answer", "intent", "language", "colour"} <= fields


def test_documents_are_cut_under_headings_and_size() -> None:
    text = "# Guide\n\nIntro line.\n\n## Returns\n\n" + "A sentence about returns. " * 60
    passages = chunk_document(text, max_chars=300)
    assert passages[0].heading == "Guide" and passages[0].text == "Intro line."
    returns = [p for p in passages if p.heading == "Guide > Returns"]
    assert len(returns) >= 5 and all(len(p.text) <= 300 for p in returns)
    assert [p.position for p in passages] == list(range(len(passages)))


def test_chinese_paragraphs_split_at_sentence_ends_without_spaces() -> None:
    text = "退货说明。" * 100
    passages = chunk_document(text, max_chars=60)
    assert all(len(p.text) <= 60 for p in passages)
    assert " " not in "".join(p.text for p in passages)
    assert "".join(p.text for p in passages) == text


def test_positions_and_ids_stay_in_range() -> None:
    base = {"kind": "passage", "answer": "Returns take 30 days.", "document": "guide.md"}
    assert isinstance(entry_from_dict({**base, "position": MAX_POSITION}), KbEntry)
    for bad in ({"position": MAX_POSITION + 1}, {"position": -1}, {"id": "kb/1"}):
        result = entry_from_dict({**base, **bad})
        assert isinstance(result, EntryProblems)
        assert {p["field"] for p in result.problems} == set(bad)

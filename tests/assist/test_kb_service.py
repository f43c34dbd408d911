"""The knowledge base over the store: imports keep valid rows, documents replace passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from uxlift.assist.kb_service import KnowledgeBaseService
from uxlift.errors import InvalidInput, NotFound
from uxlift.store import Store


@pytest.fixture
def kb(tmp_path: Path):
    with Store(tmp_path / "kb.duckdb") as store:
        yield KnowledgeBaseService(store)


def test_a_csv_import_keeps_valid_rows_and_reports_the_rest(kb, tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "question,answer,intent,tags\n"
        "Where is my order?|Has it shipped?,Open Account > Orders.,order_status,orders|shipping\n"
        ",An answer without a question,,\n"
        "How do I pay?,,payments,\n",
        encoding="utf-8",
    )
    before = kb.version
    report = kb.import_file(path)
    assert (report.rows, report.created, report.updated) == (3, 1, 0)
    assert {(r["row"], r["field"]) for r in report.rejected} == {(1, "questions"), (2, "answer")}
    entry = kb.get(report.ids[0])
    assert entry.tags == ("orders", "shipping") and entry.intent == "order_status"
    assert kb.version > before
    again = kb.import_file(path)
    assert (again.created, again.updated) == (0, 1)


def test_jsonl_lines_that_are_not_json_are_reported(kb, tmp_path: Path) -> None:
    path = tmp_path / "faq.jsonl"
    path.write_text(
        '{"questions": ["怎么退货？"], "answer": "30天内可退。"}\nnot json\n[1, 2]\n', "utf-8"
    )
    report = kb.import_file(path)
    assert report.created == 1 and [r["row"] for r in report.rejected] == [1, 2]
    assert kb.get(report.ids[0]).language == "zh"


def test_reimporting_a_document_replaces_its_passages(kb, tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text("# A\n\none\n\n# B\n\ntwo\n\n# C\n\nthree\n", encoding="utf-8")
    assert kb.import_file(path).created == 3
    path.write_text("# A\n\none, revised\n", encoding="utf-8")
    report = kb.import_file(path)
    assert report.replaced_passages == 3 and report.created == 1
    entries, total = kb.list(kind="passage")
    assert total == 1 and entries[0].source == "guide.md > A"


def test_replace_and_delete(kb) -> None:
    entry_id = kb.upsert([{"question": "Hi?", "answer": "Hello."}]).ids[0]
    kb.replace(entry_id, {"questions": ["Hi there?"], "answer": "Hello again."})
    assert kb.get(entry_id).answer == "Hello again."
    with pytest.raises(InvalidInput) as bad:
        kb.replace(entry_id, {"questions": ["Hi?"]})
    assert bad.value.details[0]["field"] == "answer"
    kb.delete(entry_id)
    with pytest.raises(NotFound):
        kb.get(entry_id)
    with pytest.raises(InvalidInput):
        kb.list(limit=0)


def test_unsupported_files_are_refused_with_the_reason(kb, tmp_path: Path) -> None:
    path = tmp_path / "faq.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(InvalidInput) as refused:
        kb.import_file(path)
    assert refused.value.details[0]["field"] == "file"

"""The knowledge base over the store: imports, CRUD and a change version.

Every write bumps ``version``; the assistant compares it with the version its
retrieval index was built from and rebuilds on the next question, so edits
take effect without a restart. Batches keep their valid entries and report
each refused one with its row number, field and reason.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uxlift.assist.kb_files import BadLine, document_rows, faq_rows, file_kind
from uxlift.assist.knowledge import (
    ID_PATTERN,
    EntryProblems,
    KbEntry,
    entry_from_dict,
    with_id,
)
from uxlift.errors import InvalidInput, NotFound
from uxlift.store import Store
from uxlift.store import knowledge as rows
from uxlift.store.database import utcnow

MAX_LIST = 500


@dataclass
class KbWriteReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    replaced_passages: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "replaced_passages": self.replaced_passages,
            "rejected": self.rejected,
            "ids": self.ids,
        }


class KnowledgeBaseService:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._version = 0

    @property
    def version(self) -> int:
        return self._version

    def _changed(self) -> None:
        with self._lock:
            self._version += 1

    def _validated(
        self, raw_rows: Iterable[Any], report: KbWriteReport, *, default_language: str | None
    ) -> list[KbEntry]:
        entries: dict[str, KbEntry] = {}
        for number, raw in enumerate(raw_rows):
            report.rows += 1
            if isinstance(raw, BadLine):
                report.rejected.append({"row": number, "field": "line", "reason": raw.reason})
                continue
            result = entry_from_dict(raw, default_language=default_language)
            if isinstance(result, EntryProblems):
                for problem in result.problems:
                    report.rejected.append({"row": number, **problem})
                continue
            entries[result.entry_id] = result  # a repeated id: the last row wins
        return list(entries.values())

    def upsert(
        self, raw_rows: Iterable[Any], *, default_language: str | None = None
    ) -> KbWriteReport:
        """Validate and store entries (insert or replace by id)."""
        report = KbWriteReport()
        entries = self._validated(raw_rows, report, default_language=default_language)
        if entries:
            with self.store.transaction() as cur:
                report.created, report.updated = rows.upsert_entries(cur, entries, utcnow())
            report.ids = [e.entry_id for e in entries]
            self._changed()
        return report

    def import_file(
        self,
        path: Path,
        *,
        language: str | None = None,
        document: str | None = None,
        max_chars: int | None = None,
    ) -> KbWriteReport:
        """Import a FAQ table or a document; a document's earlier passages are replaced."""
        if file_kind(path) == "faq":
            return self.upsert(faq_rows(path), default_language=language)
        options = {"max_chars": max_chars} if max_chars else {}
        raw = document_rows(path, document=document, language=language, **options)
        report = KbWriteReport()
        entries = self._validated(raw, report, default_language=language)
        name = document or path.name
        with self.store.transaction() as cur:
            report.replaced_passages = rows.delete_document(cur, name)
            report.created, report.updated = rows.upsert_entries(cur, entries, utcnow())
        report.ids = [e.entry_id for e in entries]
        self._changed()
        return report

    def replace(self, entry_id: str, raw: Any) -> KbEntry:
        """Overwrite one entry (PUT): its id stays whatever the body says."""
        if not ID_PATTERN.fullmatch(entry_id):
            raise InvalidInput(
                "entry id is not valid",
                details=[{"field": "id", "reason": "use letters, digits, '_', '.', ':', '-'"}],
            )
        result = entry_from_dict(raw)
        if isinstance(result, EntryProblems):
            raise InvalidInput("the entry is not valid", details=result.problems)
        entry = with_id(result, entry_id)
        with self.store.transaction() as cur:
            rows.upsert_entries(cur, [entry], utcnow())
        self._changed()
        return entry

    def get(self, entry_id: str) -> KbEntry:
        entry = rows.get_entry(self.store.cursor(), entry_id)
        if entry is None:
            raise NotFound(f"no knowledge-base entry {entry_id!r}")
        return entry

    def list(
        self,
        *,
        kind: str | None = None,
        language: str | None = None,
        intent: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[KbEntry], int]:
        if not 1 <= limit <= MAX_LIST:
            raise InvalidInput(
                f"limit must be between 1 and {MAX_LIST}",
                details=[{"field": "limit", "reason": f"got {limit}"}],
            )
        if offset < 0:
            raise InvalidInput(
                "offset must not be negative", details=[{"field": "offset", "reason": "negative"}]
            )
        return rows.list_entries(
            self.store.cursor(),
            kind=kind,
            language=language,
            intent=intent,
            limit=limit,
            offset=offset,
        )

    def all(self) -> list[KbEntry]:
        return rows.all_entries(self.store.cursor())

    def delete(self, entry_id: str) -> None:
        with self.store.transaction() as cur:
            found = rows.delete_entry(cur, entry_id)
        if not found:
            raise NotFound(f"no knowledge-base entry {entry_id!r}")
        self._changed()

"""Knowledge-base rows: upsert, read, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from uxlift.assist.knowledge import KbEntry

COLUMNS = (
    "entry_id, kind, questions, answer, intent, tags, language, title, source, document, position"
)


def upsert_entries(
    cur: duckdb.DuckDBPyConnection, entries: list[KbEntry], at: datetime
) -> tuple[int, int]:
    """Insert new entries and replace existing ones; returns (created, updated)."""
    if not entries:
        return 0, 0
    ids = [e.entry_id for e in entries]
    existing = {
        str(r[0])
        for r in cur.execute(
            "SELECT entry_id FROM kb_entries WHERE list_contains(?, entry_id)", [ids]
        ).fetchall()
    }
    rows = [
        [
            e.entry_id,
            e.kind,
            list(e.questions),
            e.answer,
            e.intent,
            list(e.tags),
            e.language,
            e.title,
            e.source,
            e.document,
            e.position,
            at,
            at,
        ]
        for e in entries
    ]
    cur.executemany(
        f"""INSERT INTO kb_entries ({COLUMNS}, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (entry_id) DO UPDATE SET
              kind = excluded.kind, questions = excluded.questions, answer = excluded.answer,
              intent = excluded.intent, tags = excluded.tags, language = excluded.language,
              title = excluded.title, source = excluded.source, document = excluded.document,
              position = excluded.position, updated_at = excluded.updated_at""",
        rows,
    )
    updated = len(existing)
    return len(set(ids)) - updated, updated


def _entry(row: tuple[Any, ...]) -> KbEntry:
    return KbEntry(
        entry_id=row[0],
        kind=row[1],
        questions=tuple(row[2] or ()),
        answer=row[3],
        intent=row[4],
        tags=tuple(row[5] or ()),
        language=row[6],
        title=row[7],
        source=row[8],
        document=row[9],
        position=int(row[10]),
    )


def all_entries(cur: duckdb.DuckDBPyConnection) -> list[KbEntry]:
    rows = cur.execute(
        f"SELECT {COLUMNS} FROM kb_entries ORDER BY document NULLS FIRST, position, entry_id"
    ).fetchall()
    return [_entry(r) for r in rows]


def get_entry(cur: duckdb.DuckDBPyConnection, entry_id: str) -> KbEntry | None:
    row = cur.execute(f"SELECT {COLUMNS} FROM kb_entries WHERE entry_id = ?", [entry_id]).fetchone()
    return _entry(row) if row else None


def list_entries(
    cur: duckdb.DuckDBPyConnection,
    *,
    kind: str | None,
    language: str | None,
    intent: str | None,
    limit: int,
    offset: int,
) -> tuple[list[KbEntry], int]:
    where, params = [], []
    for column, value in (("kind", kind), ("language", language), ("intent", intent)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = cur.execute(f"SELECT count(*) FROM kb_entries {clause}", params).fetchone()
    rows = cur.execute(
        f"SELECT {COLUMNS} FROM kb_entries {clause} "
        "ORDER BY document NULLS FIRST, position, entry_id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_entry(r) for r in rows], int(total[0]) if total else 0


def delete_entry(cur: duckdb.DuckDBPyConnection, entry_id: str) -> bool:
    row = cur.execute(
        "DELETE FROM kb_entries WHERE entry_id = ? RETURNING entry_id", [entry_id]
    ).fetchone()
    return row is not None


def delete_document(cur: duckdb.DuckDBPyConnection, document: str) -> int:
    rows = cur.execute(
        "DELETE FROM kb_entries WHERE document = ? RETURNING entry_id", [document]
    ).fetchall()
    return len(rows)

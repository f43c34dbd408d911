"""API key rows. Only a hash of each key is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


def insert_key(
    cur: duckdb.DuckDBPyConnection,
    *,
    key_id: str,
    key_hash: str,
    name: str,
    scopes: list[str],
    created_at: datetime,
) -> None:
    cur.execute(
        "INSERT INTO api_keys (key_id, key_hash, name, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
        [key_id, key_hash, name, scopes, created_at],
    )


def find_by_hash(cur: duckdb.DuckDBPyConnection, key_hash: str) -> ApiKeyRecord | None:
    row = cur.execute(
        "SELECT key_id, name, scopes, created_at, revoked_at FROM api_keys WHERE key_hash = ?",
        [key_hash],
    ).fetchone()
    return _record(row) if row else None


def list_keys(cur: duckdb.DuckDBPyConnection) -> list[ApiKeyRecord]:
    rows = cur.execute(
        "SELECT key_id, name, scopes, created_at, revoked_at FROM api_keys ORDER BY created_at"
    ).fetchall()
    return [_record(r) for r in rows]


def revoke_key(cur: duckdb.DuckDBPyConnection, key_id: str, at: datetime) -> bool:
    found = cur.execute(
        "SELECT count(*) FROM api_keys WHERE key_id = ? AND revoked_at IS NULL", [key_id]
    ).fetchone()
    cur.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", [at, key_id]
    )
    return bool(found and found[0])


def _record(row: tuple) -> ApiKeyRecord:
    key_id, name, scopes, created_at, revoked_at = row
    return ApiKeyRecord(str(key_id), str(name), tuple(scopes), created_at, revoked_at)

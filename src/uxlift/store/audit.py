"""The audit log: who did what to which target, append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import orjson


def append(
    cur: duckdb.DuckDBPyConnection,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    cur.execute(
        "INSERT INTO audit_log (ts, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
        [at, actor, action, target, orjson.dumps(details or {}).decode()],
    )


def entries(
    cur: duckdb.DuckDBPyConnection, *, action: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    where, params = ("WHERE action = ?", [action]) if action else ("", [])
    result = cur.execute(
        f"SELECT audit_id, ts, actor, action, target, details FROM audit_log {where} "
        "ORDER BY audit_id DESC LIMIT ?",
        [*params, limit],
    )
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

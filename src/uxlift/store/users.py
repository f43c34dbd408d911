"""Per-user data: erasure and export across every registered user table."""

from __future__ import annotations

from typing import Any

import duckdb


def user_tables(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = cur.execute(
        "SELECT table_name, user_column FROM user_data_tables ORDER BY table_name"
    ).fetchall()
    return [(str(t), str(c)) for t, c in rows]


def user_exists(cur: duckdb.DuckDBPyConnection, user_key: str) -> bool:
    for table, column in user_tables(cur):
        row = cur.execute(f'SELECT 1 FROM "{table}" WHERE "{column}" = ? LIMIT 1', [user_key])
        if row.fetchone():
            return True
    return False


def erase_user(cur: duckdb.DuckDBPyConnection, user_key: str) -> dict[str, int]:
    """Delete every row of ``user_key`` in every user table; return rows deleted per table.

    The keys of the erased events are kept (without any user column) so that a
    replay of an old batch cannot store them again. Call inside a transaction so
    that erasure is all-or-nothing.
    """
    from uxlift.store.opinions import forget_user_texts

    deleted: dict[str, int] = {}
    forget_user_texts(cur, user_key)  # out of the aggregates before the rows go
    cur.execute(
        "INSERT OR IGNORE INTO erased_event_keys SELECT event_key FROM events WHERE user_key = ?",
        [user_key],
    )
    for table, column in user_tables(cur):
        count = cur.execute(
            f'SELECT count(*) FROM "{table}" WHERE "{column}" = ?', [user_key]
        ).fetchone()
        cur.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', [user_key])
        deleted[table] = int(count[0]) if count else 0
    return deleted


def export_user(cur: duckdb.DuckDBPyConnection, user_key: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of ``user_key`` in every user table, keyed by table name."""
    exported: dict[str, list[dict[str, Any]]] = {}
    for table, column in user_tables(cur):
        result = cur.execute(f'SELECT * FROM "{table}" WHERE "{column}" = ?', [user_key])
        names = [d[0] for d in result.description]
        exported[table] = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    return exported

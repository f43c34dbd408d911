"""Catalog rows: upsert that reports which items' text changed."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from uxlift.store.database import registered

ITEM_ARROW_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("category", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("price", pa.float64()),
        ("attributes", pa.string()),
        ("text_hash", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("updated_at", pa.timestamp("us")),
    ]
)


def upsert_items(cur: duckdb.DuckDBPyConnection, batch: pa.Table) -> tuple[int, int, list[str]]:
    """Insert new items, update existing ones.

    Returns (created, updated, ids whose text changed or are new) so that
    downstream work (embeddings) touches only what changed. ``created_at`` of
    an existing item is kept. Call inside a transaction.
    """
    if batch.num_rows == 0:
        return 0, 0, []
    with registered(cur, "incoming_items", batch):
        changed = cur.execute(
            "SELECT i.item_id, s.item_id IS NULL AS is_new FROM incoming_items i "
            "LEFT JOIN items s USING (item_id) "
            "WHERE s.item_id IS NULL OR s.text_hash <> i.text_hash"
        ).fetchall()
        existing = cur.execute(
            "SELECT count(*) FROM incoming_items i JOIN items s USING (item_id)"
        ).fetchone()
        cur.execute(
            """INSERT INTO items AS s SELECT * FROM incoming_items
               ON CONFLICT (item_id) DO UPDATE SET
                 title = excluded.title, description = excluded.description,
                 category = excluded.category, tags = excluded.tags, price = excluded.price,
                 attributes = excluded.attributes, text_hash = excluded.text_hash,
                 updated_at = excluded.updated_at"""
        )
    n_existing = int(existing[0]) if existing else 0
    return batch.num_rows - n_existing, n_existing, [str(r[0]) for r in changed]


def get_item(cur: duckdb.DuckDBPyConnection, item_id: str) -> dict[str, Any] | None:
    rows = _select(cur, "WHERE item_id = ?", [item_id], limit=1)
    return rows[0] if rows else None


def list_items(
    cur: duckdb.DuckDBPyConnection,
    *,
    category: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    if category is None:
        return _select(cur, "", [], limit=limit, offset=offset)
    return _select(cur, "WHERE category = ?", [category], limit=limit, offset=offset)


def count_items(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.execute("SELECT count(*) FROM items").fetchone()
    return int(row[0]) if row else 0


def _select(
    cur: duckdb.DuckDBPyConnection, where: str, params: list[Any], *, limit: int, offset: int = 0
) -> list[dict[str, Any]]:
    result = cur.execute(
        "SELECT item_id, title, description, category, tags, price, attributes, "
        f"created_at, updated_at FROM items {where} ORDER BY item_id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

"""Cached text embeddings, keyed by (encoder id, sha256 of the text)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa

from uxlift.store.database import registered


def get_vectors(
    cur: duckdb.DuckDBPyConnection, encoder_id: str, text_shas: list[str]
) -> dict[str, np.ndarray]:
    if not text_shas:
        return {}
    with registered(cur, "wanted_shas", pa.table({"text_sha": pa.array(text_shas, pa.string())})):
        rows = cur.execute(
            "SELECT e.text_sha, e.vector FROM text_embeddings e "
            "JOIN wanted_shas w USING (text_sha) WHERE e.encoder_id = ?",
            [encoder_id],
        ).fetchall()
    return {str(sha): np.asarray(vec, dtype=np.float32) for sha, vec in rows}


def put_vectors(
    cur: duckdb.DuckDBPyConnection,
    encoder_id: str,
    text_shas: list[str],
    vectors: np.ndarray,
    at: datetime,
) -> None:
    """Store vectors; a (encoder, text) pair already stored is kept as is."""
    if not text_shas:
        return
    table = pa.table(
        {
            "encoder_id": pa.array([encoder_id] * len(text_shas), pa.string()),
            "text_sha": pa.array(text_shas, pa.string()),
            "vector": pa.array(list(vectors.astype(np.float32)), pa.list_(pa.float32())),
            "created_at": pa.array([at] * len(text_shas), pa.timestamp("us")),
        }
    )
    with registered(cur, "new_vectors", table):
        cur.execute("INSERT OR IGNORE INTO text_embeddings SELECT * FROM new_vectors")


def item_texts(cur: duckdb.DuckDBPyConnection, item_ids: list[str]) -> dict[str, tuple]:
    """(title, category, tags, description) of the given items."""
    if not item_ids:
        return {}
    with registered(cur, "wanted_items", pa.table({"item_id": pa.array(item_ids, pa.string())})):
        rows = cur.execute(
            "SELECT i.item_id, i.title, i.category, i.tags, i.description FROM items i "
            "JOIN wanted_items w USING (item_id)"
        ).fetchall()
    return {str(r[0]): tuple(r[1:]) for r in rows}

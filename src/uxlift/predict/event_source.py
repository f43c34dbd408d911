"""Load the event log and the catalog from the store into the arrays features read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from uxlift.events.catalog import item_text
from uxlift.predict.event_log import CatalogFrame, EventLog, code_names, code_strings
from uxlift.store import Store
from uxlift.store import behaviour as rows
from uxlift.text.cache import EmbeddingCache

Progress = Callable[[int], None]


def load_catalog(
    store: Store, embeddings: EmbeddingCache, *, progress: Progress | None = None
) -> CatalogFrame:
    """Every item with its text embedding (computed through the cache where missing)."""
    table = rows.catalog_table(store.cursor())
    ids = table.column("item_id").to_pylist()
    titles = table.column("title").to_pylist()
    texts = [
        item_text(*fields)
        for fields in zip(
            titles,
            table.column("category").to_pylist(),
            table.column("tags").to_pylist(),
            table.column("description").to_pylist(),
            strict=True,
        )
    ]
    vectors = embeddings.embed(texts, progress=progress) if texts else np.zeros((0, 1))
    created = table.column("created_us").to_numpy(zero_copy_only=False).astype(np.float64)
    return CatalogFrame(
        item_ids=tuple(ids),
        titles=tuple(t or "" for t in titles),
        category=code_strings(table.column("category").to_pylist()),
        brand=code_strings(table.column("brand").to_pylist()),
        category_names=code_names(table.column("category").to_pylist()),
        brand_names=code_names(table.column("brand").to_pylist()),
        price=_floats(table.column("price")),
        created_at=created / 1e6,
        embeddings=_normalized(np.asarray(vectors, dtype=np.float32)),
        encoder_id=embeddings.encoder.id,
        texts=tuple(
            _with_attributes(text, raw)
            for text, raw in zip(texts, table.column("attributes").to_pylist(), strict=True)
        ),
    )


def _with_attributes(text: str, raw_attributes: str | None) -> str:
    try:
        attributes = orjson.loads(raw_attributes) if raw_attributes else {}
    except orjson.JSONDecodeError:
        attributes = {}
    values = " ".join(str(v) for v in attributes.values()) if isinstance(attributes, dict) else ""
    return f"{text}\n{values}" if values else text


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    return pc.fill_null(column.cast(pa.float64()), float("nan")).to_numpy(zero_copy_only=False)


def _normalized(vectors: np.ndarray) -> np.ndarray:
    if not len(vectors):
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def log_from_table(table: pa.Table, catalog: CatalogFrame) -> EventLog:
    """An :class:`EventLog` from rows as :mod:`uxlift.store.behaviour` returns them."""
    items = table.column("item_id").combine_chunks().dictionary_encode()
    lookup = np.array([catalog.item_index.get(i, -1) for i in items.dictionary.to_pylist()]
                      + [-1], dtype=np.int64)  # fmt: skip
    indices = pc.fill_null(items.indices, len(items.dictionary)).to_numpy(zero_copy_only=False)
    return EventLog.from_columns(
        user_keys=table.column("user_key").to_pylist(),
        item_codes=lookup[indices],
        kinds=table.column("type").to_pylist(),
        times=table.column("ts_us").to_numpy(zero_copy_only=False).astype(np.float64) / 1e6,
        session_ids=table.column("session_id").to_pylist(),
        values=_floats(table.column("value")),
        texts=table.column("text").to_pylist(),
    )


def load_event_log(
    store: Store, catalog: CatalogFrame, *, until: datetime | None = None
) -> EventLog:
    """The whole log (or the part before ``until``), in time order."""
    return log_from_table(rows.event_log_table(store.cursor(), until=until), catalog)


def catalog_from_records(
    items: list[dict], embeddings: np.ndarray, *, encoder_id: str = ""
) -> CatalogFrame:
    """A catalog from item dicts as clients send them (``embeddings`` row-aligned)."""
    created = [i.get("created_at") for i in items]
    return CatalogFrame(
        item_ids=tuple(str(i["item_id"]) for i in items),
        titles=tuple(str(i.get("title") or "") for i in items),
        category=code_strings([i.get("category") for i in items]),
        brand=code_strings([(i.get("attributes") or {}).get("brand") for i in items]),
        category_names=code_names([i.get("category") for i in items]),
        brand_names=code_names([(i.get("attributes") or {}).get("brand") for i in items]),
        price=np.array([np.nan if i.get("price") is None else i["price"] for i in items], float),
        created_at=np.array([np.nan if c is None else float(c) for c in created]),
        embeddings=_normalized(np.asarray(embeddings, dtype=np.float32)),
        encoder_id=encoder_id,
        texts=tuple(_record_text(i) for i in items),
    )


def _record_text(item: dict) -> str:
    text = item_text(item.get("title") or "", item.get("category"), item.get("tags"),
                     item.get("description"))  # fmt: skip
    return _with_attributes(text, orjson.dumps(item.get("attributes") or {}).decode())


def log_from_records(events: list[dict], catalog: CatalogFrame) -> EventLog:
    """An event log from event dicts with epoch-second timestamps (e.g. the demo's)."""
    return EventLog.from_columns(
        user_keys=[str(e["user_id"]) for e in events],
        item_codes=catalog.codes([e.get("item_id") for e in events]),
        kinds=[e["type"] for e in events],
        times=np.array([float(e["timestamp"]) for e in events]),
        session_ids=[e.get("session_id") for e in events],
        values=np.array([np.nan if e.get("value") is None else e["value"] for e in events]),
        texts=[e.get("text") if e["type"] == "search" else None for e in events],
    )

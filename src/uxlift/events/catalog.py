"""Catalog upserts: validate items, detect text changes, notify listeners."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from uxlift.events.schema import ItemIn
from uxlift.events.validation import RowError, validate_items
from uxlift.store import Store
from uxlift.store.items import ITEM_ARROW_SCHEMA, upsert_items

log = logging.getLogger(__name__)

ChangedListener = Callable[[list[str]], None]


@dataclass(frozen=True)
class UpsertResult:
    received: int
    created: int
    updated: int
    text_changed: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({e.index for e in self.errors})

    def to_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "created": self.created,
            "updated": self.updated,
            "text_changed": len(self.text_changed),
            "rejected": self.rejected,
            "errors": [e.to_dict() for e in self.errors],
        }


def item_text(
    title: str, category: str | None, tags: Sequence[str] | None, description: str | None
) -> str:
    """The text an encoder reads for an item."""
    parts = [title, category or "", " ".join(tags or ()), description or ""]
    return "\n".join(p for p in parts if p)


def text_hash(item: ItemIn) -> str:
    text = item_text(item.title, item.category, item.tags, item.description)
    payload = orjson.dumps([text, item.attributes], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


class CatalogService:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._listeners: list[ChangedListener] = []

    def add_listener(self, listener: ChangedListener) -> None:
        """Call ``listener`` with the ids of items that are new or whose text changed."""
        self._listeners.append(listener)

    def upsert(self, rows: Sequence[Any], *, start_index: int = 0) -> UpsertResult:
        checked = validate_items(rows, start_index=start_index)
        items = _last_per_id(checked.rows)
        if not items:
            return UpsertResult(len(rows), 0, 0, [], checked.errors)
        with self.store.transaction() as cur:
            created, updated, changed = upsert_items(cur, self.to_arrow(items))
        for listener in self._listeners:
            try:
                listener(changed)
            except Exception:
                log.exception("catalog listener failed")
        return UpsertResult(len(rows), created, updated, changed, checked.errors)

    @staticmethod
    def to_arrow(items: Sequence[ItemIn]) -> pa.Table:
        now = datetime.now(UTC).replace(tzinfo=None)
        return pa.table(
            {
                "item_id": [i.item_id for i in items],
                "title": [i.title for i in items],
                "description": [i.description for i in items],
                "category": [i.category for i in items],
                "tags": [list(i.tags) for i in items],
                "price": [i.price for i in items],
                "attributes": [orjson.dumps(i.attributes).decode() for i in items],
                "text_hash": [text_hash(i) for i in items],
                "created_at": [
                    i.created_at.replace(tzinfo=None) if i.created_at else now for i in items
                ],
                "updated_at": [now] * len(items),
            },
            schema=ITEM_ARROW_SCHEMA,
        )


def _last_per_id(items: Sequence[ItemIn]) -> list[ItemIn]:
    """A batch naming an item twice keeps its last version."""
    latest: dict[str, ItemIn] = {}
    for item in items:
        latest[item.item_id] = item
    return list(latest.values())

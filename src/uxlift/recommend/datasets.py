"""Read recommendation benchmarks: generic interactions/items CSVs, or MovieLens as shipped.

``interactions.csv``: ``user_id,item_id,timestamp[,rating][,event_type]``; the
timestamp is seconds since the epoch or an ISO-8601 time. ``items.csv``:
``item_id`` plus text columns; an item's text is its text columns joined
(all non-id columns unless named). Rows missing a user, item or time are
skipped and counted, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from uxlift.errors import InvalidInput
from uxlift.recommend.interactions import Interactions, catalog_order

REQUIRED_COLUMNS = ("user_id", "item_id", "timestamp")


@dataclass(frozen=True)
class RecommendationData:
    """Interactions coded against a catalog, the catalog's texts, and what was skipped."""

    interactions: Interactions
    item_texts: list[str]
    skipped_rows: int

    @property
    def catalog(self) -> np.ndarray:
        return self.interactions.item_ids


def _read_csv(path: Path, string_columns: tuple[str, ...]) -> pa.Table:
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    with path.open("rb") as handle:
        header = handle.readline().decode("utf-8-sig").strip().split(",")
    types = {c: pa.string() for c in string_columns if c in header}
    try:
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))
    except pa.ArrowInvalid as exc:
        raise InvalidInput(f"{path.name}: not a readable CSV ({exc})") from exc


def _seconds(column: pa.ChunkedArray, name: str) -> np.ndarray:
    """Seconds since the epoch from numbers or ISO-8601 strings (nan where missing)."""
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return column.to_numpy(zero_copy_only=False).astype(np.float64)
    if pa.types.is_timestamp(column.type):
        column = pc.cast(
            column, pa.timestamp("us", tz="UTC") if column.type.tz else pa.timestamp("us")
        )
        return pc.cast(column, pa.int64()).to_numpy(zero_copy_only=False) / 1e6
    try:
        parsed = pc.cast(pc.cast(column, pa.string()), pa.timestamp("us"))
    except pa.ArrowInvalid as exc:
        raise InvalidInput(
            f"{name}: timestamps must be epoch seconds or ISO-8601",
            details=[{"field": "timestamp", "reason": str(exc)}],
        ) from exc
    values = pc.cast(parsed, pa.int64()).to_numpy(zero_copy_only=False).astype(np.float64)
    return values / 1e6


def _strings(column: pa.ChunkedArray) -> np.ndarray:
    return np.array(pc.cast(column, pa.string()).to_pylist(), dtype=object)


def read_items(path: Path, text_cols: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """(sorted unique item ids, their texts) from an items CSV."""
    table = _read_csv(path, ("item_id",))
    if "item_id" not in table.column_names:
        raise InvalidInput(
            f"{Path(path).name}: no item_id column",
            details=[{"field": "item_id", "reason": "missing column"}],
        )
    columns = text_cols or [c for c in table.column_names if c != "item_id"]
    absent = [c for c in columns if c not in table.column_names]
    if absent:
        raise InvalidInput(
            f"{Path(path).name}: no such text columns: {absent}",
            details=[{"field": c, "reason": "missing column"} for c in absent],
        )
    ids = _strings(table["item_id"])
    pieces = [[("" if v is None else str(v)) for v in table[c].to_pylist()] for c in columns]
    texts = [" ".join(p for p in parts if p).strip() for parts in zip(*pieces, strict=True)]
    if not columns:
        texts = [""] * len(ids)
    valid = np.array([i is not None and i != "" for i in ids], dtype=bool)
    ids, texts = ids[valid], [t for t, ok in zip(texts, valid, strict=True) if ok]
    unique, first = np.unique(ids.astype(str), return_index=True)
    return unique, [texts[i] for i in first]  # the first row of a repeated id wins


def read_interactions(
    interactions_path: Path, items_path: Path | None = None, text_cols: list[str] | None = None
) -> RecommendationData:
    """Interactions plus the catalog: items of the items file and any item interacted with."""
    table = _read_csv(interactions_path, ("user_id", "item_id"))
    absent = [c for c in REQUIRED_COLUMNS if c not in table.column_names]
    if absent:
        raise InvalidInput(
            f"{Path(interactions_path).name}: missing columns {absent}",
            details=[{"field": c, "reason": "missing column"} for c in absent],
        )
    users, items = _strings(table["user_id"]), _strings(table["item_id"])
    times = _seconds(table["timestamp"], Path(interactions_path).name)
    valid = np.array(
        [u not in (None, "") and i not in (None, "") for u, i in zip(users, items, strict=True)],
        dtype=bool,
    ) & ~np.isnan(times)
    users, items, times = users[valid].astype(str), items[valid].astype(str), times[valid]
    catalog_ids, catalog_texts = (np.array([], dtype=str), [])
    if items_path is not None:
        catalog_ids, catalog_texts = read_items(items_path, text_cols)
    catalog = catalog_order(np.concatenate([catalog_ids, items]))
    text_of = dict(zip(catalog_ids.tolist(), catalog_texts, strict=True))
    data = Interactions.from_ids(users, items, times, catalog)
    texts = [text_of.get(item, "") for item in catalog.tolist()]
    return RecommendationData(data, texts, int((~valid).sum()))


def read_movielens(directory: Path) -> RecommendationData:
    """MovieLens as GroupLens ships it: ratings.csv, movies.csv and (optionally) tags.csv.

    Every rating is an interaction; an item's text is its title, its genres and
    the tags users gave it.
    """
    directory = Path(directory)
    ratings = _read_csv(directory / "ratings.csv", ("userId", "movieId"))
    movies = _read_csv(directory / "movies.csv", ("movieId",))
    tags: dict[str, list[str]] = {}
    if (directory / "tags.csv").is_file():
        tag_table = _read_csv(directory / "tags.csv", ("movieId",))
        for movie, tag in zip(
            tag_table["movieId"].to_pylist(), tag_table["tag"].to_pylist(), strict=True
        ):
            if tag and tag not in tags.setdefault(movie, []):
                tags[movie].append(str(tag))
    ids = _strings(movies["movieId"]).astype(str)
    texts = [
        " ".join([str(title), str(genres).replace("|", " "), *tags.get(movie, [])]).strip()
        for movie, title, genres in zip(
            ids.tolist(), movies["title"].to_pylist(), movies["genres"].to_pylist(), strict=True
        )
    ]
    users = _strings(ratings["userId"]).astype(str)
    items = _strings(ratings["movieId"]).astype(str)
    times = _seconds(ratings["timestamp"], "ratings.csv")
    catalog = catalog_order(np.concatenate([ids, items]))
    text_of = dict(zip(ids.tolist(), texts, strict=True))
    data = Interactions.from_ids(users, items, times, catalog)
    return RecommendationData(data, [text_of.get(i, "") for i in catalog.tolist()], 0)

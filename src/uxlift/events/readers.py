"""Streaming readers of CSV, JSONL and Parquet files as batches of row dicts.

Files are read in bounded batches, so memory stays flat however large the
file. Every CSV column is read as text (the schema validates and converts),
so a late row of an unexpected type cannot abort the whole import.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from uxlift.errors import InvalidInput

FORMATS = ("csv", "jsonl", "parquet")
Rows = list[Any]


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in {"jsonl", "ndjson", "json"}:
        return "jsonl"
    if suffix in {"csv", "tsv"}:
        return "csv"
    if suffix in {"parquet", "pq"}:
        return "parquet"
    raise InvalidInput(
        f"cannot tell the format of {path.name}; pass --format one of {list(FORMATS)}",
        details=[{"field": "format", "reason": f"unknown file suffix {path.suffix!r}"}],
    )


def read_batches(path: Path, fmt: str, batch_rows: int) -> Iterator[Rows]:
    """Yield lists of raw rows (dicts; a malformed JSONL line yields an error marker)."""
    if fmt == "csv":
        yield from _csv_batches(path, batch_rows)
    elif fmt == "jsonl":
        yield from _jsonl_batches(path, batch_rows)
    elif fmt == "parquet":
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=batch_rows):
            yield batch.to_pylist()
    else:
        raise InvalidInput(f"unknown format {fmt!r}; use one of {list(FORMATS)}")


class MalformedLine:
    """A JSONL line that is not JSON; validation reports it as a row error."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _jsonl_batches(path: Path, batch_rows: int) -> Iterator[Rows]:
    rows: Rows = []
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                rows.append(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                rows.append(MalformedLine(f"not valid JSON: {exc}"))
            if len(rows) >= batch_rows:
                yield rows
                rows = []
    if rows:
        yield rows


def _csv_batches(path: Path, batch_rows: int) -> Iterator[Rows]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle, delimiter=delimiter), None)
    if not header:
        return
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=8 << 20),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    pending: Rows = []
    for batch in reader:
        pending.extend(decode_json_cells(batch.to_pylist()))
        while len(pending) >= batch_rows:
            yield pending[:batch_rows]
            pending = pending[batch_rows:]
    if pending:
        yield pending


JSON_COLUMNS = frozenset({"properties", "tags", "attributes"})


def decode_json_cells(rows: Rows) -> Rows:
    """CSV cells of the JSON columns (properties, tags, attributes) are parsed."""
    for row in rows:
        for key in JSON_COLUMNS.intersection(row):
            value = row[key]
            if isinstance(value, str) and value[:1] in "{[":
                with contextlib.suppress(orjson.JSONDecodeError):
                    row[key] = orjson.loads(value)
    return rows

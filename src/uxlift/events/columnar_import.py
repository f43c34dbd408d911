"""The columnar import path for CSV and Parquet: Arrow batches in, storage tables out.

Each batch is split: rows the vectorized checks accept are transformed column
by column; every other row goes through the per-row validator, which alone
words the errors. Both parts are merged back in file order, so a batch is
stored exactly as the per-row path would store it. A background thread
inserts batch k while the caller prepares batch k+1 (DuckDB and most Arrow
kernels release the GIL).
"""

from __future__ import annotations

import csv
import dataclasses
import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from uxlift.events.columnar import check_batch
from uxlift.events.columnar_build import build_events_table
from uxlift.events.ingest import EventIngestor
from uxlift.events.readers import decode_json_cells
from uxlift.events.validation import RowError, validate_events
from uxlift.store.events import in_key_order

log = logging.getLogger(__name__)

COLUMNAR_FORMATS = frozenset({"csv", "parquet"})


@dataclass
class BatchOutcome:
    """One batch after checks: what to store, and what was rejected (by file row index)."""

    rows: int
    table: pa.Table
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: dict[int, Any] = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        return self.table.num_rows


def arrow_batches(path: Path, fmt: str, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Record batches of at most ``batch_rows`` rows, parsed as ``read_batches`` parses them.

    Files are read on this thread in small buffered blocks (no read-ahead),
    which keeps memory flat; the writer thread uses the other core.
    """
    if fmt == "parquet":
        parquet = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
        yield from parquet.iter_batches(batch_size=batch_rows, use_threads=False)
    elif fmt == "csv":
        yield from _rebatch(_csv_reader(path), batch_rows)
    else:
        raise ValueError(f"no columnar reader for {fmt!r}")


def _csv_reader(path: Path) -> Iterator[pa.RecordBatch]:
    """Every column as text; empty cells are null (the row reader's parse options)."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle, delimiter=delimiter), None)
    if not header:
        return
    yield from pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=1 << 20, use_threads=False),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )


def _rebatch(batches: Iterator[pa.RecordBatch], size: int) -> Iterator[pa.RecordBatch]:
    """Regroup small reader blocks into batches of about ``size`` rows."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for block in batches:
        for offset in range(0, block.num_rows, size):
            pending.append(block.slice(offset, size))
            count += pending[-1].num_rows
            if count >= size:
                yield _joined(pending)
                pending, count = [], 0
    if pending:
        yield _joined(pending)


def _joined(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    if len(batches) == 1:
        return batches[0]
    return pa.Table.from_batches(batches).combine_chunks().to_batches()[0]


def ingest_batch(
    ingestor: EventIngestor, batch: pa.RecordBatch, fmt: str, start: int
) -> BatchOutcome:
    """Check and transform one batch; rows in doubt take the per-row path."""
    now = datetime.now(UTC)
    checked = check_batch(batch, ingestor.limits, now)
    fast = build_events_table(checked.take_accepted(), ingestor, now)
    passed = checked.accepted.to_numpy(zero_copy_only=False)
    if passed.all():
        return BatchOutcome(batch.num_rows, fast)
    doubtful = np.flatnonzero(~passed)
    raw = batch.take(pa.array(doubtful, pa.int64())).to_pylist()
    if fmt == "csv":
        raw = decode_json_cells(raw)
    slow = validate_events(raw, ingestor.limits)
    positions = np.concatenate([np.flatnonzero(passed), doubtful[slow.indices]])
    table = pa.concat_tables([fast, ingestor.to_arrow(slow.rows)]) if slow.rows else fast
    table = table.take(pa.array(np.argsort(positions, kind="stable"), pa.int64()))
    errors = [dataclasses.replace(e, index=start + int(doubtful[e.index])) for e in slow.errors]
    rejected = {err.index: raw[local.index] for err, local in zip(errors, slow.errors, strict=True)}
    return BatchOutcome(batch.num_rows, table, errors, rejected)


class BackgroundWriter:
    """Stores tables on one thread, in submission order, one transaction per flush.

    The producer hands a table over and waits until the writer has taken it, so
    at most two large tables are alive: one being stored, one being collected.
    """

    def __init__(self, ingestor: EventIngestor, *, min_rows: int = 1) -> None:
        self._ingestor = ingestor
        self._min_rows = min_rows
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._flushes = 0  # the first flushes are smaller, so the writer starts early
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self.stored = 0
        self._thread = threading.Thread(target=self._run, name="event-writer", daemon=True)
        self._thread.start()

    def submit(self, table: pa.Table) -> None:
        """Collect tables until ``min_rows``, then queue them as one transaction.

        Blocks while the queue is full; re-raises a failure of the writer thread.
        """
        self._raise_failure()
        self._pending.append(table)
        self._pending_rows += table.num_rows
        if self._pending_rows >= self._min_rows >> max(0, 3 - self._flushes):
            self._flush()

    def _flush(self) -> None:
        if self._pending_rows:
            self._flushes += 1
            # sorted here, so the writer thread (the slower stage) need not
            self._queue.put(in_key_order(pa.concat_tables(self._pending)))
            self._pending, self._pending_rows = [], 0
            self._queue.join()  # until picked up: at most two big tables alive

    def close(self) -> int:
        """Store what is collected, wait for the queue to drain; returns rows stored."""
        if self._error is None:
            self._flush()
        self._queue.put(None)
        self._thread.join()
        self._raise_failure()
        return self.stored

    def _raise_failure(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (table := self._queue.get()) is not None:
            self._queue.task_done()
            if self._error is not None:
                continue  # keep draining so the producer never blocks
            try:
                self.stored += self._ingestor.store_table(table, maintain_users=False)
                del table
                pa.default_memory_pool().release_unused()  # keep the process small
            except BaseException as exc:  # handed to the producer thread
                log.debug("event writer failed", exc_info=True)
                self._error = exc

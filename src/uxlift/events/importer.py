"""File imports of events and items: streamed, validated, with a rejects report."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from uxlift.errors import InvalidInput
from uxlift.events.catalog import CatalogService
from uxlift.events.columnar_import import (
    COLUMNAR_FORMATS,
    BackgroundWriter,
    arrow_batches,
    ingest_batch,
)
from uxlift.events.ingest import EventIngestor
from uxlift.events.readers import detect_format, read_batches
from uxlift.events.validation import RowError
from uxlift.store.bulk import bulk_load_settings
from uxlift.store.events import refresh_users

log = logging.getLogger(__name__)

# Rows per storage transaction on the columnar path: DuckDB's per-commit costs
# (primary-key index merge, WAL, the users upsert) favour large transactions.
WRITE_ROWS = 250_000

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    path: Path
    rows: int = 0
    accepted: int = 0
    stored: int = 0
    rejected: int = 0
    rejects_path: Path | None = None
    sample_errors: list[RowError] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return self.accepted - self.stored

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "rows": self.rows,
            "accepted": self.accepted,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejects_path": str(self.rejects_path) if self.rejects_path else None,
            "sample_errors": [e.to_dict() for e in self.sample_errors[:10]],
        }


def default_rejects_path(path: Path) -> Path:
    """Beside the input file, never inside the data dir: rejected rows are raw."""
    return path.with_name(path.name + ".rejected.jsonl")


class _RejectsWriter:
    """Writes each rejected row with its errors; opens the file only if needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None

    def write(self, errors: list[RowError], rows: Mapping[int, Any]) -> None:
        """``rows`` maps a row's index in the file to the raw row."""
        by_index: dict[int, list[dict[str, Any]]] = {}
        for err in errors:
            by_index.setdefault(err.index, []).append({"field": err.field, "reason": err.reason})
        if not by_index:
            return
        if self._handle is None:  # raw rows: readable by the owner only
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            self._handle = os.fdopen(fd, "wb")
        for index, problems in sorted(by_index.items()):
            raw = rows[index]
            row = raw if isinstance(raw, dict) else {"line": getattr(raw, "reason", str(raw))}
            line = {"index": index, "errors": problems, "row": row}
            self._handle.write(orjson.dumps(line, default=str) + b"\n")

    def close(self) -> Path | None:
        if self._handle is None:
            return None
        self._handle.close()
        return self.path


def _by_index(errors: list[RowError], rows: list[Any], start: int) -> dict[int, Any]:
    return {err.index: rows[err.index - start] for err in errors}


def import_events(
    ingestor: EventIngestor,
    path: Path,
    *,
    fmt: str | None = None,
    batch_rows: int = 50_000,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Stream ``path`` through the ingestion path (same validation, privacy, idempotency).

    CSV and Parquet take the columnar path (vectorized checks, storage overlapped
    with reading); JSONL goes row by row.
    """
    fmt = fmt or detect_format(path)
    report = ImportReport(path)
    rejects = _RejectsWriter(rejects_path or default_rejects_path(path))
    try:
        if fmt in COLUMNAR_FORMATS:
            _import_columnar(ingestor, path, fmt, batch_rows, report, rejects, progress)
        else:
            _import_rows(ingestor, path, fmt, batch_rows, report, rejects, progress)
    except pa.ArrowInvalid as exc:
        raise InvalidInput(
            f"{path.name} cannot be parsed: {_without_row_content(str(exc))}; "
            f"{report.stored} events before that point were stored",
            details=[{"field": "file", "reason": "malformed " + fmt}],
        ) from None
    finally:
        report.rejects_path = rejects.close()
    return report


def _without_row_content(message: str) -> str:
    """Arrow quotes the offending row, which may hold raw ids or PII: keep the rest."""
    found = re.match(r"(.*?(?:Expected \d+ columns?, got \d+|Row #\d+))", message, re.DOTALL)
    return found.group(1) if found else "the file is malformed"


def _import_rows(
    ingestor: EventIngestor,
    path: Path,
    fmt: str,
    batch_rows: int,
    report: ImportReport,
    rejects: _RejectsWriter,
    progress: Progress | None,
) -> None:
    for rows in read_batches(path, fmt, batch_rows):
        result = ingestor.ingest(rows, start_index=report.rows)
        rejects.write(result.errors, _by_index(result.errors, rows, report.rows))
        _tally(report, len(rows), result.accepted, result.stored, result.errors)
        if progress:
            progress(len(rows))


def _import_columnar(
    ingestor: EventIngestor,
    path: Path,
    fmt: str,
    batch_rows: int,
    report: ImportReport,
    rejects: _RejectsWriter,
    progress: Progress | None,
) -> None:
    """Prepare batch k+1 while a background thread stores batch k; users are
    refreshed once at the end."""
    with bulk_load_settings(ingestor.store):
        try:
            writer = BackgroundWriter(ingestor, min_rows=WRITE_ROWS)
            try:
                for batch in arrow_batches(path, fmt, batch_rows):
                    outcome = ingest_batch(ingestor, batch, fmt, report.rows)
                    writer.submit(outcome.table)
                    rejects.write(outcome.errors, outcome.rejected_rows)
                    _tally(report, outcome.rows, outcome.accepted, 0, outcome.errors)
                    if progress:
                        progress(outcome.rows)
            finally:
                report.stored += writer.close()
        finally:
            with ingestor.store.transaction() as cur:
                refresh_users(cur)


def import_items(
    catalog: CatalogService,
    path: Path,
    *,
    fmt: str | None = None,
    batch_rows: int = 10_000,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport(path)
    rejects = _RejectsWriter(rejects_path or default_rejects_path(path))
    try:
        for rows in read_batches(path, fmt or detect_format(path), batch_rows):
            result = catalog.upsert(rows, start_index=report.rows)
            rejects.write(result.errors, _by_index(result.errors, rows, report.rows))
            accepted = len(rows) - result.rejected
            _tally(report, len(rows), accepted, accepted, result.errors)
            if progress:
                progress(len(rows))
    finally:
        report.rejects_path = rejects.close()
    return report


def _tally(
    report: ImportReport, rows: int, accepted: int, stored: int, errors: list[RowError]
) -> None:
    report.rows += rows
    report.accepted += accepted
    report.stored += stored
    report.rejected += rows - accepted
    if len(report.sample_errors) < 10:
        report.sample_errors.extend(errors[: 10 - len(report.sample_errors)])


def import_texts(
    opinions: Any,
    path: Path,
    *,
    fmt: str | None = None,
    batch_rows: int = 2_000,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Stream opinion texts (``source, text, timestamp, ...``) into monitoring, through
    the same validation, redaction and labelling as ``POST /v1/texts``."""
    report = ImportReport(path)
    rejects = _RejectsWriter(rejects_path or default_rejects_path(path))
    try:
        for rows in read_batches(path, fmt or detect_format(path), batch_rows):
            result = opinions.ingest(rows, start_index=report.rows)
            rejects.write(result.errors, _by_index(result.errors, rows, report.rows))
            accepted = len(rows) - len({e.index for e in result.errors})
            _tally(report, len(rows), accepted, result.stored, result.errors)
            if progress:
                progress(len(rows))
    finally:
        report.rejects_path = rejects.close()
    return report

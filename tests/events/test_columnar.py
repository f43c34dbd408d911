"""The columnar import path stores and rejects exactly what the per-row path does."""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from uxlift.config import Settings
from uxlift.events import importer
from uxlift.events.columnar import PY_WHITESPACE, check_batch, epoch_micros
from uxlift.events.columnar_build import event_keys, json_time
from uxlift.events.columnar_import import (
    BackgroundWriter,
    arrow_batches,
    ingest_batch,
)
from uxlift.events.ingest import EventIngestor, default_event_id
from uxlift.events.readers import read_batches
from uxlift.events.schema import EventIn
from uxlift.events.validation import Limits, validate_events
from uxlift.services import Services, open_services
from uxlift.store.bulk import bulk_load_settings
from uxlift.store.events import event_key

T0 = 1_780_000_000
SECRET = "columnar-secret-" + "k" * 40
FIELDS = ("event_id", "user_id", "item_id", "type", "value", "text", "session_id", "timestamp")
PII_TEXT = "Great kettle, call me at +1 415 555 0100 or mail jo@example.com"
PII_PROPS = '{"device": "web", "email": "jo@example.com", "n": [1, "call 415-555-0100"]}'

CASES: list[dict[str, Any]] = [
    {},
    {"event_id": None},
    {"event_id": None, "timestamp": None},
    {"event_id": "no-time", "timestamp": None},
    {"timestamp": "2026-05-01T12:00:00Z"},
    {"timestamp": "2026-05-01T12:00:00+08:00"},
    {"timestamp": "2026-05-01 12:00:00.123-05:30"},
    {"event_id": None, "timestamp": "2026-05-01T12:00:00.5+08:00"},
    {"timestamp": "2026-05-01T12:00:00"},
    {"timestamp": "2026-05-01T12:00:00z"},
    {"timestamp": "2026-02-30T12:00:00Z"},
    {"timestamp": "2024-02-29T12:00:00Z"},
    {"timestamp": "2026-05-01T12:00:00.1234567Z"},
    {"timestamp": " 1780000000 "},
    {"timestamp": "1780000000.5"},
    {"timestamp": "1780000000.1234565"},
    {"timestamp": "1780000000000"},
    {"timestamp": "946684799"},
    {"timestamp": "4102444800"},
    {"timestamp": "not a time"},
    {"type": "purchase", "value": "19.99"},
    {"type": "rate", "value": None},
    {"type": "rate", "value": "4"},
    {"type": "rate", "value": "-0.5e2"},
    {"type": "rate", "value": "nan"},
    {"type": "rate", "value": "1e999"},
    {"type": "rate", "value": " 2"},
    {"type": "rate", "value": "007"},
    {"type": "rate", "value": "ten"},
    {"type": "review", "item_id": None, "text": PII_TEXT},
    {"type": "review", "text": "   "},
    {"type": "review", "text": "\u3000\x1c\x85"},
    {"type": "review", "text": None},
    {"type": "search", "item_id": None, "text": "kettle 2l"},
    {"type": "chat", "text": "x" * 10_001},
    {"type": "chat", "text": "y" * 10_000},
    {"type": "custom:promo.seen", "item_id": None},
    {"type": "custom:Bad"},
    {"type": "warp"},
    {"type": None},
    {"item_id": None},
    {"user_id": None},
    {"user_id": ""},
    {"user_id": "x" * 257},
    {"user_id": "x" * 256},
    {"event_id": "e" * 129},
    {"event_id": "e" * 128},
    {"session_id": "s-1"},
    {"session_id": "s" * 129},
    {"properties": PII_PROPS},
    {"event_id": None, "properties": PII_PROPS, "text": PII_TEXT, "value": "2.5"},
    {"properties": "{}"},
    {"properties": "[1, 2]"},
    {"properties": "{bad"},
    {"properties": ' {"a": 1}'},
    {"properties": "plain text"},
    {"properties": '{"big": "' + "x" * 9000 + '"}'},
    {"text": "hello 中文 ０１２３４５６７８９ and ４１５５５５０１００"},
    {"event_id": "dup", "item_id": "sku-a"},
    {"event_id": "dup", "item_id": "sku-b"},
    {"extra": "surprise"},
]


def _rows() -> list[dict[str, Any]]:
    rows = []
    for i, case in enumerate(CASES):
        row: dict[str, Any] = {
            "event_id": f"e-{i}",
            "user_id": f"shopper-{i % 5}",
            "item_id": f"sku-{i % 3}",
            "type": "view",
            "value": None,
            "text": None,
            "session_id": None,
            "timestamp": str(T0 + i),
            "properties": None,
            "extra": None,
        }
        row.update(case)
        rows.append(row)
    return rows


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Services, Services]]:
    """Two fresh installations sharing one secret: one per import path."""
    opened = [open_services(Settings(data_dir=tmp_path / name, secret_key=SECRET)) for name in "ab"]
    yield opened[0], opened[1]
    for services in opened:
        services.close()


def _comparable(table: pa.Table) -> list[dict[str, Any]]:
    """Stored rows with what legitimately differs (random ids, receive times) masked."""
    found = []
    for row in table.to_pylist():
        if row["event_id"].startswith("g_"):
            row["event_id"], row["event_key"] = "g_", None
        if row["ts"] == row.pop("received_at"):
            row["ts"] = "received"
        found.append(row)
    return found


def _assert_same_as_rows(ingestor: EventIngestor, path: Path, fmt: str, start: int = 7) -> int:
    """One batch through both paths: identical tables and errors. Returns fast-path rows."""
    (batch,) = arrow_batches(path, fmt, 10_000)
    (rows,) = read_batches(path, fmt, 10_000)
    fast = ingest_batch(ingestor, batch, fmt, start)
    slow = validate_events(rows, ingestor.limits, start_index=start)
    assert fast.errors == slow.errors
    assert _comparable(fast.table) == _comparable(ingestor.to_arrow(slow.rows))
    expected = {e.index: rows[e.index - start] for e in slow.errors}
    assert repr(fast.rejected_rows) == repr(expected)  # repr: NaN is not equal to itself
    accepted = check_batch(batch, ingestor.limits, datetime.now(UTC)).accepted.to_pylist()
    fast_rows = {start + i for i, ok in enumerate(accepted) if ok}
    assert fast_rows <= set(slow.indices)
    return len(fast_rows)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_text_columns_store_and_reject_like_the_row_path(
    fmt: str, tmp_path: Path, services: Services
) -> None:
    rows = _rows()
    path = tmp_path / f"events.{fmt}"
    if fmt == "csv":
        _write_csv(path, [{k: "" if v is None else v for k, v in r.items()} for r in rows])
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    fast = _assert_same_as_rows(services.events, path, fmt)
    assert fast >= 25  # the fast path did the bulk of the work


def test_typed_parquet_columns_match_the_row_path(tmp_path: Path, services: Services) -> None:
    n = 12
    stamps = [T0 + 0.1234565, T0 + 0.5, float(T0), math.nan, math.inf, -5.0, 1e12, None]
    table = pa.table(
        {
            "user_id": pa.array([7, 8, None, 10, 11, 12, 13, 14, 15, 16, 17, 18], pa.int64()),
            "item_id": pa.array(range(100, 100 + n), pa.int64()),
            "type": ["rate"] * n,
            "value": pa.array([4, 5, 1, None, 2, 3, 4, 5, 1, 2, 3, 4], pa.int32()),
            "timestamp": pa.array((stamps * 2)[:n], pa.float64()),
            "session_id": pa.array([1] * n, pa.int64()),
        }
    )
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    assert _assert_same_as_rows(services.events, path, "parquet") == 0  # int session ids
    pq.write_table(table.drop_columns(["session_id"]), path)
    assert _assert_same_as_rows(services.events, path, "parquet") >= 5


def test_float_values_and_timestamp_columns_match(tmp_path: Path, services: Services) -> None:
    moments = [datetime(2026, 5, 1, 12, 0, 0, 123456), None, datetime(1999, 1, 1)]
    table = pa.table(
        {
            "event_id": [None, None, "x"],
            "user_id": ["a", "b", "c"],
            "type": ["purchase"] * 3,
            "item_id": ["i"] * 3,
            "value": pa.array([1.5, math.inf, None], pa.float64()),
            "timestamp": pa.array(moments, pa.timestamp("ms", tz="Asia/Shanghai")),
        }
    )
    path = tmp_path / "stamps.parquet"
    pq.write_table(table, path)
    assert _assert_same_as_rows(services.events, path, "parquet") == 1
    pq.write_table(table.set_column(5, "timestamp", pa.array(moments, pa.timestamp("us"))), path)
    assert _assert_same_as_rows(services.events, path, "parquet") == 1


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_import_stores_and_rejects_like_the_row_path(
    fmt: str, tmp_path: Path, pair: tuple[Services, Services]
) -> None:
    rows = _rows() * 3  # repeated ids across batches: idempotent
    path = tmp_path / f"events.{fmt}"
    if fmt == "csv":
        _write_csv(path, [{k: "" if v is None else v for k, v in r.items()} for r in rows])
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    columnar, per_row = pair
    fast = importer.import_events(
        columnar.events, path, batch_rows=50, rejects_path=tmp_path / "a.rej"
    )
    slow = importer.ImportReport(path)
    rejects = importer._RejectsWriter(tmp_path / "b.rej")
    importer._import_rows(per_row.events, path, fmt, 50, slow, rejects, None)
    rejects.close()
    assert fast.to_dict() | {"rejects_path": None} == slow.to_dict() | {"rejects_path": None}
    assert (tmp_path / "a.rej").read_bytes() == (tmp_path / "b.rej").read_bytes()
    assert _stored(columnar) == _stored(per_row)


def _stored(services: Services) -> list[dict[str, Any]]:
    table = services.store.cursor().sql("SELECT * FROM events ORDER BY event_id").to_arrow_table()
    return sorted(_comparable(table), key=repr)


def test_event_keys_match_event_key() -> None:
    ids = ["e-1", "中文-id", "x" * 128, "h_0123"]
    assert event_keys(pa.array(ids)).to_pylist() == [event_key(i) for i in ids]


def test_epoch_micros_round_like_fromtimestamp() -> None:
    rng = random.Random(3)
    values = [T0 + rng.random() for _ in range(2000)] + [T0 + 0.0000005, T0 + 0.0000015, 1e11]
    micros = epoch_micros(pa.array(values)).to_pylist()
    for value, got in zip(values, micros, strict=True):
        moment = datetime.fromtimestamp(value, tz=UTC)
        assert got == int(moment.timestamp()) * 1_000_000 + moment.microsecond
    assert epoch_micros(pa.array([1e11 + 1, -1.0, math.nan])).to_pylist() == [None] * 3


def test_json_time_matches_pydantic() -> None:
    for micros in (T0 * 1_000_000, T0 * 1_000_000 + 500_000, T0 * 1_000_000 + 7):
        event = EventIn(user_id="u", type="view", item_id="i", timestamp=micros / 1_000_000)
        assert json_time(micros) == event.model_dump(mode="json")["timestamp"]


def test_whitespace_set_is_pythons() -> None:
    assert set(PY_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_default_ids_match_the_row_path(tmp_path: Path, services: Services) -> None:
    row = {"user_id": "u", "type": "review", "text": PII_TEXT, "timestamp": "1780000000.25"}
    path = tmp_path / "one.csv"
    _write_csv(path, [row])
    (batch,) = arrow_batches(path, "csv", 10)
    stored = ingest_batch(services.events, batch, "csv", 0).table.to_pylist()[0]
    digest = services.pseudonymizer.content_digest
    assert stored["event_id"] == default_event_id(EventIn.model_validate(row), digest)
    assert stored["text"] != PII_TEXT and "<PHONE>" in stored["text"]


def test_unknown_empty_columns_are_ignored() -> None:
    batch = pa.record_batch(
        {"user_id": ["u", "u"], "type": ["click"] * 2, "item_id": ["i"] * 2, "note": ["", "hi"]}
    )
    accepted = check_batch(batch, Limits(), datetime.now(UTC)).accepted
    assert accepted.to_pylist() == [True, False]


def test_large_file_batches_keep_order_and_counts(tmp_path: Path, services: Services) -> None:
    n = 5_000
    table = pa.table(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "user_id": [f"u{i % 97}" for i in range(n)],
            "item_id": ["sku"] * n,
            "type": ["click"] * n,
            "timestamp": np.arange(n, dtype=np.int64) + T0,
        }
    )
    path = tmp_path / "many.parquet"
    pq.write_table(table, path)
    report = importer.import_events(services.events, path, batch_rows=700)
    assert (report.rows, report.stored, report.rejected) == (n, n, 0)
    again = importer.import_events(services.events, path, batch_rows=700)
    assert (again.stored, again.duplicates) == (0, n)


def test_writer_failure_reaches_the_caller(services: Services) -> None:
    class Broken(Exception):
        pass

    def fail(table: pa.Table, **_: object) -> int:
        raise Broken

    writer = BackgroundWriter(services.events)
    writer._ingestor = type("I", (), {"store_table": staticmethod(fail)})()  # type: ignore[assignment]
    writer.submit(pa.table({"event_key": pa.array([2, 1], pa.uint64())}))
    with pytest.raises(Broken):
        writer.close()


def test_properties_are_redacted_and_compact(tmp_path: Path, services: Services) -> None:
    path = tmp_path / "p.csv"
    _write_csv(path, [{"user_id": "u", "type": "custom:x", "properties": PII_PROPS}])
    (batch,) = arrow_batches(path, "csv", 10)
    stored = ingest_batch(services.events, batch, "csv", 0).table.to_pylist()[0]
    assert orjson.loads(stored["properties"]) == {
        "device": "web",
        "email": "<EMAIL>",
        "n": [1, "call <PHONE>"],
    }


def test_bulk_load_settings_are_restored(services: Services) -> None:
    query = "SELECT current_setting('memory_limit'), current_setting('checkpoint_threshold')"
    before = services.store.cursor().execute(query).fetchone()
    with bulk_load_settings(services.store):
        during = services.store.cursor().execute(query).fetchone()
    assert during == ("512.0 MiB", "244.1 MiB")
    assert services.store.cursor().execute(query).fetchone() == before

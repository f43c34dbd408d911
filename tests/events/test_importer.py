"""File imports: CSV, JSONL and Parquet through the same validation, with rejects."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from uxlift.events.importer import import_events, import_items
from uxlift.services import Services
from uxlift.store.events import count_events

T0 = 1_780_000_000


def _rows(n: int) -> list[dict]:
    return [
        {
            "event_id": f"f-{i}",
            "user_id": f"shopper-{i % 7}",
            "item_id": f"sku-{i % 13}",
            "type": "click" if i % 2 else "view",
            "timestamp": T0 + i,
            "value": "",
            "properties": '{"device": "web"}',
        }
        for i in range(n)
    ]


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_import_keeps_valid_rows_and_reports_rejects(
    fmt: str, tmp_path: Path, services: Services
) -> None:
    rows = _rows(300)
    rows[10]["type"] = "warp"
    rows[20]["timestamp"] = "not a time"
    rows[30]["user_id"] = ""
    path = tmp_path / f"events.{fmt}"
    if fmt == "csv":
        _write_csv(path, rows)
    elif fmt == "jsonl":
        lines = [orjson.dumps(r) for r in rows]
        lines.insert(40, b"{broken")
        path.write_bytes(b"\n".join(lines) + b"\n")
    else:
        pq.write_table(
            pa.Table.from_pylist([{k: str(v) for k, v in r.items()} for r in rows]), path
        )
    report = import_events(services.events, path, batch_rows=64)
    bad = 4 if fmt == "jsonl" else 3
    assert report.rows == 300 + (1 if fmt == "jsonl" else 0)
    assert report.stored == 297
    assert report.rejected == bad
    assert report.rejects_path is not None
    rejected = [orjson.loads(line) for line in report.rejects_path.read_bytes().splitlines()]
    assert len(rejected) == bad
    assert {r["errors"][0]["field"] for r in rejected} >= {"type", "timestamp", "user_id"}
    assert count_events(services.store.cursor()) == 297
    again = import_events(services.events, path, batch_rows=64)
    assert again.stored == 0 and again.duplicates == 297


def test_import_items_from_csv(tmp_path: Path, services: Services) -> None:
    path = tmp_path / "items.csv"
    _write_csv(
        path,
        [
            {
                "item_id": "a",
                "title": "Kettle",
                "category": "Kitchen",
                "price": "24.5",
                "tags": '["steel"]',
            },
            {"item_id": "b", "title": "Lamp", "category": "Home", "price": "abc", "tags": ""},
        ],
    )
    report = import_items(services.catalog, path)
    assert (report.stored, report.rejected) == (1, 1)
    row = services.store.cursor().execute("SELECT price, tags FROM items").fetchone()
    assert row == (24.5, ["steel"])


def test_clean_import_writes_no_rejects_file(tmp_path: Path, services: Services) -> None:
    path = tmp_path / "clean.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in _rows(10)))
    report = import_events(services.events, path)
    assert report.rejects_path is None
    assert not (tmp_path / "clean.jsonl.rejected.jsonl").exists()


def test_bulk_import_refreshes_first_and_last_seen(tmp_path: Path, services: Services) -> None:
    path = tmp_path / "users.csv"
    _write_csv(path, _rows(70))
    import_events(services.events, path, batch_rows=16)
    rows = (
        services.store.cursor()
        .execute("SELECT count(*), min(epoch(first_seen)), max(epoch(last_seen)) FROM users")
        .fetchone()
    )
    assert rows == (7, T0, T0 + 69)


def test_malformed_csv_is_a_clear_error_without_the_rows_content(
    tmp_path: Path, services: Services
) -> None:
    from uxlift.errors import InvalidInput

    path = tmp_path / "bad.csv"
    path.write_text(
        "user_id,item_id,type,timestamp\nu1,sku-1,view,1780000000\n"
        "secret@example.com,sku-2,view,1780000001,extra\n"
    )
    with pytest.raises(InvalidInput) as caught:
        import_events(services.events, path)
    assert "cannot be parsed" in caught.value.message
    assert "secret@example.com" not in caught.value.message


def test_rejects_file_is_private_to_its_owner(tmp_path: Path, services: Services) -> None:
    path = tmp_path / "some.jsonl"
    path.write_bytes(orjson.dumps({"user_id": "x", "type": "nope"}))
    report = import_events(services.events, path)
    assert report.rejects_path is not None
    assert report.rejects_path.stat().st_mode & 0o077 == 0

"""After `uxlift demo --no-serve`, no raw user id and no planted PII is anywhere on disk."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from uxlift.demo.generator import generate_store


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    env = {**os.environ, "UXLIFT_DATA_DIR": str(data_dir), "UXLIFT_PORT": "0"}
    env.pop("UXLIFT_SECRET_KEY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "uxlift.cli", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "rejected" in proc.stdout
    return data_dir


def _needles() -> list[str]:
    store = generate_store(seed=0)
    return [*store.users, *(value for _, value in store.planted_pii)]


def test_no_raw_identifier_or_planted_pii_in_any_file(demo_dir: Path) -> None:
    pattern = re.compile(b"|".join(re.escape(n.encode()) for n in _needles()))
    files = [p for p in demo_dir.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".log") for p in files)
    for path in files:
        leaked = pattern.findall(path.read_bytes())
        assert not leaked, f"{path.name} holds {leaked[:3]}"


def test_no_raw_identifier_or_planted_pii_in_any_string_column(demo_dir: Path) -> None:
    """The store compresses strings, so also search every text column with SQL."""
    needles = _needles()
    con = duckdb.connect(str(demo_dir / "uxlift.duckdb"), read_only=True)
    try:
        con.execute("CREATE TEMP TABLE needles (v VARCHAR)")
        con.executemany("INSERT INTO needles VALUES (?)", [[n] for n in needles])
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type IN ('VARCHAR', 'JSON') AND table_name <> 'needles'"
        ).fetchall()
        assert len(columns) >= 10
        for table, column in columns:
            hits = con.execute(
                f'SELECT count(*) FROM "{table}" t JOIN needles n '
                f'ON position(n.v IN CAST(t."{column}" AS VARCHAR)) > 0'
            ).fetchone()
            assert hits == (0,), f"{table}.{column}"
        texts = con.execute(
            "SELECT count(*) FROM events WHERE text LIKE '%<EMAIL>%' OR text LIKE '%<PHONE>%'"
        ).fetchone()
        assert texts is not None and texts[0] > 0
    finally:
        con.close()

"""The CLI as a user runs it: real subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

T0 = 1_780_000_000


def run(data_dir: Path, *args: str, secret: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UXLIFT_DATA_DIR": str(data_dir)}
    env.pop("UXLIFT_SECRET_KEY", None)
    if secret is not None:
        env["UXLIFT_SECRET_KEY"] = secret
    return subprocess.run(
        [sys.executable, "-m", "uxlift.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    assert run(path, "init").returncode == 0
    return path


def test_init_creates_a_private_secret_once(tmp_path: Path) -> None:
    path = tmp_path / "data"
    first = run(path, "init")
    assert first.returncode == 0 and "created" in first.stdout
    secret = (path / "secret.key").read_text()
    assert len(secret) >= 32
    assert (path / "secret.key").stat().st_mode & 0o077 == 0
    assert "kept" in run(path, "init").stdout
    assert (path / "secret.key").read_text() == secret


def test_weak_secret_is_refused_outside_demo_mode(tmp_path: Path) -> None:
    result = run(tmp_path / "d", "keys", "list", secret="changeme")
    assert result.returncode == 8
    assert "refused outside demo mode" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_secret_says_to_run_init(tmp_path: Path) -> None:
    result = run(tmp_path / "fresh", "keys", "list")
    assert result.returncode == 8
    assert "uxlift init" in result.stderr


def test_invalid_setting_names_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "UXLIFT_DATA_DIR": str(tmp_path), "UXLIFT_PORT": "not-a-port"}
    result = subprocess.run(
        [sys.executable, "-m", "uxlift.cli", "keys", "list"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 8
    assert "UXLIFT_PORT" in result.stderr


def test_keys_create_list_revoke(data_dir: Path) -> None:
    created = run(
        data_dir, "keys", "create", "--scope", "ingest", "--scope", "read", "--name", "app"
    )
    assert created.returncode == 0
    key = created.stdout.strip()
    assert key.startswith("uxl_")
    key_id = key.split("_")[1]
    listed = run(data_dir, "keys", "list").stdout
    assert key_id in listed and "ingest,read" in listed and key not in listed
    assert run(data_dir, "keys", "revoke", key_id).returncode == 0
    assert "revoked" in run(data_dir, "keys", "list").stdout
    missing = run(data_dir, "keys", "revoke", "nope")
    assert missing.returncode == 3 and "no active API key" in missing.stderr
    bad_scope = run(data_dir, "keys", "create", "--scope", "root")
    assert bad_scope.returncode == 2 and "scopes" in bad_scope.stderr


def test_import_erase_and_export_round_trip(data_dir: Path, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    rows = [
        {"user_id": "dana", "item_id": f"sku-{i}", "type": "view", "timestamp": T0 + i}
        for i in range(20)
    ]
    rows.append({"user_id": "dana", "type": "teleport", "timestamp": T0})
    events.write_bytes(b"\n".join(orjson.dumps(r) for r in rows))
    imported = run(data_dir, "import", "events", str(events), "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert (report["stored"], report["rejected"]) == (20, 1)
    assert Path(report["rejects_path"]).exists()

    exported = run(data_dir, "users", "export", "dana")
    assert exported.returncode == 0
    assert len(json.loads(exported.stdout)["tables"]["events"]) == 20

    erased = run(data_dir, "users", "erase", "dana", "--json")
    assert erased.returncode == 0
    assert json.loads(erased.stdout)["deleted"]["events"] == 20
    gone = run(data_dir, "users", "export", "dana")
    assert gone.returncode == 3 and "no data stored" in gone.stderr


def test_import_of_unknown_format_is_a_clear_error(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "events.xlsx"
    path.write_text("x")
    result = run(data_dir, "import", "events", str(path))
    assert result.returncode == 2
    assert "--format" in result.stderr


def test_demo_generate_only_writes_files(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run(tmp_path / "unused", "demo", "--generate-only", str(out))
    assert result.returncode == 0
    for name in ("items.jsonl", "events.jsonl", "faq.jsonl", "truth.json"):
        assert (out / name).stat().st_size > 0

"""Shared helpers of the benchmark scripts: a uxlift server in a subprocess, keys, files."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import psutil
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

SECRET = "benchmark-secret-" + "b" * 40


def env_for(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "UXLIFT_DATA_DIR": str(data_dir),
        "UXLIFT_SECRET_KEY": SECRET,
        "UXLIFT_LOG_LEVEL": "WARNING",
        "UXLIFT_RATE_LIMIT_PER_S": "1000000",
        "UXLIFT_RATE_LIMIT_BURST": "1000000",
    }


def uxlift(*args: str, data_dir: Path) -> str:
    """Run the uxlift CLI; return its stdout."""
    proc = subprocess.run(
        [sys.executable, "-m", "uxlift.cli", *args],
        env=env_for(data_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"uxlift {' '.join(args)} failed: {proc.stderr[-1500:]}")
    return proc.stdout


def create_key(data_dir: Path, scope: str) -> str:
    return uxlift("keys", "create", "--scope", scope, "--name", "bench", data_dir=data_dir).strip()


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]
    url: str

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def rss_mb(self) -> float:
        return psutil.Process(self.proc.pid).memory_info().rss / 2**20


def start_server(data_dir: Path, port: int) -> ServerProcess:
    proc = subprocess.Popen(
        [sys.executable, "-m", "uxlift.cli", "serve", "--port", str(port)],
        env=env_for(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return ServerProcess(proc, url)
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start in 60 s")


def wait_ready(url: str, timeout_s: float = 600.0) -> float:
    """Wait until ``GET /readyz`` answers 200 (the active users' lists are ranked);
    returns the seconds waited."""
    started = time.monotonic()
    while httpx.get(f"{url}/readyz", timeout=5).status_code != 200:
        if time.monotonic() - started > timeout_s:
            raise RuntimeError(f"the server was not ready after {timeout_s:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - started


def synthetic_events(n: int, *, seed: int = 0, id_prefix: str = "e") -> pa.Table:
    """A realistic-shaped event table (ids, users, items, funnel types, times)."""
    rng = np.random.default_rng(seed)
    types = np.array(["view"] * 70 + ["click"] * 20 + ["add_to_cart"] * 7 + ["purchase"] * 3)
    users = rng.integers(0, 100_000, n)
    return pa.table(
        {
            "event_id": pa.array([f"{id_prefix}{i:010d}" for i in range(n)]),
            "user_id": pa.array([f"shopper-{u:07d}" for u in users]),
            "item_id": pa.array([f"sku-{i:05d}" for i in rng.integers(0, 10_000, n)]),
            "type": pa.array(types[rng.integers(0, len(types), n)]),
            "timestamp": pa.array(1_780_000_000 + np.arange(n) // 20, pa.int64()),
            "session_id": pa.array(
                [f"s{u:07d}-{d}" for u, d in zip(users, np.arange(n) // 50_000, strict=True)]
            ),
        }
    )


def write_events_file(path: Path, n: int, *, seed: int = 0) -> Path:
    """Write ``n`` synthetic events as CSV or Parquet, in chunks to keep memory flat."""
    chunk = 1_000_000
    writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
    try:
        for start in range(0, n, chunk):
            table = synthetic_events(
                min(chunk, n - start), seed=seed + start, id_prefix=f"e{start}-"
            )
            if writer is None:
                writer = (
                    pq.ParquetWriter(path, table.schema)
                    if path.suffix == ".parquet"
                    else pacsv.CSVWriter(path, table.schema)
                )
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path


def machine() -> dict[str, object]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
    }

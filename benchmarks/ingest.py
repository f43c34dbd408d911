"""Ingestion benchmark: HTTP throughput, bulk import throughput and memory, and
durability under SIGKILL.

    python benchmarks/ingest.py [--json] [--http-events N] [--bulk-events N]
                                [--bulk-format parquet|csv] [--sigkill-trials N]
                                [--http-review-share F]

* HTTP: a uxlift server in its own process; this process sends batches of
  1,000 events from several threads through ``uxlift.client``. With
  ``--http-review-share F`` that share of the events are reviews with text, which
  opinion monitoring labels (sentiment and topics) off the request.
* Bulk: ``uxlift import events FILE`` in its own process on a fresh store;
  events/s over the whole command and its peak resident memory.
* Durability: the server is killed with SIGKILL at a random moment while a
  client sends; after each restart every acknowledged event must be stored
  exactly once, and the batch in flight is re-sent (an idempotent retry).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import (
    create_key,
    env_for,
    machine,
    start_server,
    synthetic_events,
    write_events_file,
)
from uxlift.client import UxliftClient
from uxlift.errors import UxliftError
from uxlift.server import free_port

BATCH = 1000


REVIEWS = (
    "Arrived quickly and fits well",
    "The zipper broke after two days, very disappointed",
    "Good value for the price",
    "Colour is not what the photo shows",
    "Customer service never answered my emails",
    "Comfortable and warm, would buy again",
)


def with_reviews(events: list[dict], share: float, seed: int = 2) -> list[dict]:
    """Turn ``share`` of the events into reviews carrying a text."""
    rng = random.Random(seed)
    for event in events:
        if rng.random() < share:
            event["type"] = "review"
            event["text"] = f"{rng.choice(REVIEWS)} (order {rng.randint(1, 10**6)})"
    return events


def bench_http(
    workdir: Path, n_events: int, threads: int, review_share: float = 0.0
) -> dict[str, float]:
    data_dir = workdir / "http"
    key = create_key(data_dir, "ingest")
    server = start_server(data_dir, free_port())
    events = with_reviews(synthetic_events(n_events, seed=1, id_prefix="h").to_pylist(),
                          review_share)  # fmt: skip
    shards = [events[i::threads] for i in range(threads)]
    stored = [0] * threads
    batch_ms: list[float] = []

    def send(index: int) -> None:
        shard = shards[index]
        with UxliftClient(server.url, key, retries=3) as client:
            for start in range(0, len(shard), BATCH):
                began = time.perf_counter()
                stored[index] += client.send_events(shard[start : start + BATCH]).stored
                batch_ms.append((time.perf_counter() - began) * 1000)

    try:
        workers = [threading.Thread(target=send, args=(i,)) for i in range(threads)]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - start
        rss = server.rss_mb()
    finally:
        server.stop()
    return {
        "http_events": n_events,
        "http_stored": sum(stored),
        "http_seconds": round(elapsed, 2),
        "http_events_per_s": round(sum(stored) / elapsed),
        "http_batch_p50_ms": round(float(np.percentile(batch_ms, 50)), 1),
        "http_batch_p95_ms": round(float(np.percentile(batch_ms, 95)), 1),
        "http_client_threads": threads,
        "http_review_share": review_share,
        "http_server_rss_mb": round(rss),
    }


def bench_bulk(workdir: Path, n_events: int, fmt: str) -> dict[str, float | str]:
    path = write_events_file(workdir / f"bulk.{fmt}", n_events, seed=2)
    data_dir = workdir / "bulk"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uxlift.cli", "import", "events", str(path), "--json"],
        env=env_for(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    start = time.perf_counter()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    assert proc.stdout is not None and proc.stderr is not None
    output, errors = proc.stdout.read(), proc.stderr.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"import failed ({proc.returncode}): {errors[-2000:]}")
    report = json.loads(output)
    path.unlink()
    return {
        "bulk_events": n_events,
        "bulk_format": fmt,
        "bulk_stored": report["stored"],
        "bulk_seconds": round(elapsed, 2),
        "bulk_events_per_s": round(report["stored"] / elapsed),
        "bulk_peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


class AckingSender:
    """Sends numbered batches until the server dies; remembers what was acknowledged."""

    def __init__(self, url: str, key: str, trial: int) -> None:
        self.client = UxliftClient(url, key, retries=0, timeout_s=10)
        self.trial = trial
        self.acked: list[str] = []
        self.in_flight: list[dict] = []

    def run(self) -> None:
        batch_no = 0
        while True:
            batch = [
                {
                    "event_id": f"t{self.trial}-b{batch_no}-{i}",
                    "user_id": f"shopper-{i % 97}",
                    "item_id": f"sku-{i % 501}",
                    "type": "view",
                    "timestamp": 1_780_000_000 + batch_no,
                }
                for i in range(BATCH)
            ]
            self.in_flight = batch
            try:
                self.client.send_events(batch, batch_size=BATCH)
            except UxliftError:
                return
            self.acked.extend(e["event_id"] for e in batch)
            self.in_flight = []
            batch_no += 1


def bench_durability(workdir: Path, trials: int, seed: int = 0) -> dict[str, int]:
    data_dir = workdir / "durability"
    key = create_key(data_dir, "ingest")
    rng = random.Random(seed)
    acked: list[str] = []
    pending_retry: list[dict] = []
    for trial in range(trials):
        server = start_server(data_dir, free_port())
        if pending_retry:
            with UxliftClient(server.url, key, retries=3) as client:
                client.send_events(pending_retry, batch_size=BATCH)
            acked.extend(e["event_id"] for e in pending_retry)
        sender = AckingSender(server.url, key, trial)
        thread = threading.Thread(target=sender.run)
        thread.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.kill()
        thread.join()
        sender.client.close()
        acked.extend(sender.acked)
        pending_retry = sender.in_flight
    return _verify(data_dir, acked, trials)


def _verify(data_dir: Path, acked: list[str], trials: int) -> dict[str, int]:
    con = duckdb.connect(str(data_dir / "uxlift.duckdb"))
    try:
        con.execute("CREATE TEMP TABLE acked (event_id VARCHAR)")
        con.executemany("INSERT INTO acked VALUES (?)", [[a] for a in acked])
        lost = con.execute(
            "SELECT count(*) FROM acked a WHERE NOT EXISTS "
            "(SELECT 1 FROM events e WHERE e.event_id = a.event_id)"
        ).fetchone()
        dupes = con.execute(
            "SELECT count(*) FROM "
            "(SELECT event_id FROM events GROUP BY event_id HAVING count(*) > 1)"
        ).fetchone()
        total = con.execute("SELECT count(*) FROM events").fetchone()
    finally:
        con.close()
    return {
        "sigkill_trials": trials,
        "acknowledged_events": len(acked),
        "stored_events": int(total[0]) if total else 0,
        "lost_acknowledged": int(lost[0]) if lost else -1,
        "duplicated_events": int(dupes[0]) if dupes else -1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--http-events", type=int, default=200_000)
    parser.add_argument("--http-threads", type=int, default=4)
    parser.add_argument("--http-review-share", type=float, default=0.0,
                        help="share of HTTP events that are reviews with text")  # fmt: skip
    parser.add_argument("--bulk-events", type=int, default=5_000_000)
    parser.add_argument("--bulk-format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--sigkill-trials", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        workdir = Path(tmp)
        results: dict[str, object] = {"machine": machine()}
        steps = (
            (
                "http",
                args.http_events,
                lambda: bench_http(
                    workdir, args.http_events, args.http_threads, args.http_review_share
                ),
            ),
            (
                "bulk",
                args.bulk_events,
                lambda: bench_bulk(workdir, args.bulk_events, args.bulk_format),
            ),
            (
                "durability",
                args.sigkill_trials,
                lambda: bench_durability(workdir, args.sigkill_trials),
            ),
        )
        for name, size, step in steps:
            if size <= 0:  # 0 skips a step
                continue
            print(f"[ingest benchmark] {name} ...", file=sys.stderr, flush=True)
            results.update(step())
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()

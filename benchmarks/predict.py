"""Prediction latency: POST /v1/predict for one user and 100 items, over loopback HTTP.

    python benchmarks/predict.py [--json] [--requests N] [--items N]

Builds the default demo store (seed 0) in a fresh data dir, trains and promotes
the LightGBM purchase predictor, starts ``uxlift serve`` in a subprocess and
sends requests one at a time from this process: each names a random demo user
and ``--items`` random catalog items and asks for three reasons per item.
Reported: p50/p95/p99 latency in ms (after warm-up), the same without reasons,
and, for scale, the model alone scoring the same number of rows in-process.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import SECRET, create_key, machine, start_server
from uxlift.config import Settings
from uxlift.demo.generator import generate_store
from uxlift.demo.runner import load_directly
from uxlift.predict.trainer import TrainOptions, train_predictors
from uxlift.services import open_services

WARMUP = 20


def prepare(data_dir: Path) -> tuple[list[str], list[str], dict]:
    store = generate_store(seed=0)
    services = open_services(Settings(data_dir=data_dir, secret_key=SECRET),
                             embed_in_background=False)  # fmt: skip
    try:
        load_directly(services, store)
        report = train_predictors(
            services,
            TrainOptions(estimators=("lightgbm",), promote="best", track=False, progress=False),
        )
    finally:
        services.close()
    return store.users, [item["item_id"] for item in store.items], report


def percentiles(samples: list[float]) -> dict[str, float]:
    values = np.array(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
        "p99_ms": round(float(np.percentile(values, 99)), 2),
    }


def measure(url: str, key: str, users: list[str], items: list[str], args, reasons: int) -> dict:
    rng = random.Random(reasons)
    latencies: list[float] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as c:
        for i in range(WARMUP + args.requests):
            body = {"user_id": rng.choice(users), "item_ids": rng.sample(items, args.items),
                    "reasons": reasons}  # fmt: skip
            start = time.perf_counter()
            response = c.post("/v1/predict", json=body)
            elapsed = time.perf_counter() - start
            response.raise_for_status()
            if i >= WARMUP:
                latencies.append(elapsed)
    return percentiles(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        users, items, report = prepare(data_dir)
        key = create_key(data_dir, "read")
        server = start_server(data_dir, args.port)
        try:
            with_reasons = measure(server.url, key, users, items, args, reasons=3)
            without = measure(server.url, key, users, items, args, reasons=0)
            rss = server.rss_mb()
        finally:
            server.stop()
    result = {
        "machine": machine(),
        "requests": args.requests,
        "items_per_request": args.items,
        "model": report["serving"],
        "events": report["events"],
        "with_reasons": with_reasons,
        "without_reasons": without,
        "p95_ms": with_reasons["p95_ms"],
        "server_rss_mb": round(rss, 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()

"""Recommendation serving: latency at a fixed request rate, and how fast a click shows.

    python benchmarks/serve.py [--json] [--rps 300] [--seconds 30] [--items 10000]

Builds a demo store with a 10,000-item catalog in a fresh data dir, trains and
promotes the purchase predictor and the recommender, starts ``uxlift serve``
in a subprocess, waits until it is ready (``/readyz``: the active users' lists
are ranked ahead; reported as ``ready_after_s``) and warms every model. Then,
from this (separate) process:

- **load:** an open-loop client (``_load.py``: raw HTTP/1.1 on 64 keep-alive
  connections, like ``wrk2``) sends ``GET /v1/users/{user}/recommendations``
  for random demo users on a fixed schedule of ``--rps`` requests per second
  (a slow answer does not slow the schedule down), for ``--seconds``.
  Reported are p50/p95/p99 latency, measured from each request's scheduled
  time, and the throughput achieved.
- **update to visible** (first, on a quiet server): a user views and clicks an
  item they never touched, then asks for 100 recommendations until the list
  shows it (an item explained by that click, or a changed ranking). The time
  from sending the events to that answer is reported (20 users).
- **memory:** the server's resident set size after all of this.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import SECRET, create_key, machine, start_server, wait_ready
from _load import open_loop
from uxlift.config import Settings
from uxlift.demo.generator import generate_store
from uxlift.demo.runner import load_directly
from uxlift.predict.trainer import TrainOptions, train_predictors
from uxlift.recommend.trainer import RecommenderTrainOptions, train_recommender
from uxlift.services import open_services

TRIALS = 20


def prepare(data_dir: Path, n_items: int):
    store = generate_store(seed=0, n_items=n_items)
    services = open_services(Settings(data_dir=data_dir, secret_key=SECRET),
                             embed_in_background=False)  # fmt: skip
    try:
        load_directly(services, store)
        train_predictors(services, TrainOptions(estimators=("lightgbm",), promote="best",
                                                track=False, progress=False))  # fmt: skip
        train_recommender(services, RecommenderTrainOptions(promote="always", evaluate=False))
    finally:
        services.close()
    return store


def percentiles(samples: list[float]) -> dict[str, float]:
    values = np.array(samples) * 1000
    return {f"p{q}_ms": round(float(np.percentile(values, q)), 2) for q in (50, 95, 99)}


def load(url: str, key: str, users: list[str], rps: float, seconds: float) -> dict:
    rng = random.Random(0)
    paths = [f"/v1/users/{rng.choice(users)}/recommendations" for _ in range(int(rps * seconds))]
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        done = runner.run(open_loop(url, paths, rps, headers={"Authorization": f"Bearer {key}"}))
    achieved = len(done.latencies_s) / done.elapsed_s
    return {**percentiles(done.latencies_s), "rps": round(achieved, 1), "requests": len(paths),
            "failed": done.failures}  # fmt: skip


def update_to_visible(url: str, keys: dict[str, str], store, seed: int) -> dict:
    """Clicks on items with co-engagement (the 500 most interacted with), so the click
    can lift neighbours; visible = an item's reason names the clicked one."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    for event in store.events:
        if event.get("item_id"):
            counts[event["item_id"]] = counts.get(event["item_id"], 0) + 1
    popular = sorted(counts, key=lambda i: (-counts[i], i))[:500]
    delays = []
    read = {"Authorization": f"Bearer {keys['read']}"}
    with httpx.Client(base_url=url, timeout=30) as http:

        def shown(user: str) -> tuple[list[str], set[str]]:
            answer = http.get(f"/v1/users/{user}/recommendations", params={"n": 100},
                              headers=read)  # fmt: skip
            answer.raise_for_status()
            items = answer.json()["items"]
            named = {r.get("item_id") for e in items for r in e["reasons"]}
            return [e["item_id"] for e in items], named

        for trial, user in enumerate(rng.sample(store.users, TRIALS)):
            seen = {e["item_id"] for e in store.events if e["user_id"] == user}
            item = rng.choice([i for i in popular if i not in seen])
            before, _ = shown(user)
            now = time.time()
            events = [{"user_id": user, "item_id": item, "type": kind,
                       "session_id": f"bench-{trial}", "timestamp": now + k * 0.001}
                      for k, kind in enumerate(("view", "click"))]  # fmt: skip
            started = time.perf_counter()
            http.post(
                "/v1/events", json=events, headers={"Authorization": f"Bearer {keys['ingest']}"}
            ).raise_for_status()
            while True:
                after, named = shown(user)
                if item in named or after != before:
                    break
                if time.perf_counter() - started > 5:
                    raise RuntimeError(f"the click on {item} never changed {user}'s list")
            delays.append(time.perf_counter() - started)
    return {"median_ms": round(float(np.median(delays)) * 1000, 2),
            "max_ms": round(float(np.max(delays)) * 1000, 2), "trials": TRIALS}  # fmt: skip


def warm(url: str, key: str, store) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120) as c:
        for user in store.users[:50]:
            c.get(f"/v1/users/{user}/recommendations").raise_for_status()
        items = [i["item_id"] for i in store.items[:100]]
        c.post(
            "/v1/predict", json={"user_id": store.users[0], "item_ids": items}
        ).raise_for_status()
        c.get(f"/v1/items/{items[0]}/similar").raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rps", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=1, help="which users click what")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the prepared store here and reuse it on the next run",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if (data_dir / "models" / "recommenders").is_dir():
            store = generate_store(seed=0, n_items=args.items)
        else:
            store = prepare(data_dir, args.items)
        keys = {scope: create_key(data_dir, scope) for scope in ("read", "ingest")}
        server = start_server(data_dir, args.port)
        try:
            ready_after = wait_ready(server.url)
            warm(server.url, keys["read"], store)
            visible = update_to_visible(server.url, keys, store, args.seed)
            under_load = load(server.url, keys["read"], store.users, args.rps, args.seconds)
            rss = server.rss_mb()
        finally:
            server.stop()
    result = {
        "machine": machine(),
        "catalog_items": args.items,
        "events": len(store.events),
        "target_rps": args.rps,
        **under_load,
        "update_to_visible_ms": visible["median_ms"],
        "update_to_visible": visible,
        "rss_mb": round(rss, 1),
        "ready_after_s": round(ready_after, 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()

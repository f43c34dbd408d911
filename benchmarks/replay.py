"""Replay of a real labelled review stream with an injected negative surge.

Real reviews are drawn into an hourly stream with a daily cycle (``--low`` to
``--high`` texts an hour) and a true negative share of ``--share``; from hour
``--surge-at`` of the evaluation week the share rises to ``--surge-share``.
Everything goes through the monitoring path the server runs: each hour's texts
are ingested (redaction, language routing, the shipped sentiment model, the
hourly aggregates), then a scan runs, as the server's scheduler would. The
history before the evaluation week is ingested first, in bulk.

Reported per stream: the classifier's accuracy on the replayed texts, the
negative share it saw before and during the surge, false alarms on negative
share on the whole stream before the surge, and the delay in hours from the surge's
first hour to the first negative-share alert on the whole stream.

Streams: English news (Financial PhraseBank, positive and negative sentences)
and Chinese reviews (waimai_10k), both from the shared datasets and both unseen
by the shipped model.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import machine
from uxlift.config import Settings
from uxlift.monitor.default_sentiment import training_data
from uxlift.services import open_services

START = datetime(2026, 10, 1, tzinfo=UTC)


def english_pool(datasets: Path) -> tuple[list[str], list[str]]:
    """Financial PhraseBank (50Agree) news sentences, positive and negative: real
    labelled English the default model never saw. Without the shared datasets, the
    shipped UCI sentences (which the default model was trained on)."""
    path = datasets / "financial_phrasebank" / "Sentences_50Agree.txt"
    if path.is_file():
        lines = path.read_bytes().decode("latin-1").split("\n")
        pairs = [line.rsplit("@", 1) for line in lines if "@" in line]
        kept = [(t.strip(), y.strip()) for t, y in pairs if y.strip() in ("positive", "negative")]
        return [t for t, _ in kept], [y for _, y in kept]
    texts, labels = training_data()
    return texts[:2000], labels[:2000]


def chinese_pool(datasets: Path) -> tuple[list[str], list[str]]:
    path = datasets / "waimai_10k" / "waimai_10k.csv"
    if not path.is_file():
        return [], []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["review"].strip()]
    return [r["review"] for r in rows], [
        "positive" if r["label"] == "1" else "negative" for r in rows
    ]


def hourly_rows(
    rng: np.random.Generator,
    pool: tuple[list[str], list[str]],
    hour: int,
    share: float,
    low: int,
    high: int,
) -> tuple[list[dict], list[str]]:
    texts, labels = pool
    negatives = [i for i, y in enumerate(labels) if y == "negative"]
    positives = [i for i, y in enumerate(labels) if y == "positive"]
    mid, amp = (low + high) / 2, (high - low) / 2
    rate = mid + amp * np.sin(2 * np.pi * ((hour % 24) - 8) / 24)
    n = int(rng.poisson(rate))
    rows, truth = [], []
    moment = START + timedelta(hours=hour)
    for k in range(n):
        negative = rng.random() < share
        i = int(rng.choice(negatives if negative else positives))
        rows.append({
            "text_id": f"r{hour}-{k}", "source": "reviews", "text": texts[i],
            "timestamp": (moment + timedelta(seconds=int(rng.integers(0, 3600)))).isoformat(),
        })  # fmt: skip
        truth.append(labels[i])
    return rows, truth


def replay(name: str, pool: tuple[list[str], list[str]], args: argparse.Namespace) -> dict:
    rng = np.random.default_rng(args.seed)
    history_hours = args.history_days * 24
    with tempfile.TemporaryDirectory(prefix="uxlift-replay-") as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key="replay-" + "k" * 40,
                            monitor_scan_every_s=0)  # fmt: skip
        services = open_services(settings)
        opinions = services.opinions
        started = time.perf_counter()
        correct = total = 0
        seen = {"before": [0, 0], "during": [0, 0]}
        batch: list[dict] = []
        for hour in range(history_hours):
            rows, _ = hourly_rows(rng, pool, hour, args.share, args.low, args.high)
            batch += rows
            if len(batch) >= 2000:
                opinions.ingest(batch)
                batch = []
        if batch:
            opinions.ingest(batch)
        false_alarms, first_alert = 0, None
        surge_hour = history_hours + args.surge_at
        for hour in range(history_hours, history_hours + 7 * 24):
            share = args.surge_share if hour >= surge_hour else args.share
            rows, truth = hourly_rows(rng, pool, hour, share, args.low, args.high)
            stored = opinions.ingest(rows).texts
            predicted = {t.text_id: t.sentiment for t in stored}
            for row, label in zip(rows, truth, strict=True):
                total += 1
                correct += predicted.get(row["text_id"]) == label
            phase = "during" if hour >= surge_hour else "before"
            seen[phase][0] += sum(v == "negative" for v in predicted.values())
            seen[phase][1] += len(predicted)
            alerts = opinions.scan(now=START + timedelta(hours=hour + 1))
            share_alerts = [a for a in alerts if a.statistic == "negative_share"]
            on_stream = [a for a in share_alerts if a.topic == "*" and a.source == "*"]
            if hour < surge_hour:
                false_alarms += len(on_stream)
            elif first_alert is None and on_stream:
                first_alert = hour
        seconds = time.perf_counter() - started
        services.close()
    return {
        "stream": name,
        "classifier_accuracy": round(correct / max(total, 1), 4),
        "true_share": {"before": args.share, "during": args.surge_share},
        "seen_share": {k: round(v[0] / max(v[1], 1), 4) for k, v in seen.items()},
        "false_alarms_before_surge": false_alarms,
        "in_control_hours": args.surge_at,
        "delay_hours": None if first_alert is None else first_alert - surge_hour + 1,
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history-days", type=int, default=14)
    parser.add_argument("--surge-at", type=int, default=96, help="hour of the evaluation week")
    parser.add_argument("--share", type=float, default=0.15)
    parser.add_argument("--surge-share", type=float, default=0.30)
    parser.add_argument("--low", type=int, default=15)
    parser.add_argument("--high", type=int, default=45)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--datasets",
        type=Path,
        default=Path(os.environ.get("UXLIFT_DATASETS", "../shared/datasets")),
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()  # fmt: skip

    english = english_pool(args.datasets)
    streams = {"english (financial_phrasebank news)": english}
    chinese = chinese_pool(args.datasets)
    if chinese[0]:
        streams["chinese (waimai_10k)"] = chinese
    results = [replay(name, pool, args) for name, pool in streams.items()]
    report = {"replays": results, "machine": machine(), "date": time.strftime("%Y-%m-%d")}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for r in results:
        print(r)


if __name__ == "__main__":
    main()

"""Encoder speed benchmark: uxlift's fast encoder against sentence-transformers.

    python benchmarks/encode.py [--json] [--texts N] [--singles N] [--repeats N]

Both encoders run in this one process on the same texts (demo-store reviews,
support-chat openers, searches and FAQ questions, generated with seed 0):

* throughput: texts/s encoding all texts at batch 64 (median over repeats);
* latency: one text per call, median and p95 over ``--singles`` calls;
* fidelity: mean and min cosine between the two encoders' vectors.

Ratios (uxlift over peer) come from the same run. Warm-up runs (including
uxlift's one-time ONNX export and graph compilation) are not timed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import machine
from uxlift.demo.generator import generate_store
from uxlift.text.encoders import minilm_dir
from uxlift.text.fast_encoder import FastMiniLMEncoder

BATCH = 64


def benchmark_texts(n: int, *, seed: int = 0) -> list[str]:
    """Realistic short texts: all reviews, chats and FAQ questions, topped up with searches."""
    store = generate_store(seed=seed)
    by_type: dict[str, list[str]] = {"review": [], "chat": [], "search": []}
    for event in store.events:
        if event["type"] in by_type and event.get("text"):
            by_type[event["type"]].append(event["text"])
    faq = [q for entry in store.faq for q in entry.questions]
    rng = random.Random(seed)
    texts = by_type["review"] + by_type["chat"] + faq
    texts += rng.sample(by_type["search"], max(0, n - len(texts)))
    rng.shuffle(texts)
    return texts[:n]


def throughput(encode, texts: list[str], repeats: int) -> tuple[float, np.ndarray]:
    vectors = encode(texts)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        encode(texts)
        times.append(time.perf_counter() - start)
    return len(texts) / float(np.median(times)), vectors


def latency_ms(encode, texts: list[str]) -> np.ndarray:
    for text in texts[:20]:
        encode([text])
    times = []
    for text in texts:
        start = time.perf_counter()
        encode([text])
        times.append(time.perf_counter() - start)
    return np.array(times) * 1000


def run(n_texts: int, n_singles: int, repeats: int) -> dict[str, object]:
    from sentence_transformers import SentenceTransformer

    texts = benchmark_texts(n_texts)
    singles = texts[:n_singles]
    peer = SentenceTransformer(str(minilm_dir()), device="cpu")

    def peer_encode(batch: list[str]) -> np.ndarray:
        return peer.encode(batch, batch_size=BATCH, normalize_embeddings=True)

    with tempfile.TemporaryDirectory() as cache_dir:
        fast = FastMiniLMEncoder(cache_dir=Path(cache_dir) / "models", batch_size=BATCH)
        fast.encode(texts[: BATCH * 2])  # compile/warm outside the timed runs
        peer_tps, peer_vectors = throughput(peer_encode, texts, repeats)
        fast_tps, fast_vectors = throughput(fast.encode, texts, repeats)
        peer_lat = latency_ms(peer_encode, singles)
        fast_lat = latency_ms(fast.encode, singles)
    cosines = np.sum(peer_vectors * fast_vectors, axis=1)
    words = [len(t.split()) for t in texts]
    return {
        "texts": len(texts),
        "words_median": float(np.median(words)),
        "words_max": int(max(words)),
        "batch_size": BATCH,
        "repeats": repeats,
        "single_calls": len(singles),
        "encoder_id": fast.id,
        "peer_texts_per_s": round(peer_tps, 1),
        "uxlift_texts_per_s": round(fast_tps, 1),
        "throughput_ratio": round(fast_tps / peer_tps, 3),
        "peer_latency_ms_median": round(float(np.median(peer_lat)), 3),
        "peer_latency_ms_p95": round(float(np.percentile(peer_lat, 95)), 3),
        "uxlift_latency_ms_median": round(float(np.median(fast_lat)), 3),
        "uxlift_latency_ms_p95": round(float(np.percentile(fast_lat, 95)), 3),
        "latency_ratio": round(float(np.median(fast_lat) / np.median(peer_lat)), 3),
        "mean_cosine": round(float(cosines.mean()), 6),
        "min_cosine": round(float(cosines.min()), 6),
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--singles", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    result = run(args.texts, args.singles, args.repeats)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:28s} {value}")


if __name__ == "__main__":
    main()

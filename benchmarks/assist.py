"""Assistant answer latency over HTTP (no generation), on the demo store's knowledge base.

The demo's bilingual FAQ (86 entries, 345 questions) is imported with
``uxlift kb import`` and the intent model trained with ``uxlift train
assistant``; then a real server answers, one message at a time, each in a new
conversation (the first answer is the one a customer waits for):

* the demo's 206 labelled chat openers (English and Chinese: FAQ intents, out
  of scope, and cases for a person), and
* every FAQ question once (each text is new to the server's caches).

Reported: latency percentiles of ``POST /v1/assist/conversations/{id}/messages``
measured at the client, and on the openers what the assistant did: answered
with the right intent, asked to clarify with the right answer among the
options, handed off, or answered wrongly.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import create_key, machine, start_server, uxlift, wait_ready
from uxlift.demo.faq import HANDOFF, OUT_OF_SCOPE, build_chat_openers, build_faq


def prepare(data_dir: Path) -> None:
    faq = data_dir / "faq.jsonl"
    data_dir.mkdir(parents=True, exist_ok=True)
    faq.write_text(
        "\n".join(json.dumps(e.to_dict(), ensure_ascii=False) for e in build_faq()), "utf-8"
    )
    uxlift("kb", "import", str(faq), data_dir=data_dir)
    uxlift("train", "assistant", data_dir=data_dir)


def ask(client: httpx.Client, text: str) -> tuple[float, dict]:
    conversation = client.post("/v1/assist/conversations", json={}).json()["id"]
    started = time.perf_counter()
    response = client.post(f"/v1/assist/conversations/{conversation}/messages", json={"text": text})
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, response.json()


def outcome(expected: str, reply: dict, intent_of: dict[str, str]) -> str:
    action = reply["action"]
    if expected == HANDOFF:
        return "handed off (right)" if action == "handoff" else f"{action} (wanted a person)"
    if expected == OUT_OF_SCOPE:
        return "not answered (right)" if action != "answer" else "answered out of scope"
    if action == "answer":
        return "answered, right intent" if reply["intent"] == expected else "answered, wrong"
    if action == "clarify":
        offered = {intent_of.get(o["id"]) for o in reply.get("options", [])}
        return "clarified, right one offered" if expected in offered else "clarified, not offered"
    return "handed off (needless)"


def percentiles(samples: list[float]) -> dict[str, float]:
    values = np.asarray(samples)
    return {
        "n": len(values),
        "p50_ms": round(float(np.percentile(values, 50)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
        "p99_ms": round(float(np.percentile(values, 99)), 2),
        "max_ms": round(float(values.max()), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    openers = build_chat_openers()
    questions = [q for entry in build_faq() for q in entry.questions]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        started = time.monotonic()
        prepare(data_dir)
        prepared_s = time.monotonic() - started
        key = create_key(data_dir, "assist")
        read_key = create_key(data_dir, "read")
        server = start_server(data_dir, args.port)
        try:
            wait_ready(server.url)
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                entries = httpx.get(
                    f"{server.url}/v1/kb/entries?limit=500",
                    headers={"Authorization": f"Bearer {read_key}"},
                ).json()
                intent_of = {e["id"]: e["intent"] for e in entries["entries"]}  # fmt: skip
                ask(client, "hello")  # the first message waits for the index if still building
                latencies, outcomes = [], Counter()
                for opener in openers:
                    elapsed, reply = ask(client, opener.text)
                    latencies.append(elapsed)
                    outcomes[outcome(opener.intent, reply, intent_of)] += 1
                for question in questions:
                    latencies.append(ask(client, question)[0])
            rss = server.rss_mb()
        finally:
            server.stop()
    result = {
        "machine": machine(),
        "knowledge_base": {"faq_entries": len(build_faq()), "questions": len(questions)},
        "generation": "off",
        **percentiles(latencies),
        "openers": dict(sorted(outcomes.items())),
        "rss_mb": round(rss, 1),
        "prepare_s": round(prepared_s, 1),
    }
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for name, value in result.items():
            print(f"{name}: {value}")


if __name__ == "__main__":
    main()

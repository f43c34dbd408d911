"""``uxlift demo``: generate the demo store, ingest it over HTTP, serve it.

The demo goes through the same public paths a real integration uses: the
Python client posts the catalog and the events to the running API, where they
are validated, pseudonymized and redacted like any other traffic.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tqdm import tqdm

from uxlift.client import UxliftClient
from uxlift.config import Settings
from uxlift.demo.generator import DEFAULT_START, DemoStore, generate_store
from uxlift.server import serving_in_thread
from uxlift.services import Services, open_services

TRUTH_FILE = Path("demo") / "truth.json"
DEMO_DAYS = 60
DEMO_ESTIMATORS = ("logreg", "lightgbm")

log = logging.getLogger(__name__)
Echo = Callable[[str], None]


def recent_start(now: datetime, days: int = DEMO_DAYS) -> datetime:
    """Where a demo of ``days`` days starts so that it ends in the week before the last
    midnight (UTC) before ``now``: the dashboard, which looks back from today, shows
    all of it. The start moves from the generator's default by whole weeks, so the
    store is the same one (the same weekdays, the same events) shifted in time."""
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    weeks = (midnight - timedelta(days=days) - DEFAULT_START).days // 7
    return DEFAULT_START + timedelta(weeks=weeks)


def write_demo_files(directory: Path, *, seed: int = 0) -> dict[str, Path]:
    """Write the generated demo data (raw, as a client would hold it) to ``directory``."""
    start = recent_start(datetime.now(UTC))
    return generate_store(seed=seed, days=DEMO_DAYS, start=start).write(directory)


def save_truth(services: Services, store: DemoStore) -> Path:
    """Keep the generator's hidden truth beside the data, so evaluations can show the
    ceiling. Users are named by their pseudonymized keys, as in the store: raw ids
    never reach disk."""
    truth = store.truth.to_dict()
    truth["user_ids"] = services.pseudonymizer.user_keys(list(truth["user_ids"]))
    path = services.settings.data_dir / TRUTH_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth), encoding="utf-8")
    return path


def load_directly(services: Services, store: DemoStore, *, batch: int = 5000) -> int:
    """Put a demo store into ``services`` without HTTP (tests and benchmarks); returns
    how many events were stored. Validation, pseudonymization and redaction still apply."""
    services.catalog.upsert(store.items)
    services.item_embedder.embed_items([item["item_id"] for item in store.items])
    stored = 0
    for start in range(0, len(store.events), batch):
        stored += services.events.ingest(store.events[start : start + batch]).stored
    save_truth(services, store)
    return stored


def train_demo_predictor(services: Services, echo: Echo) -> None:
    """Train the purchase predictors on what was just ingested and promote the best."""
    from uxlift.predict.trainer import TrainOptions, train_predictors

    report = train_predictors(
        services, TrainOptions(target="purchase", estimators=DEMO_ESTIMATORS, promote="best")
    )
    for model in report["models"]:
        ceiling = model.get("ceiling_roc_auc")
        extra = f" (ceiling {ceiling:.3f})" if ceiling is not None else ""
        echo(f"predictor {model['version']}: test ROC-AUC {model['roc_auc']:.3f}{extra}")
    echo(f"serving purchase predictions with {report['serving']}")


def train_demo_recommender(services: Services, echo: Echo) -> None:
    """Train the recommender on what was just ingested and serve it."""
    from uxlift.recommend.trainer import RecommenderTrainOptions, train_recommender

    report = train_recommender(services, RecommenderTrainOptions(promote="always"))
    card = report["model"]
    offline = card["metrics"]["offline"]
    if "uxlift" in offline:
        echo(
            f"recommender {card['version']}: NDCG@10 {offline['uxlift']['ndcg@10']:.3f} "
            f"(EASE {offline['ease']['ndcg@10']:.3f}) on each user's last 20%"
        )
    echo(f"serving recommendations with {card['version']}")


def train_demo_assistant(services: Services, store: DemoStore, echo: Echo) -> None:
    """The support FAQ into the knowledge base, then the assistant's intent model."""
    from uxlift.assist.trainer import train_assistant
    from uxlift.services import assistant_dir

    report = services.kb.upsert([entry.to_dict() for entry in store.faq])
    echo(f"knowledge base: {report.created} FAQ entries created, {report.updated} updated")
    trained = train_assistant(services.kb, assistant_dir(services.settings))
    services.assistant.reload()
    services.assistant.warm()
    echo(
        f"assistant: {trained['intents']} intents from {trained['texts']} texts, "
        f"validation accuracy {trained['validation_accuracy']:.3f}"
    )


DEMO_TOPICS = (
    {"name": "delivery", "description": "shipping, couriers, late or damaged parcels",
     "keywords": ["delivery", "arrived", "shipping", "快递", "物流", "送货"]},
    {"name": "quality", "description": "how well the product is made, materials and finish",
     "keywords": ["quality", "stitching", "material", "做工", "质量", "面料"]},
    {"name": "price", "description": "price and value for money",
     "keywords": ["price", "value", "expensive", "价格", "性价比"]},
)  # fmt: skip


def follow_demo_opinions(services: Services, echo: Echo) -> None:
    """Topics for the demo's reviews and chats, then a first surge scan."""
    for topic in DEMO_TOPICS:
        services.opinions.put_topic(dict(topic), reassign=False)
    relabelled = services.opinions.reassign_topics()
    alerts = services.opinions.scan()
    echo(f"opinions: {len(DEMO_TOPICS)} topics over the reviews and chats "
         f"({relabelled} texts labelled), {len(alerts)} alert(s)")  # fmt: skip


def most_active_user(store: DemoStore) -> str:
    """The shopper with the most events (the first such in id order): a user id to
    try the API and CLI with."""
    counts = Counter(e["user_id"] for e in store.events)
    return min(counts, key=lambda user: (-counts[user], user))


def run_demo(
    settings: Settings,
    *,
    seed: int = 0,
    serve: bool = True,
    port: int | None = None,
    echo: Echo = print,
) -> None:
    settings.ensure_secret()
    services = open_services(settings)
    admin = services.keys.create(name="demo-admin", scopes=["admin"])
    started = time.monotonic()
    store = generate_store(seed=seed, days=DEMO_DAYS, start=recent_start(datetime.now(UTC)))
    echo(
        f"generated {len(store.items)} items, {len(store.users)} users, {len(store.events)} events"
    )
    bind_port = port or settings.port
    stop = threading.Event()
    try:
        with serving_in_thread(services, host=settings.host, port=bind_port) as url:
            with UxliftClient(url, admin.secret) as client:
                items = client.upsert_items(store.items)
                echo(f"catalog: {items['created']} created, {items['updated']} updated")
                with tqdm(
                    total=len(store.events), desc="sending events", unit=" ev", file=sys.stderr
                ) as bar:
                    report = client.send_events(store.events, batch_size=1000, progress=bar.update)
            echo(
                f"events: {report.stored} stored, {report.duplicates} duplicates, "
                f"{report.rejected} rejected in {time.monotonic() - started:.0f}s"
            )
            services.item_embedder.wait_idle()
            echo(f"item embeddings ready ({services.encoder.id})")
            save_truth(services, store)
            train_demo_predictor(services, echo)
            train_demo_recommender(services, echo)
            train_demo_assistant(services, store, echo)
            follow_demo_opinions(services, echo)
            if serve:
                echo(f"uxlift demo is up: {url}/dashboard  (API docs: {url}/docs)")
                echo(f"admin API key: {admin.secret}")
                echo(f"a demo shopper to try: {most_active_user(store)}")
                echo("press Ctrl-C to stop")
                _wait_until_interrupted(stop)
    finally:
        services.close()


def _wait_until_interrupted(stop: threading.Event) -> None:
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        log.info("demo stopped")

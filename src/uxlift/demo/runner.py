"""``uxlift demo``: generate the demo store, ingest it over HTTP, serve it.

The demo goes through the same public paths a real integration uses: the
Python client posts the catalog and the events to the running API, where they
are validated, pseudonymized and redacted like any other traffic.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from uxlift.client import UxliftClient
from uxlift.config import Settings
from uxlift.demo.generator import generate_store
from uxlift.server import serving_in_thread
from uxlift.services import open_services

log = logging.getLogger(__name__)
Echo = Callable[[str], None]


def write_demo_files(directory: Path, *, seed: int = 0) -> dict[str, Path]:
    """Write the generated demo data (raw, as a client would hold it) to ``directory``."""
    return generate_store(seed=seed).write(directory)


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
    store = generate_store(seed=seed)
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
            if serve:
                echo(f"uxlift demo is up: {url}/dashboard  (API docs: {url}/docs)")
                echo(f"admin API key: {admin.secret}")
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

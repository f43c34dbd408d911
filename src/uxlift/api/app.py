"""The FastAPI application: routers, middleware, error handlers, shared state."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from uxlift import __version__
from uxlift.api.docs import mount_docs
from uxlift.api.errors import install_error_handlers
from uxlift.api.limits import BodyLimitMiddleware
from uxlift.api.metrics import ApiMetrics, MetricsMiddleware
from uxlift.api.openapi import install_openapi
from uxlift.api.ratelimit import RateLimiter
from uxlift.api.routers import (
    assist,
    chat_completions,
    events,
    experiments,
    items,
    kb,
    keys,
    opinions,
    predict,
    recommend,
    stats,
    system,
    text,
    users,
)
from uxlift.monitor.intake import CATCH_UP_LIMIT
from uxlift.monitor.service import OpinionService
from uxlift.periodic import PeriodicTask
from uxlift.recommend.retraining import RetrainScheduler
from uxlift.recommend.warming import ListWarmer
from uxlift.services import Services
from uxlift.web import routes as web_routes

# The event-text labeller also runs this often, for texts no write woke it for.
LABEL_EVERY_S = 60.0
# A woken labeller waits this long first: a burst of writes becomes one batch big
# enough for the fast engines, instead of a table scan and a small batch per write.
LABEL_SETTLE_S = 1.0

API_ROUTERS = (
    system.router,
    events.router,
    items.router,
    users.router,
    stats.router,
    keys.router,
    text.router,
    predict.router,
    recommend.router,
    kb.router,
    assist.router,
    chat_completions.router,
    opinions.router,
    experiments.router,
)


def _index_knowledge(services: Services) -> None:
    """Build the assistant's retrieval index before the first question needs it."""
    try:
        services.assistant.warm()
    except Exception:  # the first message retries; serving must not stop for this
        logging.getLogger(__name__).exception("indexing the knowledge base failed")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Background work that lives as long as the server: lists ranked ahead,
    scheduled retraining, surge scans, bandit updates and labelling the event
    log's reviews and chats."""
    services = app.state.services
    settings = services.settings
    workers: list[ListWarmer | RetrainScheduler | PeriodicTask] = []
    warmer = None
    if settings.warm_lists > 0:
        warmer = ListWarmer(services.recommendations, users=settings.warm_lists)
        workers.append(warmer)
    if settings.retrain_every_h > 0:
        workers.append(RetrainScheduler(services.recommendations, settings.data_dir,
                                        every_s=settings.retrain_every_h * 3600))  # fmt: skip
    if settings.monitor_scan_every_s > 0:
        workers.append(PeriodicTask(services.opinions.scan, every_s=settings.monitor_scan_every_s,
                                    name="surge-scan"))  # fmt: skip
    if settings.bandit_update_every_s > 0:
        workers.append(PeriodicTask(services.experiments.update_bandits,
                                    every_s=settings.bandit_update_every_s,
                                    name="bandit-update"))  # fmt: skip
    labeller = _event_text_labeller(services.opinions)
    workers.append(labeller)
    app.state.warmer = warmer
    services.opinions.webhooks.start()
    for worker in workers:
        worker.start()
    services.opinions.defer_event_texts(labeller.wake)
    labeller.wake()  # texts an import or a crash left unlabelled
    threading.Thread(target=_index_knowledge, args=(services,), daemon=True).start()
    try:
        yield
    finally:
        services.opinions.defer_event_texts(None)
        for worker in workers:
            worker.stop()


def _event_text_labeller(opinions: OpinionService) -> PeriodicTask:
    """Labels the reviews and chats that ``POST /v1/events`` stores, off the request:
    an events write answers without waiting for the sentiment and topic models."""

    def label() -> None:
        while opinions.catch_up(keep_going=lambda: not task.stopping) >= CATCH_UP_LIMIT:
            pass  # a longer backlog: go on

    task = PeriodicTask(label, every_s=LABEL_EVERY_S, name="event-texts", settle_s=LABEL_SETTLE_S)
    return task


def create_app(services: Services) -> FastAPI:
    """Build the app around already-open services (the caller owns their lifetime)."""
    app = FastAPI(
        lifespan=_lifespan,
        title="uxlift",
        version=__version__,
        description=(
            "Behaviour prediction, recommendations, a support assistant, opinion monitoring "
            "and experiments over one privacy-safe event log. Authenticate with "
            "'Authorization: Bearer <API key>' or 'X-API-Key'."
        ),
        docs_url=None,
        redoc_url=None,
    )
    settings = services.settings
    app.state.services = services
    app.state.warmer = None  # set while serving when lists are ranked ahead
    app.state.metrics = ApiMetrics()
    app.state.rate_limiter = RateLimiter(
        rate=settings.rate_limit_per_s, burst=settings.rate_limit_burst
    )
    install_error_handlers(app)
    for router in API_ROUTERS:
        app.include_router(router)
    app.state.api_routes = tuple(route for router in API_ROUTERS for route in router.routes)
    mount_docs(app)
    install_openapi(app)
    web_routes.mount(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)  # outermost: sees 413s
    return app

"""Prometheus metrics of one app instance (own registry, so tests can build many apps)."""

from __future__ import annotations

import functools
import logging
import re
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

access_log = logging.getLogger("uxlift.access")
_CONVERTOR = re.compile(r"\{(\w+):\w+\}")


@functools.cache
def readable_template(path: str) -> str:
    """A route template as users wrote it: ``/v1/users/{user_id:path}`` reads as
    ``/v1/users/{user_id}`` in metrics and logs."""
    return _CONVERTOR.sub(r"{\1}", path)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "uxlift_http_requests_total",
            "HTTP requests by route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "uxlift_http_request_seconds",
            "HTTP request latency by route.",
            ["method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
            registry=self.registry,
        )
        self.events = Counter(
            "uxlift_events_total",
            "Events by outcome: stored, duplicate, rejected.",
            ["outcome"],
            registry=self.registry,
        )


class MetricsMiddleware:
    """Times every HTTP request and counts it by route template and status."""

    def __init__(self, app: Any, *, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = {"code": 500}

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            template = readable_template(getattr(route, "path", None) or "<unmatched>")
            method = scope.get("method", "GET")
            elapsed = time.perf_counter() - start
            self.metrics.latency.labels(method, template).observe(elapsed)
            self.metrics.requests.labels(method, template, str(status["code"])).inc()
            if access_log.isEnabledFor(logging.DEBUG) or status["code"] >= 400:
                access_log.log(
                    logging.INFO if status["code"] < 500 else logging.WARNING,
                    "%s %s %d %.1fms",
                    method,
                    template,
                    status["code"],
                    elapsed * 1000,
                )

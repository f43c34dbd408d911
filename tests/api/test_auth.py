"""Every non-public route: 401 without a key, 403 with a key of the wrong scope."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.conftest import auth
from uxlift.api.auth import require
from uxlift.api.ratelimit import RateLimiter
from uxlift.errors import RateLimited

PUBLIC_PATHS = {"/healthz", "/readyz"}


def _required_scope(app_route: object) -> str | None:
    for dep in getattr(app_route, "dependant").dependencies:  # noqa: B009
        name = getattr(dep.call, "__name__", "")
        if name.startswith("require_"):
            return name.removeprefix("require_")
    return None


def _protected_operations(http: httpx.Client) -> list[tuple[str, str]]:
    schema = http.get("/openapi.json").json()
    operations = []
    for path, methods in schema["paths"].items():
        if path in PUBLIC_PATHS:
            continue
        for method in methods:
            concrete = re.sub(r"\{[^}]+\}", "some-id", path)
            operations.append((method.upper(), concrete))
    return operations


def test_every_non_public_route_requires_a_key(http: httpx.Client) -> None:
    operations = _protected_operations(http)
    assert len(operations) >= 8
    for method, path in operations:
        response = http.request(method, path)
        assert response.status_code == 401, (method, path)
        assert response.json()["error"]["code"] == "unauthorized"
        bad = http.request(method, path, headers=auth("uxl_nope_nope"))
        assert bad.status_code == 401, (method, path)


def test_every_route_refuses_a_key_of_the_wrong_scope(
    http: httpx.Client, keys: dict[str, str], server_url: str
) -> None:
    from uxlift.api.app import API_ROUTERS

    wrong_key = {
        "ingest": keys["read"],
        "read": keys["ingest"],
        "assist": keys["read"],
        "agent": keys["assist"],
        "admin": keys["agent"],
    }
    checked = 0
    for router in API_ROUTERS:
        for route in router.routes:
            scope = _required_scope(route)
            if scope is None:
                continue
            path = re.sub(r"\{[^}]+\}", "some-id", route.path)
            for method in route.methods:
                response = http.request(method, path, headers=auth(wrong_key[scope]))
                assert response.status_code == 403, (method, path)
                assert response.json()["error"]["code"] == "forbidden"
                checked += 1
    schema_ops = _protected_operations(http)
    assert checked == len(schema_ops)


def test_admin_key_satisfies_every_scope_and_x_api_key_header_works(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    assert http.get("/v1/stats/overview", headers=auth(keys["admin"])).status_code == 200
    assert http.get("/v1/stats/overview", headers={"X-API-Key": keys["read"]}).status_code == 200


def test_healthz_is_public(http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_is_public_and_ready_once_lists_are_ranked(http: httpx.Client) -> None:
    deadline = time.monotonic() + 30  # no recommender yet: the first pass has nothing to do
    while (response := http.get("/readyz")).status_code == 503 and time.monotonic() < deadline:
        assert response.json()["status"] == "warming"
        time.sleep(0.05)
    assert response.status_code == 200 and response.json() == {"status": "ready"}


def test_revoked_key_is_refused(http: httpx.Client, keys: dict[str, str]) -> None:
    listed = http.get("/v1/keys", headers=auth(keys["admin"])).json()["keys"]
    read_id = next(k["key_id"] for k in listed if k["name"] == "test-read")
    assert http.delete(f"/v1/keys/{read_id}", headers=auth(keys["admin"])).status_code == 200
    assert http.get("/v1/stats/overview", headers=auth(keys["read"])).status_code == 401


def test_body_over_the_limit_is_413(http: httpx.Client, keys: dict[str, str], services) -> None:
    huge = b"[" + b" " * (services.settings.max_body_bytes + 10) + b"]"
    response = http.post(
        "/v1/events",
        content=huge,
        headers={**auth(keys["ingest"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_rate_limiter_refuses_past_the_burst_and_recovers() -> None:
    limiter = RateLimiter(rate=10, burst=3)
    for _ in range(3):
        limiter.check("k", now=100.0)
    with pytest.raises(RateLimited) as caught:
        limiter.check("k", now=100.0)
    assert caught.value.retry_after_s == pytest.approx(0.1)
    limiter.check("other", now=100.0)
    limiter.check("k", now=100.2)


def test_rate_limit_over_http_is_429_with_retry_after(settings, tmp_path) -> None:
    from uxlift.server import serving_in_thread
    from uxlift.services import open_services

    limited = settings.model_copy(update={"rate_limit_per_s": 1.0, "rate_limit_burst": 2})
    services = open_services(limited)
    key = services.keys.create(name="t", scopes=["read"]).secret
    try:
        with serving_in_thread(services) as url, httpx.Client(base_url=url) as client:
            codes = [client.get("/v1/items", headers=auth(key)).status_code for _ in range(4)]
            assert codes[:2] == [200, 200]
            assert 429 in codes[2:]
            last = client.get("/v1/items", headers=auth(key))
            assert last.status_code == 429
            assert int(last.headers["Retry-After"]) >= 1
    finally:
        services.close()


def test_require_dependency_names_its_scope() -> None:
    assert require("ingest").__name__ == "require_ingest"


def test_metrics_are_prometheus_text(http: httpx.Client, keys: dict[str, str]) -> None:
    http.get("/healthz")
    response = http.get("/metrics", headers=auth(keys["read"]))
    assert response.status_code == 200
    assert "uxlift_http_requests_total" in response.text


def test_api_docs_are_public_and_load_no_cdn(http: httpx.Client) -> None:
    page = http.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert http.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_key_creation_checks_the_key_before_the_body_and_is_audited(
    http: httpx.Client, keys: dict[str, str], services
) -> None:
    no_key = http.post("/v1/keys", content=b"{broken", headers={"Content-Type": "application/json"})
    assert no_key.status_code == 401
    bad_body = http.post("/v1/keys", json={"name": "x"}, headers=auth(keys["admin"]))
    assert bad_body.status_code == 422
    assert bad_body.json()["error"]["details"][0]["field"] == "scopes"
    created = http.post(
        "/v1/keys", json={"name": "ci", "scopes": ["read"]}, headers=auth(keys["admin"])
    ).json()
    from uxlift.store import audit

    actions = [e["action"] for e in audit.entries(services.store.cursor())]
    assert "key.create" in actions
    assert http.get("/v1/items", headers=auth(created["key"])).status_code == 200

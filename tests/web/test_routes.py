"""The dashboard over real HTTP: public shells and assets, data only with a key."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.routing import Route

from tests.web.conftest import LiveServer
from tests.web.seed import seed_store
from uxlift.web import routes
from uxlift.web.pages import NAV_PAGES, PageRegistry


def render(app: FastAPI, path: str) -> str:
    """Call a mounted page's endpoint directly (no server needed for the shells)."""
    route = next(r for r in app.routes if isinstance(r, Route) and r.path == path)
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    response = route.endpoint(Request(scope))
    assert response.status_code == 200
    return bytes(response.body).decode()


@pytest.fixture
def client(live_server: LiveServer) -> httpx.Client:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        yield http


def test_root_redirects_to_the_dashboard(client: httpx.Client) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/dashboard"


def test_dashboard_shell_is_public_and_holds_no_data(client: httpx.Client) -> None:
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<script src="/static/vendor/plotly.min.js">' in html
    assert 'href="/dashboard" class="active" aria-current="page">Overview</a>' in html
    assert 'id="sign-out"' in html
    assert "cdn" not in html.lower()
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


def test_login_shell_is_public(client: httpx.Client) -> None:
    response = client.get("/dashboard/login")
    assert response.status_code == 200
    assert 'id="login-form"' in response.text
    assert 'type="password"' in response.text
    assert "/static/vendor/plotly.min.js" not in response.text


def test_plotly_is_served_from_the_installed_package(client: httpx.Client) -> None:
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert len(response.content) > 1_000_000
    assert b"plotly.js" in response.content[:2000]
    assert routes.plotly_js_path() is not None


@pytest.mark.parametrize("asset", ["dashboard.css", "dashboard.js", "login.js", "overview.js"])
def test_own_static_assets_are_served(client: httpx.Client, asset: str) -> None:
    response = client.get(f"/static/{asset}")
    assert response.status_code == 200
    assert len(response.content) > 100


def test_missing_static_file_is_404(client: httpx.Client) -> None:
    assert client.get("/static/nope.js").status_code == 404


def test_overview_data_needs_a_key(live_server: LiveServer, client: httpx.Client) -> None:
    seeded = seed_store(live_server.services)
    denied = client.get("/v1/stats/overview")
    assert denied.status_code == 401
    assert denied.json()["error"]["code"] == "unauthorized"
    key = live_server.services.keys.create(name="dash", scopes=["admin"]).secret
    allowed = client.get("/v1/stats/overview", headers={"Authorization": f"Bearer {key}"})
    assert allowed.status_code == 200
    totals = allowed.json()["totals"]
    assert (totals["events"], totals["users"], totals["items"]) == (
        seeded.events,
        seeded.users,
        seeded.items,
    )


def test_openapi_lists_only_api_routes(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths
    assert "/v1/stats/overview" in paths
    assert not [p for p in paths if p == "/" or p.startswith(("/dashboard", "/static"))]


def test_registered_pages_are_served_and_listed_in_the_nav() -> None:
    pages = PageRegistry()
    for page in NAV_PAGES:
        pages.register(page.path, page.title, page.template, script=page.script)
    pages.register("/dashboard/second", "Second", "overview.html")
    app = FastAPI()
    routes.mount(app, pages=pages)
    html = render(app, "/dashboard/second")
    assert 'href="/dashboard">Overview</a>' in html
    assert 'href="/dashboard/second" class="active" aria-current="page">Second</a>' in html


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/login", "/elsewhere"])
def test_registry_refuses_taken_or_foreign_paths(path: str) -> None:
    pages = PageRegistry()
    pages.register("/dashboard", "Overview", "overview.html")
    with pytest.raises(ValueError, match="dashboard"):
        pages.register(path, "Again", "overview.html")


def test_mount_fails_fast_on_a_missing_template() -> None:
    pages = PageRegistry()
    pages.register("/dashboard/ghost", "Ghost", "ghost.html")
    with pytest.raises(Exception, match=r"ghost\.html"):
        routes.mount(FastAPI(), pages=pages)


def test_a_trailing_slash_leads_to_its_page_and_an_unknown_page_is_an_html_404(
    client: httpx.Client,
) -> None:
    for path, page in (("/dashboard/", "/dashboard"), ("/dashboard/models/", "/dashboard/models")):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 307 and answer.headers["location"] == page
    missing = client.get("/dashboard/no-such-page")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert missing.headers["content-type"].startswith("text/html")

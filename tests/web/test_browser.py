"""The dashboard in a real headless Chromium: sign in, charts render, numbers match."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

from tests.web.conftest import LiveServer
from tests.web.seed import seed_store
from uxlift.web.pages import NAV_PAGES

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

if CHROMIUM is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh tab that fails the test on script errors or requests leaving the server."""
    context = browser.new_context(
        viewport={"width": 1360, "height": 1000}, locale="en-US", timezone_id="UTC"
    )
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error: {message.text}")

    def on_response(response: Response) -> None:
        refused_key = response.status in (401, 403) and "/v1/" in response.url
        if response.status >= 400 and not refused_key:
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_request(request: Request) -> None:
        if not request.url.startswith((live_server.base_url, "data:", "blob:")):
            problems.append(f"outside request: {request.url}")

    tab.on("console", on_console)
    tab.on("response", on_response)
    tab.on("request", on_request)
    yield tab
    context.close()
    assert not problems, problems


def sign_in(page: Page, live_server: LiveServer, key: str) -> None:
    page.goto(live_server.url("/dashboard/login"))
    page.fill("#api-key", key)
    page.click("#login-submit")


def open_signed_in(page: Page, live_server: LiveServer, path: str) -> None:
    """Sign in with a fresh admin key, then open the dashboard page at ``path``."""
    key = live_server.services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.goto(live_server.url(path))


def save_screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    if target := os.environ.get("UXLIFT_SCREENSHOT_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)
    return path


def test_sign_in_and_see_the_overview(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    seeded = seed_store(live_server.services)
    key = live_server.services.keys.create(name="dashboard", scopes=["admin"]).secret

    page.goto(live_server.url("/dashboard"))
    page.wait_for_url("**/dashboard/login?next=%2Fdashboard")  # no key yet: back to sign-in
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.wait_for_selector("body[data-state=ready]")

    expect(page.locator("#total-events")).to_have_text(f"{seeded.events:,}")
    expect(page.locator("#total-users")).to_have_text(str(seeded.users))
    expect(page.locator("#total-items")).to_have_text(str(seeded.items))
    expect(page.locator("#last-event")).to_contain_text("UTC")
    expect(page.locator("#last-event-ago")).to_contain_text("ago")
    expect(page.locator("#empty-state")).to_be_hidden()

    events_chart = page.locator("#events-chart.js-plotly-plot")
    expect(events_chart.locator(".main-svg").first).to_be_visible()
    expect(events_chart.locator("g.trace.bars")).to_have_count(len(seeded.types))
    assert events_chart.locator("g.trace.bars g.point path").count() >= seeded.days
    expect(events_chart.locator("g.legend g.traces")).to_have_count(len(seeded.types))
    users_chart = page.locator("#users-chart.js-plotly-plot")
    expect(users_chart.locator(".main-svg").first).to_be_visible()
    expect(users_chart.locator("g.scatterlayer path.js-line")).to_have_count(1)
    # the axis spans the whole period asked for (60 days), with the seeded days non-zero
    shown = page.evaluate("document.getElementById('users-chart').data[0].y")
    assert len(shown) >= 60 and sum(1 for users in shown if users > 0) == seeded.days

    rows = page.locator("#top-items tbody tr")
    expected = seeded.top_items()
    expect(rows).to_have_count(len(expected))
    assert [rows.nth(i).get_attribute("data-item-id") for i in range(len(expected))] == expected
    first = rows.first
    expect(first.locator(".item-title")).to_have_text(seeded.titles[expected[0]])
    expect(first.locator(".interactions")).to_have_text(str(seeded.interactions[expected[0]]))
    expect(first.locator(".purchases")).to_have_text(str(seeded.purchases.get(expected[0], 0)))

    save_screenshot(page, tmp_path, "dashboard-overview.png")

    page.select_option("#days", "7")
    page.wait_for_url("**/dashboard?days=7")
    page.wait_for_selector("body[data-state=ready]")
    expect(page.locator("#total-events")).to_have_text(f"{seeded.events:,}")

    page.click("#sign-out")
    page.wait_for_url("**/dashboard/login?signed_out=1")
    expect(page.locator("#login-notice")).to_have_text("You have signed out.")
    assert page.evaluate("sessionStorage.getItem('uxlift.apiKey')") is None


def test_empty_store_shows_a_friendly_empty_state(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    key = live_server.services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_selector("body[data-state=empty]")
    expect(page.locator("#empty-state")).to_be_visible()
    expect(page.locator("#empty-state h2")).to_have_text("No events yet")
    expect(page.locator("#overview-body")).to_be_hidden()
    expect(page.locator("#total-events")).to_have_text("0")
    save_screenshot(page, tmp_path, "dashboard-empty.png")


def test_wrong_key_shows_an_error(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    sign_in(page, live_server, "uxk_not_a_real_key")
    error = page.locator("#login-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("not valid or has been revoked")
    assert page.url.startswith(live_server.url("/dashboard/login"))
    assert page.evaluate("sessionStorage.getItem('uxlift.apiKey')") is None
    save_screenshot(page, tmp_path, "dashboard-login-error.png")


def test_non_admin_key_is_refused(page: Page, live_server: LiveServer) -> None:
    key = live_server.services.keys.create(name="reader", scopes=["read"]).secret
    sign_in(page, live_server, key)
    expect(page.locator("#login-error")).to_contain_text("not an admin key")


def test_revoked_key_goes_back_to_sign_in(page: Page, live_server: LiveServer) -> None:
    created = live_server.services.keys.create(name="dashboard", scopes=["admin"])
    sign_in(page, live_server, created.secret)
    page.wait_for_selector("body[data-state=empty]")
    live_server.services.keys.revoke(created.key_id)
    page.reload()
    page.wait_for_url("**/dashboard/login?expired=1&next=%2Fdashboard")
    expect(page.locator("#login-notice")).to_contain_text("no longer accepted")


@pytest.mark.parametrize("width", [390, 768, 1280])  # a phone, a tablet, a small laptop
def test_every_page_fits_the_screen_and_an_unknown_page_says_so(
    browser: Browser, live_server: LiveServer, tmp_path: Path, width: int
) -> None:
    seed_store(live_server.services)
    context = browser.new_context(viewport={"width": width, "height": 844}, timezone_id="UTC")
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    try:
        open_signed_in(tab, live_server, "/dashboard")
        for item in NAV_PAGES:
            tab.goto(live_server.url(item.path))
            # loaded (ready, empty or failed), then a moment for charts to lay out
            tab.wait_for_selector("body[data-state]:not([data-state=loading])", state="attached")
            tab.wait_for_timeout(300)
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{item.path} scrolls {overflow}px sideways at {width}px"
        save_screenshot(tab, tmp_path, f"dashboard-{width}px.png")
        missing = tab.goto(live_server.url("/dashboard/no-such-page"))
        assert missing is not None and missing.status == 404
        expect(tab.locator("h1")).to_have_text("Page not found")
        expect(tab.locator("nav.nav a")).to_have_count(len(NAV_PAGES))
    finally:
        context.close()

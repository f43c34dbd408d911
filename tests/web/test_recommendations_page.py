"""The recommendations page in headless Chromium: try a user, see reasons and the chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import LiveServer
from tests.web.test_browser import browser, page, save_screenshot, sign_in  # noqa: F401
from uxlift.demo import generate_store
from uxlift.demo.runner import load_directly
from uxlift.recommend.trainer import RecommenderTrainOptions, train_recommender

pytestmark = pytest.mark.browser


def test_recommendations_page_lists_items_with_reasons(
    page: Page,  # noqa: F811
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    services = live_server.services
    store = generate_store(seed=11, n_items=300, n_users=200, days=21)
    load_directly(services, store)
    report = train_recommender(services, RecommenderTrainOptions())
    assert report["promoted"]
    key = services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.goto(live_server.url("/dashboard/recommendations"))
    page.wait_for_selector("body[data-state=ready]")
    expect(page.locator("#serving-label")).to_have_text(f"serving {report['model']['version']}")
    chart = page.locator("#offline-chart.js-plotly-plot")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.locator("g.barlayer g.point")).to_have_count(3)  # uxlift, EASE, popularity

    page.fill("#user-id", store.users[4])
    page.fill("#count", "8")
    page.click("#try-button")
    page.wait_for_selector("body[data-state=ready] #rec-list li")
    items = page.locator("#rec-list li")
    expect(items).to_have_count(8)
    for k in range(8):
        expect(items.nth(k).locator(".reason").first).to_be_visible()
    expect(page.locator("#try-status")).to_contain_text(report["model"]["version"])
    save_screenshot(page, tmp_path, "dashboard-recommendations.png")
    services.exposures.flush()
    exposures = (
        services.store.cursor()
        .sql("SELECT count(*) FROM events WHERE type = 'exposure'")
        .fetchall()[0][0]
    )
    assert exposures == 0  # a preview is not shown to the user: nothing logged

    page.fill("#category", "no-such-category")
    page.click("#try-button")
    expect(page.locator("#try-status")).to_have_text("Nothing matches these filters.")

"""The opinions page in headless Chromium: trend with alert markers, drill-down, live alerts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.api.test_opinions_api import _history
from tests.conftest import TEST_SECRET
from tests.web.conftest import LiveServer
from tests.web.test_browser import browser, page, save_screenshot, sign_in  # noqa: F401
from uxlift.config import Settings

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", secret_key=TEST_SECRET, monitor_min_history=48,
        monitor_scan_windows=24, monitor_scan_every_s=0,
    )  # fmt: skip


def test_trend_shows_alert_markers_texts_and_live_alerts(
    page: Page,  # noqa: F811
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    opinions = live_server.services.opinions
    opinions.put_topic({"name": "delivery", "description": "late or lost parcels and couriers",
                        "keywords": ["parcel"]})  # fmt: skip
    opinions.ingest(_history(True))
    alerts = opinions.scan()
    assert alerts
    key = live_server.services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.goto(live_server.url("/dashboard/opinions"))
    page.wait_for_selector("body[data-state=ready]")

    chart = page.locator("#trend-chart.js-plotly-plot")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.locator("g.trace.bars")).to_have_count(1)
    on_all = [a for a in alerts if a.topic == "*" and a.source == "*"]
    assert chart.get_attribute("data-alerts") == str(len(on_all))
    markers = chart.locator("g.scatterlayer g.trace").nth(1).locator("path.point")
    expect(markers).to_have_count(len(on_all))
    expect(page.locator("#alerts-table tbody tr.alert-row")).to_have_count(len(alerts))
    expect(page.locator("#alert-count")).to_have_text(f"{len(alerts)} open")

    page.locator("#topic-select").select_option("delivery")
    expect(chart.locator("g.scatterlayer g.trace").nth(1).locator("path.point")).to_have_count(
        sum(1 for a in alerts if a.topic == "delivery" and a.source == "*")
    )

    first = page.locator("#alerts-table tbody tr.alert-row").first
    first.click()
    expect(page.locator("#window-detail[data-loaded=true]")).to_be_attached()
    expect(page.locator("#window-texts li").first).to_contain_text(
        re.compile("parcel|Delivery|courier")
    )
    first.locator("button.ack").click()
    expect(page.locator("#alert-count")).to_have_text(f"{len(alerts) - 1} open")
    save_screenshot(page, tmp_path, "dashboard-opinions.png")

    page.wait_for_selector("body[data-live=true]")
    surge = [
        {**row, "text_id": "news-" + row["text_id"], "source": "news"} for row in _history(True)
    ]
    opinions.ingest(surge)
    assert opinions.scan()
    expect(page.locator("#live-banner")).to_contain_text("New alert")

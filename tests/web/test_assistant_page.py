"""The assistant page in headless Chromium: chat, hand-off, the agent's reply, feedback."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import LiveServer
from tests.web.test_browser import browser, page, save_screenshot, sign_in  # noqa: F401
from uxlift.services import Services

pytestmark = pytest.mark.browser


def test_chat_hand_off_and_agent_reply_in_the_browser(
    assistant_services: Services,
    page: Page,  # noqa: F811
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    key = assistant_services.keys.create(name="dashboard", scopes=["admin"]).secret
    sign_in(page, live_server, key)
    page.wait_for_url(live_server.url("/dashboard"))
    page.goto(live_server.url("/dashboard/assistant"))
    page.wait_for_selector("body[data-state=ready]")
    expect(page.locator("#intent-model")).to_contain_text("intent model intent-")
    expect(page.locator("#queue-empty")).to_be_visible()

    page.fill("#chat-input", "where is my order?")
    page.click("#chat-send")
    expect(page.locator(".bubble-user").first).to_have_text("where is my order?")
    answer = page.locator(".bubble-assistant").last
    expect(answer.locator(".badge")).to_have_text("answer")
    expect(answer.locator(".source")).to_have_text("FAQ")

    page.fill("#chat-input", "I want to talk to a human")
    page.click("#chat-send")
    expect(page.locator(".bubble-assistant").last.locator(".badge")).to_have_text("handoff")
    ticket = page.locator("#ticket-list .ticket")
    expect(ticket).to_have_count(1)
    expect(ticket.locator(".transcript li")).to_have_count(4)
    ticket.locator("textarea").fill("Hi, this is Sam from support. Your parcel left today.")
    ticket.locator(".save-to-kb").check()
    ticket.locator("button[type=submit]").click()
    expect(page.locator("#ticket-list .ticket")).to_have_count(0)
    expect(page.locator(".bubble-agent").last).to_contain_text("Your parcel left today.")

    page.click("#fb-yes")
    expect(page.locator("#fb-status")).to_have_text("Thanks for the feedback.")
    expect(page.locator("#m-conversations")).to_have_text("1")
    expect(page.locator("#m-handoff")).to_have_text("100%")
    save_screenshot(page, tmp_path, "dashboard-assistant.png")
    saved = assistant_services.kb.list(kind="faq", limit=500)[1]
    assert saved == 7  # six FAQ entries, and the agent's answer

"""The web-form opt-in in Chromium, under the Content-Security-Policy of both
sides: Hatid's consent page, the sandbox's consent dialog (whose answer
redirects the browser to Hatid, another origin: its form-action allows it),
and Hatid's result page, with no violation (tests/support/browser.py)."""

import re

import pytest

from sandbox.client import consent_pin

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
NUMBER = "+639171234567"


def test_web_form_opt_in_in_a_browser_under_the_policy(hatid, celery_worker, browser_page):
    page, expect = browser_page, playwright.expect
    hatid.sandbox.add_subscriber(NUMBER, balance="20.00")
    start = page.goto(f"{hatid.live_url}/consent/{hatid.app.app_id}/")
    assert "default-src 'self'" in start.headers["content-security-policy"]

    page.click("#grant")
    page.fill("#subscriber_number", NUMBER[3:])
    page.click("button[type=submit]")
    pin = consent_pin(hatid.sandbox, NUMBER)
    page.fill("#pin", pin)
    page.click("button[type=submit]")

    page.wait_for_url(re.compile(re.escape(f"{hatid.live_url}/consent/result/")))
    expect(page.locator("h1")).to_have_text("You're subscribed", timeout=30_000)

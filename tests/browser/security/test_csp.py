"""The pages operators and subscribers see, in Chromium under the production
Content-Security-Policy (config/settings.py), with no violation: the pages
the other browser tests do not already walk (they run under the same watch,
tests/support/browser.py): the console's index and lists, an app's page with
its wallet chart, a conversation, a campaign's progress, call sessions, the
consent pages and the API docs."""

import uuid

import pytest
from django.urls import reverse

from subscribers.models import CodeExchange
from subscribers.services.consent import subscriber_opt_in
from telecom.models import Campaign, WalletSnapshot

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, path: str):
    response = page.goto(page.base + path)
    assert response.ok, (path, response.status)
    assert "default-src 'self'" in response.headers.get("content-security-policy", ""), path
    return response


def test_console_and_consent_pages_run_under_the_policy(console, globe_app):
    globe_app.wallet_alert_below = 100
    globe_app.save()
    WalletSnapshot.objects.create(app=globe_app, balance="50.00", below_threshold=True)
    WalletSnapshot.objects.create(app=globe_app, balance="40.00", below_threshold=True)
    subscriber = subscriber_opt_in(
        app=globe_app, msisdn="+639171234567", token="token-abcdefgh", channel="sms"
    )
    subscriber = getattr(subscriber, "subscriber", subscriber)
    campaign = Campaign.objects.create(app=globe_app, name="Launch", text="We launched!")
    exchange = CodeExchange.objects.create(
        app=globe_app, code_digest=uuid.uuid4().hex, status=CodeExchange.Status.FAILED
    )

    visit(console, "/admin/")
    visit(console, f"/admin/telecom/providerapp/{globe_app.pk}/change/")
    console.locator("svg[aria-label='wallet balance over time']").wait_for()
    console.locator("#wallet-alerts").wait_for()
    visit(console, "/admin/telecom/message/")
    visit(console, reverse("admin:telecom_message_conversation", args=[subscriber.pk]))
    visit(console, f"/admin/telecom/campaign/{campaign.pk}/change/")
    console.locator("#campaign-progress progress").wait_for()
    visit(console, "/admin/voiceflows/callsession/")
    visit(console, "/admin/telecom/callbackevent/")
    visit(console, f"/consent/{globe_app.app_id}/")
    console.locator("#grant").wait_for()
    visit(console, f"/consent/result/{exchange.public_id}/")
    console.get_by_text("We couldn't confirm your subscription").wait_for()
    visit(console, "/api/docs/")
    console.locator(".swagger-ui .info").wait_for()


def test_a_violation_is_caught(console):
    """The watch itself: a style attribute set by script is a violation it reports."""
    visit(console, "/admin/")
    console.evaluate("document.body.setAttribute('style', 'color: red')")
    console.evaluate("0")
    assert any("style-src" in v for v in console.csp_violations), console.csp_violations
    console.csp_violations.clear()

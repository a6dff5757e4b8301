"""Consent end to end: the sandbox's handset and consent dialog, Hatid over
HTTP, a real Celery worker exchanging codes and asking questions."""

import re
from decimal import Decimal

import pytest
import requests

from sandbox.client import consent_pin, wait_for
from subscribers.models import (
    AccessToken,
    BalanceQuery,
    ChargingOptInRequest,
    CodeExchange,
    ConsentEvent,
    LocationQuery,
    Subscriber,
)
from subscribers.services.queries import locate_subscriber, query_balance, request_charging_optin
from telecom.models import Message
from telecom.services.messaging import send_sms

pytestmark = pytest.mark.e2e
NUMBER = "+639171234567"


def test_sms_opt_in_stores_the_platforms_token_and_stop_ends_it(hatid, celery_worker):
    subscriber = hatid.opt_in(NUMBER)
    [grant] = hatid.sandbox.grants(app_id=hatid.app.app_id, number=NUMBER)
    assert subscriber.live_token().token.reveal() == grant["access_token"]
    assert subscriber.opt_in_channel == Subscriber.Channel.SMS

    hatid.sandbox.text(NUMBER, hatid.app.shortcode, "STOP")
    wait_for(
        lambda: Subscriber.objects.get(pk=subscriber.pk).status == "unsubscribed",
        what="the unsubscribe callback",
    )
    assert AccessToken.objects.get().revoke_reason == AccessToken.RevokeReason.UNSUBSCRIBED
    kinds = list(ConsentEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["opt_in_sms", "unsubscribed"]


def _consent_dialog(hatid, start_url: str, number: str) -> requests.Response:
    """A visitor walks the platform's consent dialog; returns the last response."""
    browser = requests.Session()
    start = browser.get(start_url, timeout=10)
    dialog_url = re.search(r'id="grant" href="([^"]+)"', start.text).group(1).replace("&amp;", "&")
    browser.get(dialog_url, timeout=10)
    page = browser.post(
        dialog_url, data={"step": "number", "subscriber_number": number[3:]}, timeout=10
    )
    reference = re.search(r'name="reference" value="([^"]+)"', page.text).group(1)
    pin = consent_pin(hatid.sandbox, number)
    return browser.post(
        dialog_url, data={"step": "pin", "reference": reference, "pin": pin}, timeout=10
    )


def test_web_form_opt_in_exchanges_the_code_once_and_shows_the_result(hatid, celery_worker):
    hatid.sandbox.add_subscriber(NUMBER, balance="20.00")
    landing = _consent_dialog(hatid, f"{hatid.live_url}/consent/{hatid.app.app_id}/", NUMBER)
    assert landing.url.startswith(f"{hatid.live_url}/consent/result/")
    result_json = landing.url + "?format=json"
    browser = requests.Session()
    state = wait_for(
        lambda: (r := browser.get(result_json, timeout=5).json())["status"] == "done" and r,
        what="the code exchange",
    )
    assert state["number"].startswith("+63917") and "•" in state["number"]
    page = browser.get(landing.url, timeout=5).text
    assert "You're subscribed" in page
    subscriber = Subscriber.objects.get(msisdn=NUMBER)
    assert subscriber.opt_in_channel == Subscriber.Channel.WEB_FORM
    [grant] = hatid.sandbox.grants(app_id=hatid.app.app_id, number=NUMBER)
    assert subscriber.live_token().token.reveal() == grant["access_token"]
    # The browser reloads the redirect: the code is not exchanged again.
    redirect = [c for c in hatid.sandbox.callbacks() if "code=" in (c.get("url") or "")]
    assert CodeExchange.objects.count() == 1 and not redirect


def test_charging_web_form_records_the_consented_amount(hatid, celery_worker):
    hatid.sandbox.add_subscriber(NUMBER, balance="20.00")
    landing = _consent_dialog(
        hatid, f"{hatid.live_url}/consent/{hatid.app.app_id}/?amount=2.50", NUMBER
    )
    assert "Thank you" in landing.text  # the browser returns to the redirect URI bare
    consent = wait_for(
        lambda: ConsentEvent.objects.filter(kind="charging_opt_in").first(),
        what="the charging opt-in",
    )
    assert consent.amount == Decimal("2.50")
    assert Subscriber.objects.get(msisdn=NUMBER).opt_in_channel == Subscriber.Channel.CHARGING


def test_charging_sms_optin_offer_yes_keyword_records_amount_and_duration(hatid, celery_worker):
    hatid.opt_in(NUMBER)
    offer = request_charging_optin(app=hatid.app, msisdn=NUMBER, amount="1.00", duration_days=7)
    text = wait_for(
        lambda: next(
            (m["text"] for m in hatid.sandbox.inbox(NUMBER) if "charge you" in m["text"]),
            None,
        ),
        what="the opt-in offer",
    )
    keyword = re.search(r"YES (\w+)", text).group(1)
    hatid.sandbox.text(NUMBER, hatid.app.shortcode, f"YES {keyword}")
    consent = wait_for(
        lambda: ConsentEvent.objects.filter(kind="charging_opt_in").first(),
        what="the charging consent",
    )
    assert (consent.amount, consent.duration_days) == (Decimal("1.00"), 7)
    assert ChargingOptInRequest.objects.get(pk=offer.pk).status == "accepted"


def test_locate_and_balance_through_the_worker(hatid, celery_worker):
    hatid.sandbox.add_subscriber(
        NUMBER,
        balance="75.00",
        reload_amount="30.00",
        latitude="14.5609722",
        longitude="121.0193394",
    )
    subscriber = hatid.opt_in(NUMBER, balance="75.00")
    located = locate_subscriber(subscriber=subscriber, requested_accuracy=100)
    balance = query_balance(subscriber=subscriber, kind="balance")
    where = wait_for(
        lambda: LocationQuery.objects.filter(pk=located.pk, status="done").first(),
        what="the location",
    )
    assert (str(where.latitude), str(where.longitude)) == ("14.5609722", "121.0193394")
    answered = wait_for(
        lambda: BalanceQuery.objects.filter(pk=balance.pk, status="done").first(),
        what="the balance",
    )
    assert answered.amount == Decimal("75.00")  # the twin answers "7500" centavos


def test_a_401_revokes_the_token_and_records_why(hatid, celery_worker):
    subscriber = hatid.opt_in(NUMBER)
    # The platform forgets the grant without telling Hatid (e.g. its callback was lost).
    hatid.sandbox.revoke_grants(hatid.app.app_id, NUMBER)
    message = send_sms(app=hatid.app, to=subscriber, text="Are you there?")
    failed = wait_for(
        lambda: Message.objects.filter(pk=message.pk, status="failed").first(),
        what="the refused message",
    )
    assert "access token rejected" in failed.last_error
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed" and subscriber.live_token() is None
    event = ConsentEvent.objects.get(kind="token_revoked")
    assert "rejected by the platform" in event.detail

"""Erasure end to end: a number's traffic of every kind goes through the
sandbox, a real worker and the live server (consent, SMS in and out, a
charge, a reward and its callback, a location, a USSD session, a voice call
with a recording, partner API calls, a console action); the number is erased
through the partner API; then every table of the database is dumped (every
column as text, every encrypted field decrypted through its model field) and
searched for the four forms of the number. None may be found, while another
number's rows stay as they were."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sandbox.client import wait_for
from subscribers.models import LocationQuery, Subscriber
from subscribers.services.queries import locate_subscriber
from telecom.models import (
    AuditEvent,
    CallbackEvent,
    Charge,
    Message,
    OutboundCall,
    Promo,
    Reward,
    UssdSession,
)
from telecom.roles import OPERATORS
from telecom.services.charging import charge
from telecom.services.messaging import send_sms
from telecom.services.rewards import send_reward
from tests.support.api import api_client_for
from tests.support.factories import PartnerFactory, staff_user
from tests.support.lanes import process_callbacks
from tests.support.privacy import number_in_database
from tests.support.ussd_menus import shop_menu
from tests.support.voice_flows import MENU_FLOW
from voiceflows.models import CallExchange, CallSession

pytestmark = pytest.mark.e2e

NUMBER = "+639171234567"
OTHER = "+639181112233"


def everything_for(hatid, number: str, promo, api) -> Subscriber:
    """Traffic of every kind for `number`, waited for until it has all landed."""
    sandbox, app = hatid.sandbox, hatid.app
    subscriber = hatid.opt_in(number)
    local = "0" + number.removeprefix("+63")
    # SMS in (the platform's callback) and out (the worker, the platform's log).
    sandbox.text(number, app.shortcode, f"Hello, this is {local}, call me")
    wait_for(
        lambda: (
            process_callbacks()
            or Message.objects.filter(subscriber=subscriber, direction="in").exists()
        ),
        what="the SMS in",
    )
    sent = send_sms(app=app, to=subscriber, text="We got your message")
    answered = api.post(
        "/api/v1/messages/",
        {"to": local, "text": "From the partner API"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=f"sms-{number}",
    )
    assert answered.status_code == 201, answered.content
    # Money.
    paid = charge(app=app, to=subscriber, amount="1.00", description="Ringtone")
    rewarded = send_reward(app=app, to=subscriber, promo=promo)
    # Where they are.
    located = locate_subscriber(subscriber=subscriber)
    # USSD: a session with an input.
    sandbox.dial(number, "*120*1234#")
    wait_for(
        lambda: (sandbox.handset(number).get("ussd") or {}).get("screen", "").startswith("Welcome"),
        what="the USSD menu",
    )
    sandbox.ussd_input(number, "1")
    wait_for(
        lambda: UssdSession.objects.filter(subscriber=subscriber, exchanges__input="1").exists(),
        what="the USSD input",
    )
    # Voice: the handset calls the app, picks 2 and leaves a recording.
    sandbox.place_call(local, app.shortcode)
    sandbox.press(local, "2#")
    call = sandbox.press(local, "#")["call"]
    wait_for(
        lambda: CallSession.objects.filter(
            session_id=call["session_id"], status="completed"
        ).exists(),
        what="the call completed",
    )
    wait_for(
        lambda: (
            Message.objects.filter(pk=sent.pk, status="sent").exists()
            and Charge.objects.filter(pk=paid.pk, status="charged").exists()
            and Reward.objects.filter(pk=rewarded.pk, status="succeeded").exists()
            and LocationQuery.objects.filter(pk=located.pk, status="done").exists()
        ),
        timeout=60,
        what="the SMS, charge, reward and location settled",
    )
    # The partner reads the subscriber (API), an operator tags them (console).
    assert api.get(f"/api/v1/subscribers/?number={local}").status_code == 200
    operator = Client()
    operator.force_login(staff_user(f"olive{number[-4:]}", OPERATORS))
    tagged = operator.post(
        reverse("admin:subscribers_subscriber_changelist"),
        {"action": "tag", "_selected_action": [subscriber.pk], "apply": "1", "tag": "vip"},
    )
    assert tagged.status_code == 302
    return subscriber


def test_after_erasure_no_table_holds_the_number_in_any_form(hatid, celery_worker):
    hatid.enable_voice(MENU_FLOW)
    shop_menu(hatid.app, name="Shop")
    promo = Promo.objects.create(app=hatid.app, code="LOAD 50", wallet_cost=Decimal("50"))
    partner = PartnerFactory()
    partner.apps.add(hatid.app)
    api = api_client_for(partner)
    subscriber = everything_for(hatid, NUMBER, promo, api)
    other = everything_for(hatid, OTHER, promo, api)
    hatid.sandbox.quiesce()
    process_callbacks()

    found_before = number_in_database(NUMBER)
    # The traffic reached every kind of row that erasure must clean.
    for table in (
        "subscribers_subscriber",
        "telecom_message",
        "telecom_charge",
        "telecom_reward",
        "telecom_ussdsession",
        "voiceflows_callsession",
        "telecom_callbackevent",
        "telecom_outboundcall",
        "telecom_auditevent",
        "telecom_idempotencyrecord",
    ):
        assert any(where.startswith(table) for where in found_before), table
    assert CallExchange.objects.filter(session__subscriber=subscriber).exists()
    other_rows_before = sorted(number_in_database(OTHER))

    response = api.post(
        f"/api/v1/subscribers/{subscriber.pk}/erase/",
        {"apps": "all"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="erase-it",
    )
    assert response.status_code == 200, response.content
    hatid.sandbox.quiesce()
    process_callbacks()

    assert number_in_database(NUMBER) == []
    # Money is kept under the pseudonym; the erasure is on the audit trail.
    pseudonym = response.json()["pseudonym"]
    assert Charge.objects.filter(msisdn=pseudonym, status="charged").count() == 1
    assert Reward.objects.filter(msisdn=pseudonym, status="succeeded").count() == 1
    assert AuditEvent.objects.filter(action="subscriber.erase", partner=partner).count() == 1
    # The other number: every row that held it before holds it still.
    assert sorted(number_in_database(OTHER)) == other_rows_before
    other.refresh_from_db()
    assert other.msisdn == OTHER and other.status == "active"
    assert Message.objects.filter(subscriber=other, text__startswith="Hello, this is").exists()
    assert any(
        OTHER.removeprefix("+") in (event.body.reveal() if event.body else "")
        or OTHER.removeprefix("+63") in (event.body.reveal() if event.body else "")
        for event in CallbackEvent.objects.all()
    )
    assert OutboundCall.objects.exists()

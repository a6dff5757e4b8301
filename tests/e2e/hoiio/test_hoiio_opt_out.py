"""End to end, opting out of a Hoiio app: a handset texts STOP to the app's
Hoiio number on the sandbox's twin, Hoiio forwards it to Hatid's live server,
a real Celery worker sends the one confirmation back through the twin, and a
later campaign leaves the number out."""

import pytest

from sandbox.client import wait_for
from subscribers.models import ConsentEvent, Subscriber
from telecom.models import Campaign, Message
from telecom.services import campaigns

pytestmark = pytest.mark.e2e
A, B = "+639171234567", "+639181234567"
NUMBER = "+6531591002"


def rent_and_forward(sandbox, app):
    """The app's Hoiio number, forwarding its SMS to Hatid (as the console sets it)."""
    sandbox.hoiio_account(app.app_id)  # credit for the rental
    credentials = {"app_id": app.app_id, "access_token": app.access_token.reveal()}
    sandbox.call(
        "POST",
        "/hoiio/open/number/subscribe",
        data={**credentials, "number": NUMBER, "duration": "1"},
    )
    sandbox.call(
        "POST",
        "/hoiio/open/number/update_forwarding",
        data={**credentials, "number": NUMBER, "forward_sms_to": app.callback_uri("sms-in")},
    )


def texts_to(sandbox, number: str) -> list[str]:
    return [t["msg"] for t in sandbox.hoiio_transactions(kind="sms") if t["dest"] == number]


def test_stop_from_a_handset_confirms_once_and_a_later_campaign_skips_it(
    sandbox, hoiio_app, celery_worker
):
    for number in (A, B):
        Subscriber.objects.create(app=hoiio_app, msisdn=number, status=Subscriber.Status.ACTIVE)
    rent_and_forward(sandbox, hoiio_app)

    answer = sandbox.hoiio_incoming_sms(NUMBER, A, " Stop! ")
    assert answer["callback"]["response_status"] == 200
    confirmation = wait_for(
        lambda: Message.objects.filter(
            msisdn=A, source=Message.Source.KEYWORD, delivery_status="delivered"
        ).first(),
        what="the confirmation delivered",
    )
    assert texts_to(sandbox, A) == [confirmation.text] and "START" in confirmation.text
    assert Subscriber.objects.get(app=hoiio_app, msisdn=A).status == "unsubscribed"
    [event] = ConsentEvent.objects.all()
    assert (event.kind, event.detail) == ("unsubscribed", "texted STOP")

    sandbox.hoiio_incoming_sms(NUMBER, A, "STOP")  # texted again: no second confirmation
    wait_for(lambda: Message.objects.filter(direction="in", text="STOP").exists())

    campaign = campaigns.create_campaign(app=hoiio_app, name="Sale", text="Sale!", segment={})
    wait_for(
        lambda: Campaign.objects.filter(pk=campaign.pk, status="completed").exists(),
        timeout=60,
        what="the campaign sent",
    )
    assert texts_to(sandbox, B) == ["Sale!"]
    assert texts_to(sandbox, A) == [confirmation.text]
    campaign.refresh_from_db()
    assert (campaign.recipients, campaign.skipped) == (1, 1)

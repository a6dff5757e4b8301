"""End to end, SMS through Hoiio: Hatid's services, a real Celery worker, the
live server receiving Hoiio's notifications, and the sandbox's Hoiio twin,
talking only over HTTP."""

import pytest
from django.db.models import Count

from sandbox.client import wait_for
from subscribers.models import Subscriber
from telecom.errors import ServiceError
from telecom.models import CallbackEvent, Campaign, Message, SmsBulk
from telecom.services import campaigns
from telecom.services.hoiio import sms as hoiio_sms
from telecom.services.messaging import send_sms

pytestmark = pytest.mark.e2e
A = "+639171234567"


def test_send_sms_through_hoiio_gets_its_delivery_report(sandbox, hoiio_app, celery_worker):
    message = send_sms(app=hoiio_app, to="09171234567", text="Your parcel is on its way")
    delivered = wait_for(
        lambda: Message.objects.filter(pk=message.pk, delivery_status="delivered").first(),
        what="the delivery report",
    )
    assert delivered.status == Message.Status.SENT and delivered.txn_ref.startswith("AA-S-")
    [txn] = sandbox.hoiio_transactions(kind="sms")
    assert (txn["tag"], txn["dest"], txn["txn_ref"]) == (
        message.client_correlator,
        A,
        delivered.txn_ref,
    )
    assert txn["request"]["sender_name"] == "Hatid"
    event = CallbackEvent.objects.get(kind="sms")
    assert event.status == CallbackEvent.Status.PROCESSED and event.app == hoiio_app


def test_a_failed_delivery_is_reported_on_the_message(sandbox, hoiio_app, celery_worker):
    sandbox.phone(A, sms="failed")
    message = send_sms(app=hoiio_app, to=A, text="hello")
    wait_for(lambda: Message.objects.filter(pk=message.pk, delivery_status="failed").exists())


def test_an_unsubscribed_number_is_not_texted(sandbox, hoiio_app):
    Subscriber.objects.create(app=hoiio_app, msisdn=A, status=Subscriber.Status.UNSUBSCRIBED)
    with pytest.raises(ServiceError) as refused:  # a partner's or an operator's send
        send_sms(app=hoiio_app, to=A, text="hello")
    assert refused.value.field == "to"
    message = send_sms(app=hoiio_app, to=A, text="hello", source=Message.Source.KEYWORD)
    assert message.status == Message.Status.FAILED  # an automatic reply: recorded, not sent
    assert sandbox.hoiio_transactions() == []


def test_a_campaign_of_more_than_a_thousand_goes_out_in_bulks_of_at_most_a_thousand(
    sandbox, hoiio_app, celery_worker, e2e_settings
):
    # A bulk of 1,000 takes the twin a while on a busy machine: past the e2e
    # read timeout its outcome would be unknown (rightly), not what this tests.
    e2e_settings.PROVIDER_READ_TIMEOUT = 30.0
    numbers = [f"+63917{n:07d}" for n in range(1050)]
    Subscriber.objects.bulk_create(
        [Subscriber(app=hoiio_app, msisdn=n, status=Subscriber.Status.ACTIVE) for n in numbers]
    )
    campaign = campaigns.create_campaign(app=hoiio_app, name="Big", text="Sale!", segment={})
    wait_for(
        lambda: Campaign.objects.filter(pk=campaign.pk, status="completed").exists(),
        timeout=120,
        what="the campaign sent",
    )
    assert sorted(SmsBulk.objects.values_list("size", flat=True)) == [50, 1000]
    assert set(SmsBulk.objects.values_list("status", flat=True)) == {SmsBulk.Status.SENT}
    sent = sandbox.hoiio_transactions(kind="sms")
    assert len(sent) == 1050 and len({t["bulk_txn_ref"] for t in sent}) == 2
    # Every SMS gets its own txn_ref and status from its delivery report.
    wait_for(
        lambda: (
            not Message.objects.filter(campaign=campaign)
            .exclude(delivery_status="delivered")
            .exists()
        ),
        timeout=180,
        what="1,050 delivery reports",
    )
    refs = Message.objects.filter(campaign=campaign).aggregate(n=Count("txn_ref", distinct=True))
    assert refs["n"] == 1050
    assert {t["txn_ref"] for t in sent} == set(
        Message.objects.filter(campaign=campaign).values_list("txn_ref", flat=True)
    )


def test_paused_bulks_wait_and_cancelled_ones_are_never_sent(sandbox, hoiio_app):
    Subscriber.objects.bulk_create(
        [Subscriber(app=hoiio_app, msisdn=f"+63917{n:07d}") for n in range(5)]
    )
    campaign = campaigns.create_campaign(app=hoiio_app, name="C", text="x", segment={})
    campaigns.build_campaign(campaign.pk)  # in the test process: no worker runs it
    bulk = SmsBulk.objects.get(campaign=campaign)
    assert Message.objects.filter(bulk=bulk, status="batched").count() == 5
    campaign.refresh_from_db()
    assert campaigns.pause_campaign(campaign)
    bulk.refresh_from_db()
    assert bulk.status == SmsBulk.Status.HELD
    assert campaigns.cancel_campaign(campaign) == 5
    bulk.refresh_from_db()
    assert bulk.status == SmsBulk.Status.CANCELLED
    assert sandbox.hoiio_transactions() == []


def test_rate_before_sending(hoiio_app):
    rate = hoiio_sms.sms_rate(hoiio_app, "09171234567", "x" * 200)
    assert (rate.split_count, str(rate.total_cost), rate.currency) == (2, "0.10", "SGD")


def test_an_sms_to_the_apps_number_arrives_as_an_inbound_message(sandbox, hoiio_app):
    sandbox.hoiio_account(hoiio_app.app_id)  # credit for the rental
    from telecom.services.hoiio import numbers as hoiio_numbers

    hoiio_numbers.sync_numbers(hoiio_app)  # nothing rented yet
    number = "+6531591002"
    sandbox.call(
        "POST",
        "/hoiio/open/number/subscribe",
        data={
            "app_id": hoiio_app.app_id,
            "access_token": hoiio_app.access_token.reveal(),
            "number": number,
            "duration": "1",
        },
    )
    sandbox.call(
        "POST",
        "/hoiio/open/number/update_forwarding",
        data={
            "app_id": hoiio_app.app_id,
            "access_token": hoiio_app.access_token.reveal(),
            "number": number,
            "forward_sms_to": hoiio_app.callback_uri("sms-in"),
        },
    )
    answer = sandbox.hoiio_incoming_sms(number, A, "STOP please")
    assert answer["callback"]["response_status"] == 200
    inbound = Message.objects.get(direction=Message.Direction.IN)
    assert (inbound.msisdn, inbound.text, inbound.platform_key) == (
        A,
        "STOP please",
        f"id:hoiio:{answer['txn_ref']}",
    )

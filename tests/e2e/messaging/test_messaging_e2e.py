"""Messaging end to end: send once, deliver once, whatever the platform, the
network or a worker does; inbound messages stored and handled once."""

import hashlib
import hmac
import json
import signal

import pytest

from sandbox.client import wait_for
from subscribers.services.consent import subscriber_opt_in
from telecom import outbox
from telecom.models import (
    Campaign,
    InboundMultipart,
    KeywordRule,
    Message,
    MessageTemplate,
    Partner,
)
from telecom.services import campaigns
from telecom.services.messaging import send_sms
from telecom.services.webhooks import rotate_webhook_secret
from tests.support.app_server import AppServer
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.e2e
NUMBER = "+639171234567"


def granted(hatid, number: str):
    """A subscriber with a real platform token, without acting out INFO/YES."""
    hatid.sandbox.add_subscriber(number, balance="100.00")
    grant = hatid.sandbox.grant(hatid.app.app_id, number)
    return subscriber_opt_in(
        app=hatid.app, msisdn=number, token=grant["access_token"], channel="sms"
    ).subscriber


def all_sent(ids, timeout=60.0):
    def done():
        pending = Message.objects.filter(pk__in=ids).exclude(status="sent")
        return not pending.exists()

    wait_for(done, timeout=timeout, interval=0.2, what=f"{len(ids)} messages sent")


def test_a_message_sent_once_arrives_once(hatid, celery_worker):
    subscriber = hatid.opt_in(NUMBER)
    message = send_sms(app=hatid.app, to=subscriber, text="Hello from Hatid")
    all_sent([message.pk])
    [delivery] = hatid.sandbox.deliveries("sms", number=NUMBER)
    assert delivery["clientCorrelator"] == message.client_correlator
    assert delivery["duplicate_submissions"] == 0
    inbox = [m["text"] for m in hatid.sandbox.inbox(NUMBER)]
    assert inbox.count("Hello from Hatid") == 1
    assert Message.objects.get(pk=message.pk).resource_url


def test_500_messages_through_503s_and_timeouts_after_apply_arrive_exactly_once(
    hatid, celery_worker, settings
):
    settings.PROVIDER_READ_TIMEOUT = 0.5
    hatid.app.sms_per_second = 10_000
    hatid.app.save()
    subscribers = [granted(hatid, f"+6391700{n:05d}") for n in range(25)]
    hatid.sandbox.set_fault(
        "sms",
        hold_seconds=1.0,
        mix=[
            {"probability": 0.15, "status": 502},
            {"probability": 0.15, "status": 503},
            {"probability": 0.10, "after_apply": "timeout"},
        ],
    )
    ids = [
        send_sms(app=hatid.app, to=subscribers[n % 25], text=f"message {n}").pk for n in range(500)
    ]
    all_sent(ids, timeout=120)
    deliveries = hatid.sandbox.deliveries("sms")
    correlators = set(
        Message.objects.filter(pk__in=ids).values_list("client_correlator", flat=True)
    )
    assert len(deliveries) == 500
    assert {d["clientCorrelator"] for d in deliveries} == correlators
    resubmitted = sum(d["duplicate_submissions"] for d in deliveries)
    assert resubmitted > 0  # timeouts after apply happened, and were resent with their key
    assert Message.objects.filter(pk__in=ids, attempts__gt=1).exists()


@pytest.mark.postgres
def test_killing_the_worker_mid_send_loses_none_and_delivers_none_twice(hatid, settings, tmp_path):
    settings.OUTBOX_LEASE_SECONDS = 3
    settings.OUTBOX_STALE_SECONDS = 2
    hatid.app.sms_per_second = 10_000
    hatid.app.save()
    subscribers = [granted(hatid, f"+6391800{n:05d}") for n in range(10)]
    hatid.sandbox.set_fault("sms", latency_ms=20)
    ids = [
        send_sms(app=hatid.app, to=subscribers[n % 10], text=f"kill test {n}").pk
        for n in range(200)
    ]
    log = tmp_path / "worker.log"
    first = WorkerProcess(concurrency=2, log=log).start()
    wait_for(
        lambda: Message.objects.filter(pk__in=ids, status="sent").count() >= 40,
        timeout=60,
        what="a first part sent",
    )
    first.kill(signal.SIGKILL)
    sent_at_kill = Message.objects.filter(pk__in=ids, status="sent").count()
    assert sent_at_kill < 200
    with WorkerProcess(concurrency=2, log=log):

        def recovered():
            outbox.sweep()  # what beat does every few seconds
            return not Message.objects.filter(pk__in=ids).exclude(status="sent").exists()

        wait_for(recovered, timeout=90, interval=1.0, what="every message after the kill")
    deliveries = hatid.sandbox.deliveries("sms")
    assert len(deliveries) == 200
    assert {d["clientCorrelator"] for d in deliveries} == set(
        Message.objects.filter(pk__in=ids).values_list("client_correlator", flat=True)
    )


def test_multipart_mo_out_of_order_and_twice_is_one_message(hatid, celery_worker):
    hatid.sandbox.add_subscriber(NUMBER, balance="10.00")
    hatid.sandbox.set_fault("callbacks", duplicate=True)
    text = "Alright " * 40  # 320 characters: three parts
    hatid.sandbox.text(NUMBER, hatid.app.shortcode, text, order="reverse")
    message = wait_for(
        lambda: Message.objects.filter(direction="in", msisdn=NUMBER).first(),
        what="the assembled message",
    )
    wait_for(lambda: len(hatid.sandbox.callbacks("sms_mo")) >= 6, what="duplicated parts")
    assert message.text == text and not message.incomplete
    assert Message.objects.filter(direction="in").count() == 1
    assert InboundMultipart.objects.get().message == message


def test_keyword_auto_reply_reaches_the_handset(hatid, celery_worker):
    subscriber = hatid.opt_in(NUMBER)
    KeywordRule.objects.create(app=hatid.app, keyword="PRICE", reply_text="Load 50 costs 50.")
    hatid.sandbox.text(NUMBER, hatid.app.shortcode, "price please")
    wait_for(
        lambda: "Load 50 costs 50." in [m["text"] for m in hatid.sandbox.inbox(NUMBER)],
        what="the auto-reply on the handset",
    )
    assert Message.objects.get(direction="out", subscriber=subscriber).source == "keyword"


def test_partner_webhook_receives_signed_inbound_messages(hatid, celery_worker):
    with AppServer() as partner_app:
        partner = Partner.objects.create(name="Shop", webhook_url=partner_app.uri("hook"))
        partner.apps.add(hatid.app)
        secret = rotate_webhook_secret(partner)
        hatid.sandbox.add_subscriber(NUMBER, balance="10.00")
        hatid.sandbox.text(NUMBER, hatid.app.shortcode, "hello partner")
        [received] = partner_app.wait_for("hook", 1, timeout=20)
    raw = json.dumps(received.body, separators=(",", ":")).encode()
    timestamp = received.headers["X-Hatid-Timestamp"]
    expected = (
        "v1="
        + hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
    )
    assert hmac.compare_digest(received.headers["X-Hatid-Signature"], expected)
    assert received.body["message"]["text"] == "hello partner"


def test_campaign_delivers_to_its_segment_and_completes(hatid, celery_worker):
    hatid.app.sms_per_second = 10_000
    hatid.app.save()
    for n in range(30):
        granted(hatid, f"+6391900{n:05d}")
    campaign = campaigns.create_campaign(
        app=hatid.app, name="Launch", text="We launched!", segment={"status": "active"}
    )
    wait_for(
        lambda: (
            campaigns.progress(type(campaign).objects.get(pk=campaign.pk))["status"] == "completed"
        ),
        timeout=60,
        interval=0.2,
        what="the campaign to complete",
    )
    progress = campaigns.progress(type(campaign).objects.get(pk=campaign.pk))
    assert (progress["sent"], progress["failed"], progress["recipients"]) == (30, 0, 30)
    assert len(hatid.sandbox.deliveries("sms")) == 30


def test_a_campaign_from_a_template_reaches_each_handset_with_its_own_text(hatid, celery_worker):
    hatid.app.sms_per_second = 10_000
    hatid.app.save()
    template = MessageTemplate.objects.create(
        app=hatid.app, name="hello", text="Hi {first_name}!", defaults={"first_name": "there"}
    )
    names = {f"+6391950{n:05d}": name for n, name in enumerate(["Ana", "Ben", ""])}
    for number, name in names.items():
        subscriber = granted(hatid, number)
        subscriber.attributes = {"first_name": name} if name else {}
        subscriber.save()
    campaign = campaigns.create_campaign(
        app=hatid.app, name="Hello", template=template, segment={"status": "active"}
    )
    wait_for(
        lambda: Campaign.objects.get(pk=campaign.pk).status == "completed",
        timeout=60,
        interval=0.2,
        what="the campaign to complete",
    )
    for number, name in names.items():
        assert [m["text"] for m in hatid.sandbox.inbox(number)] == [f"Hi {name or 'there'}!"]


def test_a_keyword_reply_from_a_template_reaches_the_handset_filled(hatid, celery_worker):
    subscriber = hatid.opt_in(NUMBER)
    subscriber.attributes = {"first_name": "Ana"}
    subscriber.save()
    template = MessageTemplate.objects.create(
        app=hatid.app,
        name="price",
        text="{first_name}: Load 50 costs 50.",
        defaults={"first_name": "Hello"},
    )
    KeywordRule.objects.create(app=hatid.app, keyword="PRICE", reply_template=template)
    hatid.sandbox.text(NUMBER, hatid.app.shortcode, "price please")
    wait_for(
        lambda: "Ana: Load 50 costs 50." in [m["text"] for m in hatid.sandbox.inbox(NUMBER)],
        what="the filled auto-reply on the handset",
    )

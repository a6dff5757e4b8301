"""Erasure (subscribers.services.erasure): one app or all, money kept under the
pseudonym, a stable pseudonym, the audit trail without the number, a second
run that changes nothing."""

import re

import pytest

from subscribers.models import AccessToken, LocationQuery, Subscriber
from subscribers.pseudonyms import pseudonym
from subscribers.services.erasure import erase_number, erase_subscriber
from telecom.models import (
    AuditEvent,
    CallbackEvent,
    Charge,
    Fax,
    IvrSession,
    Message,
    OutboundCall,
    Reward,
    VoiceCall,
    VoicentCall,
    VoicentEscalation,
    WebhookDelivery,
)
from telecom.services import voicent
from telecom.services.hoiio.voice import VoiceCallDelivery
from telecom.services.rewards import RewardDelivery
from tests.support.factories import (
    HoiioAppFactory,
    PartnerFactory,
    ProviderAppFactory,
    VoicentAppFactory,
)
from tests.support.privacy import number_in_database, traffic
from voiceflows.models import CallTrigger, VoiceFlow

NUMBER = "+639171234567"
OTHER = "+639187654321"


@pytest.fixture
def two_apps(globe_app, subscribe):
    other_app = ProviderAppFactory()
    return {
        "here": traffic(subscribe(NUMBER)),
        "there": traffic(subscribe(NUMBER, app=other_app)),
        "other": traffic(subscribe(OTHER)),
    }


def test_pseudonym_is_stable_and_reveals_nothing():
    assert pseudonym(NUMBER) == pseudonym("09171234567") == pseudonym("9171234567")
    assert re.fullmatch(r"erased:[A-Z2-7]{9}", pseudonym(NUMBER))
    assert pseudonym(OTHER) != pseudonym(NUMBER)
    assert len(pseudonym(NUMBER)) <= 16  # fits every number column


def test_pseudonym_follows_its_key(settings):
    before = pseudonym(NUMBER)
    settings.PSEUDONYM_KEY = "another key"
    assert pseudonym(NUMBER) != before


def test_erase_number_everywhere_leaves_no_form_of_it_and_another_number_intact(two_apps):
    erasure = erase_number(number="09171234567")

    assert number_in_database(NUMBER) == []
    fake = erasure.pseudonym
    assert fake == pseudonym(NUMBER)
    assert set(Subscriber.objects.filter(msisdn=fake).values_list("status", flat=True)) == {
        "unsubscribed"
    }
    assert not AccessToken.objects.filter(subscriber__msisdn=fake, revoked_at__isnull=True).exists()
    erased = Subscriber.objects.filter(msisdn=fake).first()
    assert erased.attributes == {} and not erased.tags.exists()
    assert not LocationQuery.objects.filter(subscriber__msisdn=fake).exists()
    assert set(Message.objects.filter(msisdn=fake).values_list("text", flat=True)) == {""}
    assert CallbackEvent.objects.get(pk=two_apps["here"].callback.pk).body == ""
    # The other number is untouched.
    other = two_apps["other"]
    other.subscriber.refresh_from_db()
    assert other.subscriber.msisdn == OTHER and other.subscriber.attributes["name"] == "Juan"
    assert Message.objects.get(pk=other.message_in.pk).text == "call me back"
    assert OTHER in CallbackEvent.objects.get(pk=other.callback.pk).body.reveal()
    assert LocationQuery.objects.filter(pk=other.location.pk).exists()
    assert OutboundCall.objects.filter(response_body__contains=OTHER).exists()


def test_money_rows_stay_under_the_pseudonym(two_apps):
    here = two_apps["here"]

    fake = erase_number(number=NUMBER).pseudonym

    charge = Charge.objects.get(pk=here.charge.pk)
    assert (charge.msisdn, str(charge.amount), charge.subscriber_id) == (
        fake,
        "5.00",
        here.subscriber.pk,
    )
    reward = Reward.objects.get(pk=here.reward.pk)
    assert (reward.msisdn, reward.promo) == (fake, here.reward.promo)
    assert Charge.objects.filter(msisdn=fake).count() == 2  # both apps' charges


def test_erase_in_one_app_leaves_the_other_apps_rows(two_apps):
    here, there = two_apps["here"], two_apps["there"]

    erasure = erase_subscriber(subscriber=here.subscriber, apps=[here.subscriber.app])

    assert erasure.subscriber_ids == [here.subscriber.pk]
    here.subscriber.refresh_from_db()
    there.subscriber.refresh_from_db()
    assert here.subscriber.msisdn == erasure.pseudonym
    assert there.subscriber.msisdn == NUMBER and there.subscriber.status == "active"
    assert Message.objects.get(pk=there.message_in.pk).text == "call me back"
    assert NUMBER in CallbackEvent.objects.get(pk=there.callback.pk).body.reveal()
    assert Message.objects.get(pk=here.message_in.pk).text == ""
    assert Charge.objects.get(pk=there.charge.pk).msisdn == NUMBER
    # Only the other app's rows still hold the number.
    for where in number_in_database(NUMBER):
        assert not where.startswith(("subscribers_locationquery", "telecom_auditevent")), where


def test_erasure_is_recorded_without_the_number_and_rewrites_old_labels(two_apps):
    labelled = AuditEvent.objects.filter(targets__icontains="9171234567")
    assert labelled.exists()  # the traffic's own audit rows name the number

    erasure = erase_number(number=NUMBER)

    event = AuditEvent.objects.filter(action="subscriber.erase").get()
    assert erasure.pseudonym in str(event.targets)
    assert event.detail["apps"] == "all" and event.detail["rows"]["telecom.message"] >= 4
    assert not AuditEvent.objects.filter(targets__icontains="9171234567").exists()
    assert not [w for w in number_in_database(NUMBER) if "auditevent" in w]


def test_erasure_run_again_changes_nothing(two_apps):
    first = erase_number(number=NUMBER)
    assert first.total > 0 and first.consent_ended == 2

    again = erase_number(number=NUMBER)

    assert again.pseudonym == first.pseudonym
    assert again.rows == {} and again.consent_ended == 0
    assert sorted(again.subscriber_ids) == sorted(first.subscriber_ids)
    assert AuditEvent.objects.filter(action="subscriber.erase").count() == 2


def test_erasing_an_erased_subscriber_again_is_harmless(two_apps):
    subscriber = two_apps["here"].subscriber
    erase_subscriber(subscriber=subscriber, apps=None)
    subscriber.refresh_from_db()

    again = erase_subscriber(subscriber=subscriber, apps=None)

    assert again.rows == {} and again.pseudonym == subscriber.msisdn


def test_erasure_stops_the_queued_charges_and_rewards_it_would_readdress(two_apps):
    """Rewritten, a queued reward would go to the platform addressed to the
    pseudonym (it needs no token); a queued charge would fail for want of one.
    Both stop, with the reason; a row a worker holds, and another number's, go on."""
    here, there, other = two_apps["here"], two_apps["there"], two_apps["other"]
    Reward.objects.filter(pk=there.reward.pk).update(status=Reward.Status.SENDING)

    erasure = erase_number(number=NUMBER)

    charge, reward = Charge.objects.get(pk=here.charge.pk), Reward.objects.get(pk=here.reward.pk)
    assert (charge.status, reward.status) == (Charge.Status.CANCELLED, Reward.Status.FAILED)
    assert "erased" in charge.last_error and "erased" in reward.last_error
    assert Charge.objects.get(pk=there.charge.pk).status == Charge.Status.CANCELLED
    assert Reward.objects.get(pk=there.reward.pk).status == Reward.Status.SENDING
    assert Charge.objects.get(pk=other.charge.pk).status == Charge.Status.QUEUED
    assert Reward.objects.get(pk=other.reward.pk).status == Reward.Status.QUEUED
    assert erasure.queued_stopped == 3
    assert RewardDelivery().run_many([reward.pk]) == []  # nothing left to send
    event = AuditEvent.objects.get(action="subscriber.erase")
    assert event.detail["queued_stopped"] == 3


def test_erasure_stops_the_queued_calls_and_faxes_to_the_number(db):
    """Hoiio, the Voicent gateway and voice flows' calls need no token:
    rewritten, a queued call or fax would dial the pseudonym. Those to the
    number stop, in the apps erased from; one a worker holds, another number's
    and another app's go on."""
    hoiio, voicent, elsewhere = HoiioAppFactory(), VoicentAppFactory(), HoiioAppFactory()
    globe = ProviderAppFactory()

    tags = iter(range(100))

    def call(app, dest1, dest2="+639179999999", status="queued"):
        return VoiceCall.objects.create(
            app=app, kind="callback", dest1=dest1, dest2=dest2, status=status, tag=f"vc{next(tags)}"
        )

    first, second = call(hoiio, NUMBER), call(hoiio, "+639175550000", dest2=NUMBER)
    held, others = call(hoiio, NUMBER, status="sending"), call(hoiio, "+639175550000")
    not_erased_here = call(elsewhere, NUMBER)
    voicent_call = VoicentCall.objects.create(app=voicent, kind="text", phone=NUMBER, text="hi")
    fax = Fax.objects.create(app=hoiio, direction="out", dest=NUMBER, tag="fax-1")
    received = Fax.objects.create(
        app=hoiio, direction="in", src=NUMBER, dest="+6561234567", tag="fax-2", status="queued"
    )
    ivr = IvrSession.objects.create(app=hoiio, dest=NUMBER, tag="ivr-1")
    flow = VoiceFlow.objects.create(app=globe, name="Survey", slug="survey")
    trigger = CallTrigger.objects.create(app=globe, flow=flow, msisdn=NUMBER)

    erasure = erase_number(number="09171234567", apps=[hoiio, voicent, globe])

    def status(row):
        return type(row).objects.get(pk=row.pk).status

    assert [status(first), status(second)] == ["cancelled", "cancelled"]
    assert (status(voicent_call), status(fax)) == ("cancelled", "failed")
    assert (status(ivr), status(trigger)) == ("failed", "failed")
    assert "erased" in CallTrigger.objects.get(pk=trigger.pk).last_error
    assert "erased" in VoiceCall.objects.get(pk=first.pk).last_error
    going_on = (status(held), status(others), status(not_erased_here))
    assert going_on == ("sending", "queued", "queued")
    assert status(received) == "queued"  # a received fax is not sent anywhere
    assert erasure.queued_stopped == 6
    assert VoiceCallDelivery().run_many([first.pk, second.pk]) == []  # nothing left to place


def test_a_running_voicent_escalation_passes_over_an_erased_contact(db):
    """The walk rewrites the escalation's contacts: the erased one's turns are
    passed over, never sent to the gateway as `erased:…`."""
    app, other = VoicentAppFactory(), "+639181234567"
    escalation = voicent.start_escalation(
        app=app,
        reason="the boiler",
        contacts=[other, NUMBER],
        audio_file="boiler.wav",
        confirm_code="1234",
        call_list="C:\\lists\\{number}.txt",
        rounds=2,
    )

    def the_last_call_fails():
        escalation.calls.filter(status="queued").update(status="failed")
        return voicent.advance_escalation(escalation.pk)

    erase_number(number=NUMBER, apps=[app])

    assert the_last_call_fails() == "running"
    phones = list(escalation.calls.order_by("pk").values_list("phone", "call_list"))
    assert phones == [(other, r"C:\lists\639181234567.txt")] * 2
    assert VoicentEscalation.objects.get(pk=escalation.pk).attempts_made == 3
    assert the_last_call_fails() == "unconfirmed"
    assert escalation.calls.count() == 2


def test_erasure_stops_the_queued_webhooks_of_the_persons_messages(two_apps):
    """The walk blanks a webhook's body on the person's rows: delivered, it
    would post the partner an event with nothing in it. Queued ones stop;
    another number's, and one already delivered, stay as they were."""
    partner = PartnerFactory()

    def webhook(traffic_of, key, status="queued"):
        return WebhookDelivery.objects.create(
            partner=partner,
            message=traffic_of.message_in,
            dedupe_key=key,
            body={"text": "call me back"},
            status=status,
        )

    queued = webhook(two_apps["here"], "wh-1")
    delivered = webhook(two_apps["here"], "wh-2", status="delivered")
    others = webhook(two_apps["other"], "wh-3")

    erase_number(number=NUMBER)

    queued.refresh_from_db()
    assert (queued.status, queued.body) == ("failed", {})
    assert "erased" in queued.last_error
    assert WebhookDelivery.objects.get(pk=delivered.pk).status == "delivered"
    assert WebhookDelivery.objects.get(pk=others.pk).status == "queued"

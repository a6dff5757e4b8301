"""Outbound calls: `start_call` checks and queues; the delivery asks the
sandbox's session API once, over real HTTP, and an unknown outcome is never
asked again; call campaigns; sessions that go quiet expire."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.models import OutboundCall
from telecom.services.operator_decisions import settle_unknown
from tests.support.factories import ProviderAppFactory
from tests.support.voice_flows import launch_body, session_body
from voiceflows.models import CallCampaign, CallSession, CallTrigger, VoiceFlow, VoiceSettings
from voiceflows.services.calls import expire_sessions
from voiceflows.services.outbound import (
    CallTriggerDelivery,
    start_call,
    start_call_campaign,
)

from .test_voice_webhook import post, verbs, voice_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def voice_app(sandbox, globe_app, menu_flow, settings):
    settings.PROVIDER_READ_TIMEOUT = 1.0
    sandbox.register_app(
        app_id=globe_app.app_id,
        app_secret="s",
        shortcode=globe_app.shortcode,
        voice_token="voice-token-1",
    )
    return globe_app


def test_start_call_refuses_what_cannot_be_called(globe_app, menu_flow):
    other = VoiceFlow.objects.create(app=ProviderAppFactory(), slug="x", name="x")
    with pytest.raises(ServiceError, match="another app"):
        start_call(app=globe_app, to="09179990000", flow=other)
    with pytest.raises(ServiceError) as bad_number:
        start_call(app=globe_app, to="12")
    assert bad_number.value.field == "to"
    with pytest.raises(ServiceError, match="variables"):
        start_call(app=globe_app, to="09179990000", variables={"not a name": "x"})
    menu_flow.is_active = False
    menu_flow.save()
    with pytest.raises(ServiceError, match="inactive"):
        start_call(app=globe_app, to="09179990000")
    VoiceSettings.objects.filter(app=globe_app).update(voice_token="")
    with pytest.raises(ServiceError, match="no voice token"):
        start_call(app=globe_app, to="09179990000")
    assert not CallTrigger.objects.exists()


def test_delivery_starts_the_session_with_the_flow_and_reference(sandbox, voice_app, menu_flow):
    trigger = start_call(app=voice_app, to="09179990000", variables={"name": "Ana"})

    CallTriggerDelivery().run(trigger.pk)

    trigger.refresh_from_db()
    [call] = sandbox.calls()
    assert trigger.status == CallTrigger.Status.TRIGGERED
    assert trigger.platform_session_id == call["session_id"]
    assert call["parameters"] == {
        "action": "create",
        "numberToDial": "9179990000",
        "flow": "menu",
        "reference": trigger.reference,
    }
    logged = OutboundCall.objects.get(operation="voice.session")
    assert "voice-token-1" not in logged.url and "Ana" not in logged.url


def test_busy_platform_is_retried_and_a_refused_token_fails(sandbox, voice_app):
    sandbox.set_fault("voice", status=503, times=1)
    trigger = start_call(app=voice_app, to="09179990000")

    CallTriggerDelivery().run(trigger.pk)

    trigger.refresh_from_db()
    assert trigger.status == CallTrigger.Status.QUEUED and "busy" in trigger.last_error
    VoiceSettings.objects.filter(app=voice_app).update(voice_token="wrong-token")
    CallTrigger.objects.filter(pk=trigger.pk).update(next_attempt_at=timezone.now())
    CallTriggerDelivery().run(trigger.pk)
    trigger.refresh_from_db()
    assert trigger.status == CallTrigger.Status.FAILED
    assert "Invalid token" in trigger.last_error


def test_lost_answer_is_unknown_never_resent_until_the_session_arrives(
    client, sandbox, voice_app, menu_flow
):
    sandbox.set_fault("voice", after_apply="timeout", hold_seconds=2, times=1)
    trigger = start_call(app=voice_app, to="09179990000")

    CallTriggerDelivery().run(trigger.pk)
    CallTriggerDelivery().run(trigger.pk)

    trigger.refresh_from_db()
    assert trigger.status == CallTrigger.Status.UNKNOWN
    assert "not sent again" in trigger.last_error
    assert len(sandbox.calls()) == 1  # the platform did start it, once

    body = launch_body("launched1", {"numberToDial": "9179990000", "reference": trigger.reference})
    document = post(client, voice_path(voice_app), body)

    assert verbs(document) == ["call", "on", "on"]
    assert document[0]["call"] == {"to": "9179990000", "timeout": 30}
    trigger.refresh_from_db()
    assert trigger.status == CallTrigger.Status.TRIGGERED
    session = CallSession.objects.get(session_id="launched1")
    assert (session.direction, session.status, session.trigger) == ("outbound", "dialing", trigger)
    received = session.exchanges.get().received["session"]["parameters"]
    assert received["token"] == "[redacted]" and "token" not in session.variables


def test_operator_decides_an_unknown_call(globe_app, menu_flow):
    trigger = start_call(app=globe_app, to="09179990000")
    CallTrigger.objects.filter(pk=trigger.pk).update(status=CallTrigger.Status.UNKNOWN)
    assert settle_unknown(CallTrigger, [trigger.pk], went_through=False, by="ops") == 1
    trigger.refresh_from_db()
    assert trigger.status == "failed" and trigger.last_error == "resolved by ops"
    assert settle_unknown(CallTrigger, [trigger.pk], went_through=True, by="ops") == 0


def test_campaign_queues_one_call_per_number_once(globe_app, menu_flow):
    campaign = CallCampaign.objects.create(
        app=globe_app,
        flow=menu_flow,
        name="Promo blast",
        numbers="09179990000\n+639179990001, 9179990000\nnot a number\n",
    )

    assert start_call_campaign(campaign) == 2

    campaign.refresh_from_db()
    assert campaign.status == "started" and campaign.skipped == "not a number"
    assert sorted(campaign.triggers.values_list("msisdn", flat=True)) == [
        "+639179990000",
        "+639179990001",
    ]
    assert set(campaign.triggers.values_list("source", flat=True)) == {"campaign"}
    with pytest.raises(ServiceError, match="already started"):
        start_call_campaign(campaign)


def test_quiet_sessions_expire(client, globe_app, menu_flow, settings):
    post(client, voice_path(globe_app), session_body("quiet1"))
    CallSession.objects.update(last_activity_at=timezone.now() - timedelta(hours=3))

    assert expire_sessions() == 1

    session = CallSession.objects.get()
    assert session.status == "expired" and session.ended_at is not None
    assert expire_sessions() == 0
    assert json.loads(session.exchanges.get().answer)["tropo"]

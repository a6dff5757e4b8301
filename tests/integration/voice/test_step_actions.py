"""Steps that act, through the same services as the rest of Hatid: each kind
runs once when a call reaches its step, with the call's variables; a refusal
is noted on the exchange and the call goes on."""

from decimal import Decimal

import pytest

from subscribers.models import Subscriber
from telecom.models import Charge, Promo, Reward, WebhookDelivery
from tests.support.factories import PartnerFactory
from tests.support.voice_flows import answer, result_body, session_body
from voiceflows.models import CallExchange, VoiceSettings
from voiceflows.services.flows import import_flow

from .test_voice_webhook import post, says, voice_path

pytestmark = pytest.mark.django_db


def acting(key: str, action: str, then: str = "", **fields) -> dict:
    return {
        "key": key,
        "verb": "say",
        "options": {"value": f"Done: {key}."},
        "action": action,
        "routes": [{"on": "continue", "goto": then}] if then else [],
        **fields,
    }


@pytest.fixture
def shop_flow(globe_app):
    partner = PartnerFactory(webhook_url="https://partner.example.com/hook")
    Promo.objects.create(app=globe_app, code="LOAD 50", wallet_cost=Decimal("50.00"))
    flow = import_flow(
        app=globe_app,
        data={
            "slug": "shop",
            "name": "Shop",
            "start": "menu",
            "steps": [
                {
                    "key": "menu",
                    "verb": "ask",
                    "options": {"choices": {"value": "[1-3 DIGITS]"}, "say": {"value": "Amount?"}},
                    "routes": [{"on": "continue", "goto": "charge"}],
                },
                acting(
                    "charge",
                    "charge",
                    "reward",
                    action_amount="{menu}.00",
                    action_description="Voice purchase",
                ),
                acting("reward", "reward", "tag", action_promo="LOAD 50"),
                acting("tag", "tag", "hook", action_tag="voice-buyer"),
                acting("hook", "webhook", "unknown-promo", action_partner=partner),
                acting("unknown-promo", "reward", action_promo="LOAD 999"),
            ],
        },
    )
    VoiceSettings.objects.create(app=globe_app, voice_token="t", default_flow=flow)
    return flow


def reach(client, app, step: str, sequence: int):
    return post(client, voice_path(app, "shop", step), result_body("s1", sequence))


def test_each_action_runs_once_with_the_calls_variables(client, globe_app, shop_flow):
    post(client, voice_path(globe_app), session_body("s1"))
    post(
        client,
        voice_path(globe_app, "shop", "menu", on="continue"),
        result_body("s1", 1, answer("menu", "25")),
    )
    for sequence, step in enumerate(["reward", "tag", "hook", "unknown-promo"], start=2):
        assert says(reach(client, globe_app, step, sequence)) == [f"Done: {step}."]
    assert says(reach(client, globe_app, "tag", 3)) == ["Done: tag."]  # the platform repeats itself

    charge = Charge.objects.get()
    assert (charge.amount, charge.description, charge.source) == (
        Decimal("25.00"),
        "Voice purchase",
        "voice",
    )
    assert charge.status == "failed" and "consent" in charge.last_error  # no opt-in yet
    assert Reward.objects.get().promo.code == "LOAD 50"
    subscriber = Subscriber.objects.get(msisdn="+639171234567")
    assert list(subscriber.tags.values_list("name", flat=True)) == ["voice-buyer"]
    hook = WebhookDelivery.objects.get()
    assert hook.event == "call.step"
    assert hook.body["call"]["step"] == "hook" and hook.body["call"]["variables"]["menu"] == "25"
    notes = list(CallExchange.objects.order_by("sequence").values_list("note", flat=True))
    assert notes[1].startswith("charge ") and notes[2].startswith("reward ")
    assert notes[3] == "tagged voice-buyer" and notes[4].startswith("webhook to")
    assert "no promo 'LOAD 999'" in notes[5]
    assert len(notes) == 6  # the repeated request was answered from its exchange

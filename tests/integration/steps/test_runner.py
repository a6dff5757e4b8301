"""The one step runner: a USSD end screen and a voice step with the same
action do the same thing through it, each with its own context (source,
description, partner event, confirming); what only a call can do, or what a
service refuses, comes back as a note."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from subscribers.services.consent import subscriber_opt_in
from telecom.admin.ussd import ScreenForm
from telecom.models import Charge, Message, UssdMenu, UssdScreen, WebhookDelivery
from telecom.steps.runner import PartnerEvent, StepContext, run_action
from tests.support.factories import PartnerFactory
from voiceflows.admin.flows import StepForm
from voiceflows.models import Step, VoiceFlow

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(globe_app):
    return subscriber_opt_in(
        app=globe_app, msisdn="+639171234567", token="token-1", channel="sms"
    ).subscriber


def both(**action) -> list:
    """The same action on a USSD end screen and on a voice step (unsaved), each
    with the source its context names."""
    return [
        (UssdScreen(kind="end", text="Done", **action), "ussd"),
        (Step(verb="say", **action), "voice"),
    ]


def context(globe_app, subscriber, source: str, **more) -> StepContext:
    session = SimpleNamespace(
        app=globe_app, subscriber=subscriber, variables={"name": "Ana", "amount": "25"}
    )
    body = more.pop("body", lambda: {"from": source})
    event = PartnerEvent(f"{source}.event", f"{source}:1", body)
    return StepContext.of(session, source, f"{source} menu", event, **more)


def test_an_sms_action_renders_the_same_text_for_a_screen_and_a_step(globe_app, subscriber):
    for step, source in both(action="sms", action_text="Hi {name} {{x}}"):
        note = run_action(step, context(globe_app, subscriber, source))
        assert note.startswith("SMS ")
    texts = list(Message.objects.order_by("pk").values_list("text", "source"))
    assert texts == [("Hi Ana {x}", Message.Source.FLOW)] * 2


def test_a_charge_takes_its_source_and_falls_back_to_the_contexts_description(
    globe_app, subscriber
):
    for step, source in both(action="charge", action_amount="{amount}.50"):
        assert run_action(step, context(globe_app, subscriber, source)).startswith("charge ")
    charges = list(Charge.objects.order_by("pk").values_list("amount", "description", "source"))
    assert charges == [
        (Decimal("25.50"), "ussd menu", "ussd"),
        (Decimal("25.50"), "voice menu", "voice"),
    ]


def test_a_webhook_sends_the_contexts_partner_event_built_only_when_sent(globe_app, subscriber):
    partner = PartnerFactory(webhook_url="https://partner.example.com/hook")
    built = []
    for step, source in both(action="webhook", action_partner=partner):
        body = lambda source=source: built.append(source) or {"from": source}  # noqa: E731
        note = run_action(step, context(globe_app, subscriber, source, body=body))
        assert note == f"webhook to {partner}"
    rows = list(WebhookDelivery.objects.order_by("pk").values_list("event", "dedupe_key", "body"))
    assert rows == [
        ("ussd.event", "ussd:1", {"from": "ussd"}),
        ("voice.event", "voice:1", {"from": "voice"}),
    ]
    assert built == ["ussd", "voice"]
    nobody = Step(action="webhook")
    assert run_action(nobody, context(globe_app, subscriber, "voice", body=None)) == ""


def test_tagging_and_a_refused_reward_are_noted_alike(globe_app, subscriber):
    for step, source in both(action="tag", action_tag="buyer"):
        assert run_action(step, context(globe_app, subscriber, source)) == "tagged buyer"
    assert list(subscriber.tags.values_list("name", flat=True)) == ["buyer"]
    for step, source in both(action="reward", action_promo="NOPE"):
        assert run_action(step, context(globe_app, subscriber, source)).startswith(
            "reward refused: "
        )


def test_only_a_context_that_can_confirm_confirms(globe_app, subscriber):
    step = Step(action="confirm")
    assert run_action(step, context(globe_app, None, "voice", confirm=lambda: "confirmed")) == (
        "confirmed"
    )
    assert run_action(step, context(globe_app, subscriber, "ussd")) == (
        "confirm: only a call confirms an escalation"
    )


def test_an_action_on_the_subscriber_needs_one_and_no_action_does_nothing(globe_app):
    for step, _ in both(action="sms", action_text="Hi"):
        assert run_action(step, context(globe_app, None, "voice")) == (
            "sms: the call has no subscriber number"
        )
    assert run_action(Step(action=""), context(globe_app, None, "voice")) == ""
    assert not Message.objects.exists()


def test_both_kinds_of_step_validate_their_action_the_same_way(globe_app):
    menu = UssdMenu.objects.create(app=globe_app, name="Menu")
    flow = VoiceFlow.objects.create(app=globe_app, slug="f", name="F")
    screen = UssdScreen(menu=menu, key="end", kind="end", text="Bye", action="charge")
    step = Step(flow=flow, key="s", verb="say", options={"value": "Bye"}, action="charge")
    for unfinished in (screen, step):
        with pytest.raises(ValidationError) as problem:
            unfinished.full_clean()
        assert problem.value.message_dict == {"action_amount": ["A charge needs an amount."]}
    screen.action = step.action = "confirm"
    step.full_clean()  # a call confirms its escalation
    with pytest.raises(ValidationError) as problem:
        screen.full_clean()
    assert "cannot confirm" in problem.value.message_dict["action"][0]


def test_a_screens_form_offers_every_action_but_confirming_a_steps_form_all():
    screen_actions = [value for value, _ in ScreenForm().fields["action"].choices]
    step_actions = [value for value, _ in StepForm().fields["action"].choices]
    assert screen_actions == ["", "sms", "charge", "reward", "tag", "webhook"]
    assert step_actions == [*screen_actions, "confirm"]

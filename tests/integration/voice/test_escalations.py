"""Escalation calling: numbers in order, round after round, until someone keys
the code. The platform is played by posting what it would post to the voice
URLs (a token launch, the call's outcome, the answer)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from telecom.errors import ServiceError
from tests.support.voice_flows import answer, launch_body, result_body
from voiceflows.models import CallTrigger, Escalation, EscalationAttempt
from voiceflows.services.escalations import (
    cancel_escalation,
    escalation_flow,
    start_escalation,
    trigger_failed,
    watch_escalations,
)

from .test_voice_webhook import post, says, voice_path

pytestmark = pytest.mark.django_db

FIRST, SECOND = "+639179990001", "+639179990002"


@pytest.fixture
def escalation(globe_app, menu_flow):
    return start_escalation(
        app=globe_app,
        numbers=["09179990001", "09179990002"],
        confirmation_code="4321",
        message="The server room is on fire.",
        rounds=2,
    )


def latest_trigger() -> CallTrigger:
    return CallTrigger.objects.order_by("-pk").first()


def call_is_answered(client, app, trigger, session_id):
    """The platform starts the trigger's session, dials, and the call is answered."""
    body = launch_body(session_id, {"reference": trigger.reference, "numberToDial": "x"})
    post(client, voice_path(app), body)
    return post(client, voice_path(app, trigger.flow.slug, "message"), result_body(session_id, 1))


def code_is_keyed(client, app, session_id, code):
    body = result_body(session_id, 2, answer("code", code))
    return post(client, voice_path(app, "call-till-confirm", "code", on="continue"), body)


def attempts(escalation):
    return list(escalation.attempts.values_list("round", "msisdn", "status"))


def test_first_attempt_calls_the_first_number_with_the_code_flow(escalation):
    [attempt] = escalation.attempts.all()
    trigger = attempt.trigger
    assert (attempt.round, attempt.msisdn, attempt.status) == (1, FIRST, "calling")
    assert trigger.flow.slug == "call-till-confirm" and trigger.source == "escalation"
    assert trigger.variables == {
        "message": "The server room is on fire.",
        "confirmation_code": "4321",
    }
    assert attempt.deadline_at > timezone.now()


def test_no_answer_calls_the_next_number_and_the_right_code_confirms(client, globe_app, escalation):
    first = latest_trigger()
    post(client, voice_path(globe_app), launch_body("s1", {"reference": first.reference}))
    failed = result_body("s1", 1, {"name": "call", "attempts": 1, "disposition": "TIMEOUT"})
    post(client, voice_path(globe_app, "call-till-confirm", "message", on="incomplete"), failed)

    assert attempts(escalation) == [(1, FIRST, "no_answer"), (1, SECOND, "calling")]
    document = call_is_answered(client, globe_app, latest_trigger(), "s2")
    assert says(document) == ["The server room is on fire."]
    assert document[1]["ask"]["choices"]["value"] == "[1-12 DIGITS]"

    confirmed = code_is_keyed(client, globe_app, "s2", "4321")

    assert says(confirmed) == ["Thank you. Your confirmation is recorded. Goodbye."]
    escalation.refresh_from_db()
    assert escalation.status == "confirmed" and escalation.confirmed_by == SECOND
    assert attempts(escalation) == [(1, FIRST, "no_answer"), (1, SECOND, "confirmed")]
    assert CallTrigger.objects.count() == 2


def test_wrong_codes_go_round_until_the_rounds_are_exhausted(client, globe_app, escalation):
    for index in range(4):
        call_is_answered(client, globe_app, latest_trigger(), f"s{index}")
        wrong = code_is_keyed(client, globe_app, f"s{index}", "1111")
        assert says(wrong) == ["That code is not right. Goodbye."]

    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.EXHAUSTED
    assert attempts(escalation) == [
        (1, FIRST, "not_confirmed"),
        (1, SECOND, "not_confirmed"),
        (2, FIRST, "not_confirmed"),
        (2, SECOND, "not_confirmed"),
    ]


def test_a_call_that_cannot_be_made_and_a_silent_deadline_move_on(escalation):
    trigger = latest_trigger()
    CallTrigger.objects.filter(pk=trigger.pk).update(status="failed", last_error="refused")
    trigger.refresh_from_db()

    trigger_failed(trigger)

    EscalationAttempt.objects.filter(status="calling").update(
        deadline_at=timezone.now() - timedelta(seconds=1)
    )
    assert watch_escalations() == 1
    assert attempts(escalation) == [
        (1, FIRST, "failed"),
        (1, SECOND, "no_answer"),
        (2, FIRST, "calling"),
    ]
    assert watch_escalations() == 0


def test_cancelled_escalation_calls_no_one_else(client, globe_app, escalation):
    assert cancel_escalation(escalation, by="ops")
    assert not cancel_escalation(escalation, by="ops")
    call_is_answered(client, globe_app, latest_trigger(), "s1")
    code_is_keyed(client, globe_app, "s1", "4321")
    escalation.refresh_from_db()
    assert escalation.status == "cancelled" and escalation.confirmed_by == ""
    assert attempts(escalation) == [(1, FIRST, "cancelled")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"numbers": []}, "numbers"),
        ({"numbers": ["12"]}, "numbers"),
        ({"confirmation_code": "12ab"}, "confirmation_code"),
        ({"message": " "}, "message"),
        ({"rounds": 0}, "rounds"),
        ({"provider": "tropo"}, "provider"),
        ({"provider": "voicent"}, "app"),  # a Globe Labs app has no gateway
    ],
)
def test_start_escalation_refuses_what_it_cannot_do(globe_app, menu_flow, change, field):
    values = {
        "numbers": ["09179990001"],
        "confirmation_code": "4321",
        "message": "Hello",
        **change,
    }
    with pytest.raises(ServiceError) as refused:
        start_escalation(app=globe_app, **values)
    assert refused.value.field == field
    assert not Escalation.objects.exists()


def test_escalation_flow_is_made_once_per_app(globe_app):
    assert escalation_flow(globe_app).pk == escalation_flow(globe_app).pk

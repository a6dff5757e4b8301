"""End to end, calls through the Voicent gateway: Hatid's services, a real
Celery worker polling the sandbox's gateway twin (it never calls back), and
call-till-confirm escalations; faults that lose an answer never make a
second call."""

import pytest

from sandbox.client import wait_for
from telecom.errors import ServiceError
from telecom.models import VoicentCall, VoicentEscalation
from telecom.services import voicent
from telecom.signals import escalation_finished
from voiceflows.models import Escalation
from voiceflows.services import escalations

pytestmark = pytest.mark.e2e
A, B, C = "+639171234567", "+639181234567", "+639191234567"
WAV = r"C:\Program Files\Voicent\MyRecordings\sample_message.wav"


def call_in(pk, *statuses):
    return VoicentCall.objects.filter(pk=pk, status__in=statuses).first()


def test_a_text_call_is_made_and_then_removed_from_the_gateway(sandbox, voicent_app, celery_worker):
    call = voicent.place_voicent_call(
        app=voicent_app, to="09171234567", text="Your parcel is here", remove_when_done=True
    )
    made = wait_for(lambda: call_in(call.pk, "made"), what="the call made")
    assert made.polls >= 1 and made.gateway_status == "made"
    [request] = sandbox.voicent_requests(req_id=made.req_id)
    assert (request["kind"], request["txt"], request["phoneno"]) == (
        "text",
        "Your parcel is here",
        "09171234567",
    )
    wait_for(lambda: VoicentCall.objects.get(pk=call.pk).removed_at, what="removed")
    assert sandbox.voicent_requests(req_id=made.req_id)[0]["removed"]


def test_an_audio_call(sandbox, voicent_app, celery_worker):
    call = voicent.place_voicent_call(app=voicent_app, to=A, audio_file=WAV)
    made = wait_for(lambda: call_in(call.pk, "made"))
    assert sandbox.voicent_requests(req_id=made.req_id)[0]["audiofile"] == WAV


def test_a_busy_number_is_retried_by_the_gateway_then_fails(sandbox, voicent_app, celery_worker):
    sandbox.phone(A, call="busy")
    call = voicent.place_voicent_call(app=voicent_app, to=A, text="x")
    failed = wait_for(lambda: call_in(call.pk, "failed"))
    assert sandbox.voicent_requests(req_id=failed.req_id)[0]["attempts"] == 3


def test_a_call_not_made_yet_is_removed_and_never_made(sandbox, voicent_app, celery_worker):
    sandbox.configure(voicent_progress_delay=30.0)
    call = voicent.place_voicent_call(app=voicent_app, to=A, text="x")
    requested = wait_for(lambda: call_in(call.pk, "requested"))
    assert voicent.remove_call(requested)
    wait_for(lambda: call_in(call.pk, "cancelled"), what="cancelled")
    [request] = sandbox.voicent_requests()
    assert request["removed"] and request["attempts"] == 0


def test_a_self_deleting_call_is_not_followed(sandbox, voicent_app, celery_worker):
    call = voicent.place_voicent_call(app=voicent_app, to=A, text="x", selfdelete=True)
    requested = wait_for(lambda: call_in(call.pk, "requested"))
    assert requested.req_id and "self-deleting" in requested.gateway_status
    wait_for(lambda: sandbox.voicent_requests()[0]["removed"])
    assert VoicentCall.objects.get(pk=call.pk).polls == 0


def test_a_call_needs_text_or_audio_and_a_voicent_app(voicent_app, hoiio_app):
    with pytest.raises(ServiceError):
        voicent.place_voicent_call(app=voicent_app, to=A)
    with pytest.raises(ServiceError):
        voicent.place_voicent_call(app=hoiio_app, to=A, text="x")


@pytest.mark.parametrize("fault", ["timeout", "reset", "error"])
def test_a_call_whose_answer_is_lost_is_made_once_and_left_to_an_operator(
    sandbox, voicent_app, celery_worker, fault
):
    sandbox.set_fault("voicent", after_apply=fault, hold_seconds=3.0, times=1)
    call = voicent.place_voicent_call(app=voicent_app, to=A, text="once")
    unknown = wait_for(lambda: call_in(call.pk, "unknown"))
    assert unknown.req_id == "" and "not resent" in unknown.last_error
    wait_for(lambda: [r["status"] for r in sandbox.voicent_requests()] == ["made"])
    assert len(sandbox.voicent_requests()) == 1


def test_a_status_query_that_fails_is_asked_again(sandbox, voicent_app, celery_worker):
    call = voicent.place_voicent_call(app=voicent_app, to=A, text="x")
    wait_for(lambda: call_in(call.pk, "requested"))
    sandbox.set_fault("voicent", status=500, times=2)
    wait_for(lambda: call_in(call.pk, "made"), what="made after the failed polls")
    assert len(sandbox.voicent_requests()) == 1


# --- call till confirm ------------------------------------------------------------------

ONE_BY_ONE = r"C:\calllists\{number}.voc"


def lists_for(sandbox, *numbers):
    for number in numbers:
        sandbox.voicent_call_list(ONE_BY_ONE.replace("{number}", number[1:]), [number])


def test_an_escalation_calls_each_in_turn_until_one_confirms(sandbox, voicent_app, celery_worker):
    heard = []

    def listener(sender, escalation, **kwargs):
        heard.append((escalation.pk, escalation.status, escalation.confirmed_by))

    escalation_finished.connect(listener, dispatch_uid="test-listener")
    lists_for(sandbox, A, B, C)
    sandbox.phone(A, call="unanswered")
    sandbox.phone(B, digits="0000")
    sandbox.phone(C, digits="4321")
    escalation = voicent.start_escalation(
        app=voicent_app,
        reason="Server room too hot",
        contacts=[A, B, C],
        audio_file=WAV,
        confirm_code="4321",
        call_list=ONE_BY_ONE,
    )
    done = wait_for(
        lambda: VoicentEscalation.objects.filter(pk=escalation.pk, status="confirmed").first(),
        timeout=20,
    )
    assert done.confirmed_by == C and done.attempts_made == 3
    wait_for(lambda: heard, what="escalation_finished")
    escalation_finished.disconnect(dispatch_uid="test-listener")
    assert heard == [(escalation.pk, "confirmed", C)]
    attempts = list(done.calls.order_by("pk"))
    assert [(a.phone, a.status) for a in attempts] == [
        (A, "failed"),
        (B, "failed"),
        (C, "made"),
    ]
    runs = sandbox.voicent_requests(kind="till_confirm")
    assert [r["call_list"] for r in runs] == [rf"C:\calllists\{n[1:]}.voc" for n in (A, B, C)]
    assert {r["confirm_code"] for r in runs} == {"4321"}


def test_an_escalation_nobody_confirms_goes_round_then_gives_up(
    sandbox, voicent_app, celery_worker
):
    lists_for(sandbox, A, B)
    sandbox.phone(A, digits="9")
    sandbox.phone(B, call="busy")
    escalation = voicent.start_escalation(
        app=voicent_app,
        reason="x",
        contacts=[A, B],
        audio_file=WAV,
        confirm_code="1234",
        call_list=ONE_BY_ONE,
        rounds=2,
    )
    done = wait_for(
        lambda: VoicentEscalation.objects.filter(pk=escalation.pk, status="unconfirmed").first(),
        timeout=20,
    )
    assert done.attempts_made == 4 and done.confirmed_by == ""


def test_an_escalation_over_one_list_says_that_someone_confirmed(
    sandbox, voicent_app, celery_worker
):
    whole = r"C:\calllists\oncall.voc"
    sandbox.voicent_call_list(whole, [A, B])
    sandbox.phone(B, digits="77")
    escalation = voicent.start_escalation(
        app=voicent_app,
        reason="x",
        contacts=[A, B],
        audio_file=WAV,
        confirm_code="77",
        call_list=whole,
    )
    done = wait_for(
        lambda: VoicentEscalation.objects.filter(pk=escalation.pk, status="confirmed").first()
    )
    assert done.attempts_made == 1 and done.confirmed_by == ""
    assert sandbox.voicent_requests()[0]["confirmed_by"] == B


def test_a_silent_attempt_is_removed_after_its_timeout(sandbox, voicent_app, celery_worker):
    lists_for(sandbox, A, B)
    sandbox.phone(B, digits="55")
    sandbox.configure(voicent_progress_delay=60.0)
    escalation = voicent.start_escalation(
        app=voicent_app,
        reason="x",
        contacts=[A, B],
        audio_file=WAV,
        confirm_code="55",
        call_list=ONE_BY_ONE,
        attempt_timeout=1,
    )
    wait_for(lambda: VoicentEscalation.objects.get(pk=escalation.pk).attempts_made == 2)
    first = VoicentEscalation.objects.get(pk=escalation.pk).calls.order_by("pk").first()
    wait_for(lambda: VoicentCall.objects.get(pk=first.pk).removed_at)
    assert sandbox.voicent_requests()[0]["removed"]


def test_cancelling_an_escalation_removes_its_open_attempt(sandbox, voicent_app, celery_worker):
    lists_for(sandbox, A)
    sandbox.configure(voicent_progress_delay=60.0)
    escalation = voicent.start_escalation(
        app=voicent_app,
        reason="x",
        contacts=[A],
        audio_file=WAV,
        confirm_code="1",
        call_list=ONE_BY_ONE,
    )
    attempt = wait_for(lambda: escalation.calls.filter(status="requested").first())
    assert voicent.cancel_escalation(escalation)
    wait_for(lambda: call_in(attempt.pk, "cancelled"))
    assert sandbox.voicent_requests()[0]["removed"]
    assert VoicentEscalation.objects.get(pk=escalation.pk).status == "cancelled"


# --- the voice flows' escalation, run by the gateway ------------------------------------


def flow_escalation(app, numbers, code, **fields):
    """A voice-flow escalation the gateway runs, one call list per person."""
    return escalations.start_escalation(
        app=app,
        numbers=numbers,
        confirmation_code=code,
        provider="voicent",
        audio_file=WAV,
        call_list=ONE_BY_ONE,
        **{"message": "x", **fields},
    )


def test_a_voice_flow_escalation_through_voicent_follows_the_gateway(
    sandbox, voicent_app, celery_worker
):
    lists_for(sandbox, A, B)
    sandbox.phone(A, call="unanswered")
    sandbox.phone(B, digits="4321")
    escalation = flow_escalation(
        voicent_app,
        ["09171234567", "09181234567"],
        "4321",
        message="Server room too hot",
        rounds=1,
    )
    assert escalation.voicent.contacts == [A, B] and escalation.flow is None

    done = wait_for(
        lambda: Escalation.objects.filter(pk=escalation.pk, status="confirmed").first(),
        timeout=20,
        what="the escalation confirmed",
    )
    assert done.confirmed_by == B and done.confirmed_at == done.voicent.confirmed_at
    assert [r["confirm_code"] for r in sandbox.voicent_requests(kind="till_confirm")] == [
        "4321",
        "4321",
    ]


def test_cancelling_a_voice_flow_escalation_cancels_it_at_the_gateway(
    sandbox, voicent_app, celery_worker
):
    lists_for(sandbox, A)
    sandbox.configure(voicent_progress_delay=60.0)
    escalation = flow_escalation(voicent_app, [A], "1")
    wait_for(lambda: escalation.voicent.calls.filter(status="requested").exists())

    assert escalations.cancel_escalation(escalation, by="ops")

    wait_for(lambda: sandbox.voicent_requests()[0]["removed"], what="removed at the gateway")
    assert VoicentEscalation.objects.get(pk=escalation.voicent_id).status == "cancelled"
    assert Escalation.objects.get(pk=escalation.pk).status == "cancelled"


def test_an_end_whose_signal_was_lost_is_caught_up_by_the_watchdog(sandbox, voicent_app):
    lists_for(sandbox, A)
    escalation = flow_escalation(voicent_app, [A], "1")
    # The gateway's escalation ended, and the process died before the signal.
    VoicentEscalation.objects.filter(pk=escalation.voicent_id).update(status="unconfirmed")
    assert Escalation.objects.get(pk=escalation.pk).status == "running"

    assert escalations.watch_escalations() == 1

    assert Escalation.objects.get(pk=escalation.pk).status == "exhausted"
    assert escalations.watch_escalations() == 0

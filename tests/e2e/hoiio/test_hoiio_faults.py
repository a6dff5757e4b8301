"""End to end, Hoiio misbehaving: whatever goes wrong after a request left,
nothing is sent twice. Hoiio has no idempotency key, so a lost answer leaves
the row `unknown` until Hoiio's own records (its history, found by the row's
tag; a notification) settle it; only what certainly never left is retried."""

import pytest
from django.utils import timezone

from sandbox.client import wait_for
from telecom import outbox
from telecom.models import Fax, HoiioNumber, IvrSession, IvrStep, Message, SmsBulk, VoiceCall
from telecom.services import campaigns
from telecom.services import fax as faxes
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import numbers as hoiio_numbers
from telecom.services.hoiio import voice as hoiio_voice
from telecom.services.hoiio.resolve import resolve_app
from telecom.services.messaging import send_sms
from telecom.services.operator_decisions import send_again
from tests.support.http_server import free_port

pytestmark = pytest.mark.e2e
A, B = "+639171234567", "+639181234567"
PDF = b"%PDF-1.4\n/Type /Page\n%%EOF\n"


def message_in(pk, *statuses):
    return Message.objects.filter(pk=pk, status__in=statuses).first()


@pytest.mark.parametrize("fault", ["reset", "timeout", "error"])
def test_an_sms_whose_answer_is_lost_is_sent_once(sandbox, hoiio_app, celery_worker, fault):
    """A reset, a read timeout or a 500, each after Hoiio applied the request."""
    sandbox.set_fault("hoiio_sms", after_apply=fault, hold_seconds=3.0, times=1)
    message = send_sms(app=hoiio_app, to=A, text="once")
    # The delivery report may settle it first; otherwise the history does.
    wait_for(lambda: message_in(message.pk, "unknown", "sent"), what="the attempt")
    resolve_app(hoiio_app)
    settled = wait_for(lambda: message_in(message.pk, "sent"), what="settled as sent")
    [txn] = sandbox.hoiio_transactions(kind="sms")
    assert settled.txn_ref == txn["txn_ref"] and txn["tag"] == message.client_correlator
    assert settled.attempts == 1


def test_an_sms_refused_with_a_503_is_found_unsent_and_sent_once_when_retried(
    sandbox, hoiio_app, celery_worker, settings
):
    settings.HOIIO_RESOLVE_GRACE_SECONDS = 0
    sandbox.set_fault("hoiio_sms", status=503, times=1)
    message = send_sms(app=hoiio_app, to=A, text="once")
    wait_for(lambda: message_in(message.pk, "unknown"), what="unknown after the 503")
    resolve_app(hoiio_app)
    failed = message_in(message.pk, "failed")
    assert "not sent" in failed.last_error
    assert sandbox.hoiio_transactions() == []
    send_again(Message, [message.pk])  # the operator's decision
    wait_for(lambda: message_in(message.pk, "sent"))
    assert len(sandbox.hoiio_transactions(kind="sms")) == 1


def test_an_sms_hoiio_never_saw_is_retried_until_it_goes(
    sandbox, hoiio_app, celery_worker, settings
):
    """A connection refused certainly sent nothing: retried, then sent once."""
    reachable = settings.HOIIO_API_URL
    settings.HOIIO_API_URL = f"http://127.0.0.1:{free_port()}/hoiio"
    message = send_sms(app=hoiio_app, to=A, text="eventually")
    wait_for(lambda: Message.objects.get(pk=message.pk).attempts >= 2, what="retries")
    settings.HOIIO_API_URL = reachable
    wait_for(lambda: message_in(message.pk, "sent"), timeout=15)
    assert len(sandbox.hoiio_transactions(kind="sms")) == 1


def test_a_killed_worker_never_leads_to_a_second_send(sandbox, hoiio_app, celery_worker):
    """A worker that died after its request left: the row's lease expires, the
    sweeper publishes it again, and the next attempt finds submitted_at."""
    message = send_sms(app=hoiio_app, to=A, text="x")
    # Its delivery report applied first: applying one locks the row, which a
    # claim passes over (SKIP LOCKED), and turns an unknown outcome into sent.
    wait_for(
        lambda: Message.objects.filter(pk=message.pk, status="sent").exclude(delivery_status="")
    )
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, lease_until=timezone.now()
    )
    outbox.sweep()
    wait_for(lambda: message_in(message.pk, "unknown"), what="not resent")
    assert len(sandbox.hoiio_transactions(kind="sms")) == 1
    resolve_app(hoiio_app)
    assert message_in(message.pk, "sent")


def test_a_bulk_whose_answer_is_lost_is_settled_by_its_reports(sandbox, hoiio_app, celery_worker):
    from subscribers.models import Subscriber

    Subscriber.objects.bulk_create(
        [Subscriber(app=hoiio_app, msisdn=f"+63917{n:07d}") for n in range(20)]
    )
    sandbox.set_fault("hoiio_sms", after_apply="error", times=1)
    campaign = campaigns.create_campaign(app=hoiio_app, name="C", text="x", segment={})
    bulk = wait_for(lambda: SmsBulk.objects.filter(status="unknown").first(), what="unknown")
    wait_for(
        lambda: not Message.objects.filter(campaign=campaign).exclude(status="sent").exists(),
        what="the reports proving each SMS went",
    )
    resolve_app(hoiio_app)
    bulk.refresh_from_db()
    assert bulk.status == SmsBulk.Status.SENT and bulk.bulk_txn_ref.startswith("AA-B-")
    assert len(sandbox.hoiio_transactions(kind="sms")) == 20


def test_a_call_back_whose_answer_is_lost_is_found_in_the_history(
    sandbox, hoiio_app, celery_worker
):
    sandbox.set_fault("hoiio_voice", after_apply="reset", times=1)
    call = hoiio_voice.place_call_back(app=hoiio_app, dest1=A, dest2=B)
    wait_for(lambda: VoiceCall.objects.filter(pk=call.pk, status="unknown").exists())
    resolve_app(hoiio_app)
    call.refresh_from_db()
    assert call.status in (VoiceCall.Status.PLACED, VoiceCall.Status.ONGOING)
    assert call.txn_ref == sandbox.hoiio_transactions(kind="call")[0]["txn_ref"]
    assert len(sandbox.hoiio_transactions(kind="call")) == 1


def test_a_fax_whose_answer_is_lost_is_sent_once(sandbox, hoiio_app, celery_worker):
    sandbox.set_fault("hoiio_fax", after_apply="timeout", hold_seconds=3.0, times=1)
    fax = faxes.send_fax(app=hoiio_app, dest=A, document=PDF)
    # Its status report may come before the client gives up on the answer.
    wait_for(lambda: Fax.objects.filter(pk=fax.pk, status__in=["unknown", "answered"]).exists())
    resolve_app(hoiio_app)
    wait_for(lambda: Fax.objects.filter(pk=fax.pk, status="answered").exists())
    assert len(sandbox.hoiio_transactions(kind="fax")) == 1


def test_a_rental_whose_answer_is_lost_is_found_in_the_active_list(
    sandbox, hoiio_app, celery_worker
):
    sandbox.set_fault("hoiio_number", after_apply="reset", times=1)
    number = hoiio_numbers.subscribe_number(app=hoiio_app, number="+6531591003")
    wait_for(lambda: HoiioNumber.objects.filter(pk=number.pk, status="unknown").exists())
    resolve_app(hoiio_app)
    assert HoiioNumber.objects.get(pk=number.pk).status == HoiioNumber.Status.ACTIVE
    assert len(sandbox.hoiio_transactions(kind="number")) == 1


def test_an_ivr_block_whose_answer_is_lost_runs_once_and_the_session_goes_on(
    sandbox, hoiio_app, celery_worker
):
    session = hoiio_ivr.start_ivr(
        app=hoiio_app,
        dest=A,
        steps=[{"kind": "play", "msg": "one"}, {"kind": "play", "msg": "two"}],
    )
    wait_for(lambda: IvrSession.objects.filter(pk=session.pk, status="running").exists())
    sandbox.set_fault("hoiio_ivr", after_apply="reset", times=1)
    wait_for(
        lambda: IvrSession.objects.filter(pk=session.pk, status="completed").exists(), timeout=20
    )
    first = IvrStep.objects.get(session=session, index=0)
    assert first.status == IvrStep.Status.DONE and first.attempts == 1
    blocks = [b["block"] for b in sandbox.hoiio_sessions()[0]["transcript"]]
    assert blocks == ["dial", "play", "play", "hangup"]


def test_duplicated_and_reordered_notifications_change_nothing(sandbox, hoiio_app, celery_worker):
    sandbox.set_fault("callbacks", duplicate=True)
    message = send_sms(app=hoiio_app, to=A, text="x")
    wait_for(lambda: Message.objects.filter(pk=message.pk, delivery_status="delivered").exists())
    from telecom.models import CallbackEvent

    # Both stored, and both handled (the copy may still be in its worker's hands).
    handled = CallbackEvent.objects.filter(kind="sms").exclude(status="received")
    wait_for(lambda: handled.count() == 2)
    assert "nothing new" in CallbackEvent.objects.order_by("pk").last().note

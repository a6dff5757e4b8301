"""USSD end to end: the sandbox handset dials Hatid's live menu; replies go
out on the ussd queue through a real worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.client import wait_for
from telecom import outbox
from telecom.models import (
    CallbackEvent,
    Charge,
    Message,
    UssdExchange,
    UssdSession,
)
from telecom.services.ussd import UssdReplyDelivery, expire_sessions
from tests.support.lanes import process_callbacks
from tests.support.ussd_menus import shop_menu

pytestmark = pytest.mark.e2e
NUMBER = "+639171234567"


@pytest.fixture
def live_menu(hatid):
    return shop_menu(hatid.app, name="Shop")


def screen(hatid):
    return (hatid.sandbox.handset(NUMBER).get("ussd") or {}).get("screen")


def wait_screen(hatid, text):
    return wait_for(lambda: screen(hatid) == text, what=f"the screen {text!r}")


def test_three_levels_with_validation_an_sms_and_a_charge(hatid, live_menu, celery_worker):
    hatid.opt_in(NUMBER)
    hatid.sandbox.dial(NUMBER, "*120*1234#")
    wait_screen(hatid, "Welcome\n1. Info\n2. Buy load")
    hatid.sandbox.ussd_input(NUMBER, "2")
    wait_screen(hatid, "Buy load\n1. Other amount")
    hatid.sandbox.ussd_input(NUMBER, "1")
    wait_screen(hatid, "Enter amount:")
    hatid.sandbox.ussd_input(NUMBER, "lots")
    wait_screen(hatid, "Enter an amount, like 50 or 12.50.\nEnter amount:")
    hatid.sandbox.ussd_input(NUMBER, "15")
    wait_screen(hatid, "Thank you! 15 pesos.")
    charge = wait_for(lambda: Charge.objects.filter(status="charged").first(), what="the charge")
    assert str(charge.amount) == "15.00"
    session = UssdSession.objects.get()
    assert session.status == "completed"
    latencies = list(UssdExchange.objects.values_list("latency_ms", flat=True))
    assert len(latencies) == 5 and all(ms is not None for ms in latencies)


def test_preset_inputs_and_the_sms_at_the_end(hatid, live_menu, celery_worker):
    hatid.opt_in(NUMBER)
    hatid.sandbox.dial(NUMBER, "*120*1234*1#")
    wait_screen(hatid, "We will text you the details.")
    wait_for(
        lambda: "Details: call 888" in [m["text"] for m in hatid.sandbox.inbox(NUMBER)],
        what="the SMS on the handset",
    )
    assert Message.objects.get(direction="out").source == "flow"


def test_duplicate_callbacks_are_answered_once(hatid, live_menu, celery_worker):
    hatid.opt_in(NUMBER)
    hatid.sandbox.set_fault("callbacks", duplicate=True)
    hatid.sandbox.dial(NUMBER, "*120*1234#")
    wait_screen(hatid, "Welcome\n1. Info\n2. Buy load")
    wait_for(lambda: len(hatid.sandbox.callbacks("ussd")) >= 2, what="the duplicated callback")
    assert UssdExchange.objects.count() == 1
    [delivery] = [d for d in hatid.sandbox.deliveries("ussd")]
    assert delivery["status_code"] in (200, 201)


def test_a_session_the_platform_timed_out_is_closed_here(hatid, live_menu, celery_worker):
    hatid.opt_in(NUMBER)
    hatid.sandbox.dial(NUMBER, "*120*1234*2#")
    wait_screen(hatid, "Buy load\n1. Other amount")
    UssdSession.objects.update(last_activity_at=timezone.now() - timedelta(minutes=5))
    assert expire_sessions() == 1
    assert UssdSession.objects.get().status == "timed_out"


def dial_before_the_opt_in_is_applied(hatid) -> UssdExchange:
    """The handset opts in (INFO, YES) and dials; no worker: the opt-in waits
    in its lane, the dial's reply is queued."""
    hatid.sandbox.add_subscriber(NUMBER)
    hatid.sandbox.text(NUMBER, hatid.app.shortcode, "INFO")
    hatid.sandbox.text(NUMBER, hatid.app.shortcode, "YES")
    wait_for(
        lambda: CallbackEvent.objects.filter(kind="redirect", status="received").exists(),
        what="the opt-in stored in its lane",
    )
    hatid.sandbox.dial(NUMBER, "*120*1234#")
    return wait_for(lambda: UssdExchange.objects.first(), what="the dial's reply queued")


def test_a_dial_right_after_the_opt_in_is_answered_once_the_opt_in_is_applied(hatid, live_menu):
    """The opt-in is answered once stored and applied by its lane's worker; a
    USSD dial is processed at once. A dial that comes before the opt-in was
    applied (no worker here: it waits in its lane) has its reply retried
    shortly, not failed for want of consent, and answered once it is applied."""
    reply = dial_before_the_opt_in_is_applied(hatid)

    attempted = timezone.now()
    UssdReplyDelivery().run_many([reply.pk])
    reply.refresh_from_db()
    assert reply.status == UssdExchange.Status.QUEUED, reply.last_error
    assert "not yet applied" in reply.last_error
    # The lane's own pace (0.2 s), not the outbox's backoff (0.05 s here).
    wait = reply.next_attempt_at - attempted
    assert timedelta(seconds=0.2) <= wait < timedelta(seconds=1)

    assert process_callbacks() == 1  # the lane's worker applies the opt-in
    UssdExchange.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    UssdReplyDelivery().run_many([reply.pk])
    reply.refresh_from_db()
    assert reply.status == UssdExchange.Status.SENT
    wait_screen(hatid, "Welcome\n1. Info\n2. Buy load")


def test_an_opt_in_applied_between_the_claim_and_the_look_at_the_lane(hatid, live_menu):
    """The reply's claim read no token; the lane applied the opt-in just after;
    the lane then looks empty. The reply is sent with the token now there."""
    reply = dial_before_the_opt_in_is_applied(hatid)
    [claimed] = outbox.claim_many(UssdExchange, [reply.pk])
    assert claimed.session.subscriber.live_token() is None  # as the claim read it

    assert process_callbacks() == 1
    delivery = UssdReplyDelivery()
    outcomes, _ = delivery.attempt_within_lease([claimed])
    delivery.record_outcomes(outcomes)

    reply.refresh_from_db()
    assert reply.status == UssdExchange.Status.SENT, reply.last_error
    wait_screen(hatid, "Welcome\n1. Info\n2. Buy load")


def test_a_dial_without_any_opt_in_fails_at_once(hatid, live_menu):
    """Nothing waits in the subscriber's lane: no consent is a failure, not a wait."""
    hatid.sandbox.add_subscriber(NUMBER)
    hatid.sandbox.dial(NUMBER, "*120*1234#")
    reply = wait_for(lambda: UssdExchange.objects.first(), what="the dial's reply queued")
    UssdReplyDelivery().run_many([reply.pk])
    reply.refresh_from_db()
    assert reply.status == UssdExchange.Status.FAILED
    assert "no live access token" in reply.last_error


def test_a_dial_at_once_after_yes_reaches_the_screen_through_the_worker(
    hatid, live_menu, celery_worker
):
    """The same race with a real worker: the handset dials the moment its YES
    is answered; whichever the worker applies first, the menu reaches the
    screen and the reply is sent once."""
    hatid.sandbox.add_subscriber(NUMBER)
    hatid.sandbox.text(NUMBER, hatid.app.shortcode, "INFO")
    hatid.sandbox.text(NUMBER, hatid.app.shortcode, "YES")
    hatid.sandbox.dial(NUMBER, "*120*1234#")
    wait_screen(hatid, "Welcome\n1. Info\n2. Buy load")
    wait_for(
        lambda: UssdExchange.objects.filter(status=UssdExchange.Status.SENT).exists(),
        what="the reply recorded as sent",
    )
    assert UssdExchange.objects.count() == 1
    assert len(hatid.sandbox.deliveries("ussd")) == 1

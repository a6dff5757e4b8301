"""USSD end to end: the sandbox handset dials Hatid's live menu; replies go
out on the ussd queue through a real worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from telecom.models import (
    Charge,
    Message,
    UssdExchange,
    UssdMenu,
    UssdOption,
    UssdScreen,
    UssdSession,
)
from telecom.services.ussd import expire_sessions
from tests.support.sandbox import wait_for

pytestmark = pytest.mark.e2e
NUMBER = "+639171234567"


@pytest.fixture
def live_menu(hatid):
    menu = UssdMenu.objects.create(app=hatid.app, name="Shop", is_live=True)
    main = UssdScreen.objects.create(menu=menu, key="main", kind="menu", text="Hatid shop")
    info = UssdScreen.objects.create(
        menu=menu,
        key="info",
        kind="end",
        text="Details by SMS.",
        action="sms",
        action_text="Open 9 to 5.",
    )
    buy = UssdScreen.objects.create(menu=menu, key="buy", kind="menu", text="Buy")
    done = UssdScreen.objects.create(
        menu=menu,
        key="done",
        kind="end",
        text="Paid {amount}. Thanks!",
        action="charge",
        action_amount="{amount}",
        action_description="Shop",
    )
    amount = UssdScreen.objects.create(
        menu=menu,
        key="amount",
        kind="input",
        text="Amount?",
        variable="amount",
        validation="amount",
        max_length=6,
        next_screen=done,
    )
    UssdOption.objects.create(screen=main, position=1, label="Info", target=info)
    UssdOption.objects.create(screen=main, position=2, label="Buy", target=buy)
    UssdOption.objects.create(screen=buy, position=1, label="Pay", target=amount)
    menu.start_screen = main
    menu.save()
    return menu


def screen(hatid):
    return (hatid.sandbox.handset(NUMBER).get("ussd") or {}).get("screen")


def wait_screen(hatid, text):
    return wait_for(lambda: screen(hatid) == text, what=f"the screen {text!r}")


def test_three_levels_with_validation_an_sms_and_a_charge(hatid, live_menu, celery_worker):
    hatid.opt_in(NUMBER)
    hatid.sandbox.dial(NUMBER, "*120*1234#")
    wait_screen(hatid, "Hatid shop\n1. Info\n2. Buy")
    hatid.sandbox.ussd_input(NUMBER, "2")
    wait_screen(hatid, "Buy\n1. Pay")
    hatid.sandbox.ussd_input(NUMBER, "1")
    wait_screen(hatid, "Amount?")
    hatid.sandbox.ussd_input(NUMBER, "lots")
    wait_screen(hatid, "Enter an amount, like 50 or 12.50.\nAmount?")
    hatid.sandbox.ussd_input(NUMBER, "15")
    wait_screen(hatid, "Paid 15. Thanks!")
    charge = wait_for(lambda: Charge.objects.filter(status="charged").first(), what="the charge")
    assert str(charge.amount) == "15.00"
    session = UssdSession.objects.get()
    assert session.status == "completed"
    latencies = list(UssdExchange.objects.values_list("latency_ms", flat=True))
    assert len(latencies) == 5 and all(ms is not None for ms in latencies)


def test_preset_inputs_and_the_sms_at_the_end(hatid, live_menu, celery_worker):
    hatid.opt_in(NUMBER)
    hatid.sandbox.dial(NUMBER, "*120*1234*1#")
    wait_screen(hatid, "Details by SMS.")
    wait_for(
        lambda: "Open 9 to 5." in [m["text"] for m in hatid.sandbox.inbox(NUMBER)],
        what="the SMS on the handset",
    )
    assert Message.objects.get(direction="out").source == "flow"


def test_duplicate_callbacks_are_answered_once(hatid, live_menu, celery_worker):
    hatid.opt_in(NUMBER)
    hatid.sandbox.set_fault("callbacks", duplicate=True)
    hatid.sandbox.dial(NUMBER, "*120*1234#")
    wait_screen(hatid, "Hatid shop\n1. Info\n2. Buy")
    wait_for(lambda: len(hatid.sandbox.callbacks("ussd")) >= 2, what="the duplicated callback")
    assert UssdExchange.objects.count() == 1
    [delivery] = [d for d in hatid.sandbox.deliveries("ussd")]
    assert delivery["status_code"] in (200, 201)


def test_a_session_the_platform_timed_out_is_closed_here(hatid, live_menu, celery_worker):
    hatid.opt_in(NUMBER)
    hatid.sandbox.dial(NUMBER, "*120*1234*2#")
    wait_screen(hatid, "Buy\n1. Pay")
    UssdSession.objects.update(last_activity_at=timezone.now() - timedelta(minutes=5))
    assert expire_sessions() == 1
    assert UssdSession.objects.get().status == "timed_out"

"""Charging and rewards end to end: money moves exactly once."""

from decimal import Decimal

import pytest

from sandbox.client import wait_for
from subscribers.services.consent import subscriber_opt_in
from telecom.models import Charge, Promo, Reward
from telecom.services.charging import charge, reconcile
from telecom.services.rewards import send_reward

pytestmark = pytest.mark.e2e
NUMBER = "+639171234567"


def granted(hatid, number, **subscriber):
    hatid.sandbox.add_subscriber(number, **{"balance": "100000.00", **subscriber})
    grant = hatid.sandbox.grant(hatid.app.app_id, number)
    return subscriber_opt_in(
        app=hatid.app, msisdn=number, token=grant["access_token"], channel="sms"
    ).subscriber


def settled(ids, timeout=120.0):
    wait_for(
        lambda: not Charge.objects.filter(pk__in=ids, status__in=["queued", "sending"]).exists(),
        timeout=timeout,
        interval=0.2,
        what=f"{len(ids)} charges settled",
    )


def test_1000_charges_through_503s_and_timeouts_after_apply_charge_exactly_once(
    hatid, celery_worker, settings
):
    settings.PROVIDER_READ_TIMEOUT = 0.5
    subscribers = [granted(hatid, f"+6391700{n:05d}") for n in range(20)]
    hatid.sandbox.set_fault(
        "charge",
        hold_seconds=1.0,
        mix=[
            {"probability": 0.20, "status": 503},
            {"probability": 0.05, "status": 702},
            {"probability": 0.05, "after_apply": "timeout"},
            {"probability": 0.03, "after_apply": "reset"},
        ],
    )
    ids = [
        charge(app=hatid.app, to=subscribers[n % 20], amount="1.00", description=f"item {n}").pk
        for n in range(1000)
    ]
    settled(ids, timeout=240)
    assert Charge.objects.filter(pk__in=ids, status="charged").count() == 1000
    platform = hatid.sandbox.deliveries("charge")
    codes = [d["referenceCode"] for d in platform]
    assert len(platform) == len(set(codes)) == 1000
    assert set(codes) == set(
        Charge.objects.filter(pk__in=ids).values_list("reference_code", flat=True)
    )
    numbers = sorted(int(code[4:]) for code in codes)
    assert numbers == list(range(1_000_001, 1_001_001))  # no gap
    assert Charge.objects.filter(pk__in=ids, attempts__gt=1).exists()


@pytest.mark.parametrize(
    ("subscriber", "status", "says"),
    [
        ({"postpaid": True}, 407, "Postpaid"),
        ({"balance": "0.50"}, 411, "insufficient balance"),
        ({"balance": "0.50", "brand": "tm"}, 412, "insufficient balance"),
        ({"charging_allowed": False}, 701, "call the hotline"),
    ],
)
def test_documented_charging_refusals_are_final_with_their_reason(
    hatid, celery_worker, subscriber, status, says
):
    target = granted(hatid, NUMBER, **subscriber)
    row = charge(app=hatid.app, to=target, amount="1.00", description="x")
    settled([row.pk])
    row.refresh_from_db()
    assert (row.status, row.platform_status) == ("failed", status)
    assert says in row.last_error
    assert row.attempts == 1  # never retried: 4xx and 701 cost the wallet
    assert hatid.sandbox.deliveries("charge") == []


def test_lost_answer_is_resolved_by_get_last_ref_code_without_charging_again(
    hatid, celery_worker, settings
):
    settings.PROVIDER_READ_TIMEOUT = 0.5
    target = granted(hatid, NUMBER)
    hatid.sandbox.set_fault("charge", after_apply="timeout", hold_seconds=1.0, times=1)
    row = charge(app=hatid.app, to=target, amount="2.00", description="x")
    settled([row.pk])
    row.refresh_from_db()
    assert row.status == "charged" and "getLastRefCode" in row.last_error
    [platform] = hatid.sandbox.deliveries("charge")
    assert platform["duplicate_submissions"] == 0  # asked, not resent
    report = reconcile(hatid.app)
    assert report.ok and report.platform_last == row.reference_code


def test_reward_callback_completes_the_reward(hatid, celery_worker):
    granted(hatid, NUMBER)
    promo = Promo.objects.create(app=hatid.app, code="LOAD 50", wallet_cost=Decimal("50"))
    reward = send_reward(app=hatid.app, to=NUMBER, promo=promo)
    done = wait_for(
        lambda: Reward.objects.filter(pk=reward.pk, status="succeeded").first(),
        what="the rewards callback",
    )
    assert done.transaction_id and done.platform_status == "SUCCESS"


def test_reward_whose_answer_was_lost_is_not_sent_again_and_the_callback_resolves_it(
    hatid, celery_worker, settings
):
    settings.PROVIDER_READ_TIMEOUT = 0.5
    granted(hatid, NUMBER)
    promo = Promo.objects.create(app=hatid.app, code="LOAD 50")
    hatid.sandbox.set_fault("reward", after_apply="reset", times=1)
    reward = send_reward(app=hatid.app, to=NUMBER, promo=promo)
    done = wait_for(
        lambda: Reward.objects.filter(pk=reward.pk, status="succeeded").first(),
        what="the callback to resolve the unknown reward",
    )
    assert done.attempts == 1
    assert len(hatid.sandbox.deliveries("reward")) == 1


@pytest.mark.parametrize(
    ("setup", "says"),
    [("unknown_promo", "Invalid promo"), ("blacklisted", "blacklisted")],
)
def test_documented_reward_refusals_are_final(hatid, celery_worker, setup, says):
    granted(hatid, NUMBER, **({"blacklisted": True} if setup == "blacklisted" else {}))
    code = "NOT A PROMO" if setup == "unknown_promo" else "LOAD 50"
    promo = Promo.objects.create(app=hatid.app, code=code)
    reward = send_reward(app=hatid.app, to=NUMBER, promo=promo)
    failed = wait_for(
        lambda: Reward.objects.filter(pk=reward.pk, status="failed").first(), what="the refusal"
    )
    assert says in failed.last_error and failed.attempts == 1


def test_charge_whose_worker_died_after_sending_is_confirmed_not_resent(hatid, celery_worker):
    from datetime import timedelta

    from django.utils import timezone

    from telecom import outbox
    from telecom.globe import GlobeClient

    target = granted(hatid, NUMBER)
    row = charge(app=hatid.app, to=target, amount="3.00", description="x")
    # The delivery task runs first and charges; to act out a worker that died
    # after sending, take the row back as it was before the outcome was recorded.
    settled([row.pk])
    Charge.objects.filter(pk=row.pk).update(
        status="sending", lease_until=timezone.now() - timedelta(seconds=1), last_error=""
    )
    outbox.sweep()
    done = wait_for(
        lambda: Charge.objects.filter(
            pk=row.pk, status="charged", last_error__contains="getLastRefCode"
        ).first(),
        what="the recovered charge confirmed by getLastRefCode",
    )
    assert done.attempts == 3  # sent; taken back in doubt; resolved by getLastRefCode
    [platform] = hatid.sandbox.deliveries("charge")
    assert platform["duplicate_submissions"] == 0
    assert GlobeClient(hatid.app).last_reference_code().reference_code == row.reference_code

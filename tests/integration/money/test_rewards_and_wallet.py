"""Rewards callbacks, promos, and the wallet, without the platform."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.models import CallbackEvent, OutboundCall, Promo, Reward, UsageDay, WalletSnapshot
from telecom.services.rewards import send_reward
from telecom.services.wallet import apps_below_threshold, roll_up_usage

pytestmark = pytest.mark.django_db


@pytest.fixture
def promo(globe_app):
    return Promo.objects.create(app=globe_app, code="LOAD 50", wallet_cost=Decimal("50.00"))


def callback(client, app, **fields):
    body = {
        "outboundRewardRequest": {
            "status": "SUCCESS",
            "promo": "LOAD 50",
            "timestamp": "Wed, Jun 06 2018 03:19:11 GMT+0000 (UTC)",
            "transaction_id": 1805759,
            "address": "9271051129",
            **fields,
        }
    }
    return client.post(
        app.callback_path("rewards"), json.dumps(body), content_type="application/json"
    )


def test_send_reward_needs_a_configured_active_promo(globe_app, promo):
    with pytest.raises(ServiceError) as caught:
        send_reward(app=globe_app, to="09271051129", promo="LOAD 100")
    assert caught.value.field == "promo"
    promo.is_active = False
    promo.save()
    with pytest.raises(ServiceError, match="inactive"):
        send_reward(app=globe_app, to="09271051129", promo="LOAD 50")


def test_callback_completes_the_reward_by_transaction_id_once(client, globe_app, promo):
    reward = send_reward(app=globe_app, to="09271051129", promo=promo)
    Reward.objects.filter(pk=reward.pk).update(status="accepted", transaction_id="1805759")
    assert callback(client, globe_app).status_code == 200
    assert callback(client, globe_app, status="FAILED").status_code == 200  # a late duplicate
    reward.refresh_from_db()
    assert reward.status == Reward.Status.SUCCEEDED and reward.platform_status == "SUCCESS"
    assert "already succeeded" in CallbackEvent.objects.order_by("pk").last().note


def test_callback_without_known_transaction_matches_by_number_promo_and_time(
    client, globe_app, promo
):
    reward = send_reward(app=globe_app, to="09271051129", promo=promo)
    Reward.objects.filter(pk=reward.pk).update(status="unknown")
    callback(
        client,
        globe_app,
        status="Insufficient balance",
        timestamp=timezone.now().strftime("%a, %b %d %Y %H:%M:%S GMT+0000 (UTC)"),
    )
    reward.refresh_from_db()
    assert reward.status == Reward.Status.FAILED
    assert reward.transaction_id == "1805759"
    assert "Insufficient balance" in reward.last_error


def test_unmatched_callback_is_kept_with_a_note(client, globe_app, promo):
    assert callback(client, globe_app).status_code == 200
    assert "no reward matches" in CallbackEvent.objects.get().note


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{}", "outboundRewardRequest"),
        ('{"outboundRewardRequest": {"promo": "LOAD 50"}}', "outboundRewardRequest.status"),
        (
            '{"outboundRewardRequest": {"status": "SUCCESS", "transaction_id": [1]}}',
            "outboundRewardRequest.transaction_id",
        ),
    ],
)
def test_malformed_rewards_callback_is_400(client, globe_app, body, field):
    response = client.post(
        globe_app.callback_path("rewards"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_wallet_banner_appears_for_apps_below_their_threshold(admin_client, globe_app):
    globe_app.wallet_alert_below = Decimal("100.00")
    globe_app.save()
    WalletSnapshot.objects.create(app=globe_app, balance=Decimal("42.50"), below_threshold=True)
    assert [s.app for s in apps_below_threshold()] == [globe_app]
    page = admin_client.get("/admin/")
    assert b"wallet-alerts" in page.content and b"42.50" in page.content


def test_usage_rollup_counts_what_the_wallet_pays_for(globe_app):
    now = timezone.now()
    for status in (201, 201, 400, 503):
        OutboundCall.objects.create(
            app=globe_app,
            provider="globe",
            operation="sms.send",
            method="POST",
            url="u",
            status_code=status,
            outcome="success",
            latency_ms=1,
            started_at=now,
        )
    OutboundCall.objects.create(
        app=globe_app,
        provider="globe",
        operation="sms.send",
        method="POST",
        url="u",
        status_code=201,
        outcome="success",
        latency_ms=1,
        started_at=now - timedelta(days=5),
    )
    assert roll_up_usage() == 1
    usage = UsageDay.objects.get()
    assert (usage.calls, usage.chargeable) == (4, 3)
    assert mail.outbox == []


def test_reward_taken_back_from_a_dead_worker_is_never_sent_again(globe_app, promo):
    from telecom import outbox
    from telecom.services.rewards import RewardDelivery

    reward = send_reward(app=globe_app, to="09271051129", promo=promo)
    outbox.claim(Reward, reward.pk)  # a worker took it, then died mid-call
    Reward.objects.filter(pk=reward.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    RewardDelivery().run(reward.pk)
    reward.refresh_from_db()
    assert reward.status == Reward.Status.UNKNOWN
    assert "stopped before recording" in reward.last_error
    assert not OutboundCall.objects.exists()  # nothing was sent

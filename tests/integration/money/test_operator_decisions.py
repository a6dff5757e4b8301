"""An operator's decisions on rewards, through the one service every kind of
outbox row uses (`telecom.services.operator_decisions`)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from telecom.models import Promo, Reward
from telecom.services.operator_decisions import send_again, settle_unknown
from telecom.services.rewards import send_reward

pytestmark = pytest.mark.django_db


@pytest.fixture
def reward(globe_app):
    promo = Promo.objects.create(app=globe_app, code="LOAD 50", wallet_cost=Decimal("50.00"))
    return send_reward(app=globe_app, to="09271051129", promo=promo)


def test_settle_unknown_reward_as_delivered_sets_its_settled_status_once(reward):
    Reward.objects.filter(pk=reward.pk).update(status=Reward.Status.UNKNOWN)
    assert settle_unknown(Reward, [reward.pk], went_through=True, by="ops") == 1
    reward.refresh_from_db()
    assert (reward.status, reward.last_error) == (Reward.Status.SUCCEEDED, "resolved by ops")
    assert reward.finished_at is not None
    assert settle_unknown(Reward, [reward.pk], went_through=False, by="other") == 0
    assert Reward.objects.get(pk=reward.pk).status == Reward.Status.SUCCEEDED


def test_settle_unknown_reward_as_not_delivered_fails_it(reward):
    Reward.objects.filter(pk=reward.pk).update(status=Reward.Status.UNKNOWN)
    assert settle_unknown(Reward, [reward.pk], went_through=False, by="ops") == 1
    assert Reward.objects.get(pk=reward.pk).status == Reward.Status.FAILED


def test_send_again_clears_the_send_once_mark_of_failed_rows_only(reward, globe_app):
    submitted = timezone.now()
    Reward.objects.filter(pk=reward.pk).update(
        status=Reward.Status.FAILED, submitted_at=submitted, finished_at=submitted
    )
    accepted = send_reward(app=globe_app, to="09271051130", promo=reward.promo)
    Reward.objects.filter(pk=accepted.pk).update(
        status=Reward.Status.ACCEPTED, submitted_at=submitted
    )

    assert send_again(Reward, [reward.pk, accepted.pk]) == 1

    reward.refresh_from_db()
    assert (reward.status, reward.submitted_at, reward.finished_at) == ("queued", None, None)
    assert reward.retry_from is not None
    accepted.refresh_from_db()
    assert (accepted.status, accepted.submitted_at) == (Reward.Status.ACCEPTED, submitted)

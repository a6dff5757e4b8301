"""The system check that ties each outbox row to its outbound operation:
it passes on Hatid's own operations and fails on a broken one."""

import pytest
from django.test import override_settings

from telecom import checks, outbound
from telecom.models import Charge, Message, Reward
from telecom.outbound import OutboundOperation
from telecom.services.charging import ChargeDelivery
from telecom.services.message_delivery import MessageDelivery
from telecom.services.rewards import RewardDelivery


def errors_with(monkeypatch, operations):
    monkeypatch.setattr(outbound, "all_operations", lambda: tuple(operations))
    return [(error.id, error.msg) for error in checks.outbound_operations_agree(None)]


def test_outbound_operations_agree_on_the_real_registry():
    assert checks.outbound_operations_agree(None) == []


def test_every_outbox_model_has_its_operation_declared():
    declared = {operation.model for operation in outbound.all_operations()}
    assert Message in declared and Charge in declared
    assert len(declared) == len(outbound.all_operations())


def real_without(model):
    return [op for op in outbound.all_operations() if op.model is not model]


def test_outbound_operations_check_fails_when_a_model_has_none(monkeypatch):
    errors = errors_with(monkeypatch, real_without(Reward))
    assert errors == [
        ("hatid.E002", "telecom.Reward has 0 outbound operations; it needs exactly one")
    ]


def test_outbound_operations_check_fails_on_a_model_declared_twice(monkeypatch):
    again = OutboundOperation(Message, MessageDelivery, "telecom.tasks.deliver_messages")
    errors = errors_with(monkeypatch, [*outbound.all_operations(), again])
    assert ("hatid.E002", "telecom.Message has 2 outbound operations; it needs exactly one") in (
        errors
    )


def test_outbound_operations_check_fails_on_an_unregistered_task(monkeypatch):
    broken = OutboundOperation(Reward, RewardDelivery, "telecom.tasks.deliver_rewardz")
    errors = errors_with(monkeypatch, [*real_without(Reward), broken])
    assert errors == [
        (
            "hatid.E003",
            "telecom.Reward: no Celery task is registered as 'telecom.tasks.deliver_rewardz'",
        )
    ]


def test_outbound_operations_check_fails_on_a_sender_of_another_model(monkeypatch):
    broken = OutboundOperation(Reward, ChargeDelivery, "telecom.tasks.deliver_rewards")
    errors = errors_with(monkeypatch, [*real_without(Reward), broken])
    assert errors == [
        ("hatid.E003", "telecom.Reward: its sender ChargeDelivery sends another model")
    ]


def test_outbound_operations_check_fails_on_a_sender_that_is_not_one(monkeypatch):
    broken = OutboundOperation(Reward, object, "telecom.tasks.deliver_rewards")
    errors = errors_with(monkeypatch, [*real_without(Reward), broken])
    assert [error_id for error_id, _ in errors] == ["hatid.E003"]
    assert "is not an OutboxSender" in errors[0][1]


@pytest.mark.parametrize(
    "routes",
    [
        {},  # the USSD replies' route lost: they would wait behind campaigns
        {
            "telecom.tasks.deliver_ussd_replies": {"queue": "ussd"},
            "telecom.tasks.deliver_messages": {"queue": "bulk"},
        },
    ],
)
def test_outbound_operations_check_fails_when_a_route_disagrees(routes):
    with override_settings(CELERY_TASK_ROUTES=routes):
        errors = checks.outbound_operations_agree(None)
    assert len(errors) == 1 and errors[0].id == "hatid.E003"
    assert "CELERY_TASK_ROUTES sends" in errors[0].msg

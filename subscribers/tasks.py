"""Celery tasks of the subscribers app: thin wrappers that deliver outbox rows by id,
and run a CSV import (`subscribers.services.imports`)."""

from celery import shared_task

from subscribers.services.deliveries import (
    BalanceDelivery,
    ChargingOptInDelivery,
    CodeExchangeDelivery,
    LocationDelivery,
)
from subscribers.services.imports import run_import


@shared_task(name="subscribers.tasks.exchange_codes", ignore_result=True)
def exchange_codes(ids: list[int]) -> None:
    CodeExchangeDelivery().run_many(ids)


@shared_task(name="subscribers.tasks.send_charging_optins", ignore_result=True)
def send_charging_optins(ids: list[int]) -> None:
    ChargingOptInDelivery().run_many(ids)


@shared_task(name="subscribers.tasks.locate_subscribers", ignore_result=True)
def locate_subscribers(ids: list[int]) -> None:
    LocationDelivery().run_many(ids)


@shared_task(name="subscribers.tasks.query_balances", ignore_result=True)
def query_balances(ids: list[int]) -> None:
    BalanceDelivery().run_many(ids)


@shared_task(name="subscribers.tasks.run_subscriber_import", ignore_result=True)
def run_subscriber_import(import_id: int) -> None:
    run_import(import_id)

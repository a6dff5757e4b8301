"""The console's big lists stay cheap as their tables grow (bench/admin_scale.py
measures them at 1,000,000 messages): an unfiltered list of a big table is not
counted row by row."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subscribers.models import Subscriber
from telecom.admin import pagination
from telecom.admin.pagination import EstimatedCountPaginator
from telecom.models import (
    AuditEvent,
    CallbackEvent,
    Charge,
    Message,
    OutboundCall,
    ProviderApp,
    Reward,
    UssdSession,
)
from voiceflows.models import CallSession, CallTrigger

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def messages():
    app = ProviderApp.objects.create(
        name="Shop", app_id="abc123", app_secret="s", shortcode="21584321"
    )
    people = Subscriber.objects.bulk_create(
        Subscriber(app=app, msisdn=f"+63917000{n:04d}", status="active") for n in range(30)
    )
    Message.objects.bulk_create(
        Message(
            app=app,
            subscriber=people[n],
            msisdn=people[n].msisdn,
            direction="out",
            status="failed" if n % 3 == 0 else "sent",
            source="api",
            text=f"hello {n}",
            client_correlator=f"c{n}",
        )
        for n in range(30)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE telecom_message")
    return app


def message_counts(queries) -> list[str]:
    return [
        q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "telecom_message" in q["sql"]
    ]


def test_unfiltered_big_message_list_uses_the_planners_estimate(
    admin_client, messages, monkeypatch
):
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 10)
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(reverse("admin:telecom_message_changelist"))
    assert page.status_code == 200
    assert message_counts(queries) == []
    assert "30 messages" in page.content.decode()


def test_filtered_or_small_message_lists_are_counted_exactly(admin_client, messages, monkeypatch):
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 10)
    url = reverse("admin:telecom_message_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(url, {"status__exact": "failed"})
    assert len(message_counts(queries)) == 1
    assert "10 messages" in page.content.decode()
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 1000)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(url)
    assert len(message_counts(queries)) == 1


@pytest.mark.parametrize("model", [Message, Subscriber, CallbackEvent, Charge, OutboundCall])
def test_the_big_lists_page_with_the_estimating_paginator(model):
    assert admin.site._registry[model].paginator is EstimatedCountPaginator


def test_message_list_does_not_scan_the_table_for_its_months(admin_client, messages):
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(reverse("admin:telecom_message_changelist"))
    assert page.status_code == 200
    assert not [q for q in queries if "DATE_TRUNC" in q["sql"].upper()]


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Message, "created_at"),
        (CallbackEvent, "received_at"),
        (Charge, "created_at"),
        (OutboundCall, "started_at"),
        (Reward, "created_at"),
        (UssdSession, "started_at"),
        (CallSession, "started_at"),
        (CallTrigger, "created_at"),
        (AuditEvent, "at"),
    ],
)
def test_the_big_logs_filter_by_date_without_a_date_hierarchy(model, field):
    model_admin = admin.site._registry[model]
    assert model_admin.date_hierarchy is None
    assert field in model_admin.list_filter

"""The audit trail is append-only: the database refuses UPDATE and DELETE,
through the ORM and through raw SQL, and the console offers neither, not even
to a superuser."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from telecom.audit.record import record
from telecom.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def event():
    return record("message.retry", detail={"status": 302})


@pytest.mark.parametrize(
    "change",
    [
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(actor="someone else"),
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
        lambda e: e.delete(),
        lambda e: (setattr(e, "outcome", "failed"), e.save()),
    ],
    ids=["update", "queryset delete", "instance delete", "save"],
)
def test_the_orm_cannot_change_or_delete_an_event(event, change):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(event)
    assert AuditEvent.objects.get().actor == "system"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE telecom_auditevent SET outcome = 'failed'",
        "DELETE FROM telecom_auditevent",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_event(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.filter(outcome="succeeded").count() == 1


def test_even_a_superuser_may_neither_change_nor_delete_in_the_console(client, event):
    root = User.objects.create_superuser("root", password="pw-123-XYZ")
    request = RequestFactory().get("/")
    request.user = root
    model_admin = admin.site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)
    client.force_login(root)
    delete = reverse("admin:telecom_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    page = client.get(reverse("admin:telecom_auditevent_change", args=[event.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert AuditEvent.objects.filter(pk=event.pk).exists()

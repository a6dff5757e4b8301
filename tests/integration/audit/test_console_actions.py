"""Each operator action in the console leaves one audit event naming who, what,
which rows, from where and how it went; pages merely shown leave none."""

import json

import pytest
from django.urls import reverse

from telecom.models import AuditEvent, Campaign, Charge, Message, ProviderApp

pytestmark = pytest.mark.django_db

MESSAGES = reverse("admin:telecom_message_changelist")
SUBSCRIBERS = reverse("admin:subscribers_subscriber_changelist")


def failed_message(subscriber):
    return Message.objects.create(
        app=subscriber.app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        direction=Message.Direction.OUT,
        status=Message.Status.FAILED,
        source=Message.Source.ADMIN,
        text="hello",
        client_correlator=f"c{subscriber.pk}",
    )


def test_an_action_on_selected_rows_is_one_event_with_its_rows(client, olive, subscribe):
    first = failed_message(subscribe("+639170000001"))
    second = failed_message(subscribe("+639170000002"))
    client.post(MESSAGES, {"action": "retry", "_selected_action": [first.pk, second.pk]})
    event = AuditEvent.objects.get()
    assert (event.actor, event.user, event.actor_kind) == ("olive", olive, "user")
    assert event.action == "message.retry"
    assert event.outcome == AuditEvent.Outcome.SUCCEEDED
    assert event.object_type == "telecom.message" and event.object_count == 2
    assert {t["id"] for t in event.targets} == {str(first.pk), str(second.pk)}
    assert event.address == "127.0.0.1"


def test_compose_and_send_is_recorded_and_a_bad_number_is_invalid(client, olive, globe_app):
    url = reverse("admin:telecom_message_compose")
    client.get(url)  # only looking: nothing recorded
    assert not AuditEvent.objects.exists()
    client.post(url, {"app": globe_app.pk, "to": "not a number", "text": "Hi"})
    client.post(url, {"app": globe_app.pk, "to": "09171234567", "text": "Hi"})
    invalid, sent = AuditEvent.objects.order_by("pk")
    assert (invalid.action, invalid.outcome) == ("message.compose", "invalid")
    assert (sent.action, sent.outcome) == ("message.compose", "succeeded")
    assert Message.objects.count() == 1


def test_a_charge_from_the_subscriber_list_is_one_event_after_its_form(client, olive, subscribe):
    sub = subscribe("+639171234567")
    form = {"action": "charge", "_selected_action": [sub.pk]}
    client.post(SUBSCRIBERS, form)  # the action's form, shown
    filled = {**form, "apply": "1", "amount": "1.00", "description": "Load", "duration_days": 0}
    client.post(SUBSCRIBERS, filled)  # the confirmation, shown
    assert not AuditEvent.objects.exists()
    client.post(SUBSCRIBERS, {**filled, "confirm": "1"})
    event = AuditEvent.objects.get()
    assert event.action == "subscriber.charge"
    assert event.targets == [{"id": str(sub.pk), "label": str(sub)}]
    assert event.outcome == "succeeded"
    assert Charge.objects.get().subscriber == sub


def test_settling_an_unknown_charge_names_the_charge(client, olive, subscribe):
    sub = subscribe("+639171234567")
    charge = Charge.objects.create(
        app=sub.app,
        subscriber=sub,
        msisdn=sub.msisdn,
        amount="1.00",
        description="Load",
        reference_code="1234500001",
        status=Charge.Status.UNKNOWN,
    )
    client.post(
        reverse("admin:telecom_charge_changelist"),
        {"action": "mark_charged", "_selected_action": [charge.pk]},
    )
    event = AuditEvent.objects.get()
    assert event.action == "charge.mark_charged"
    assert [t["id"] for t in event.targets] == [str(charge.pk)]


def test_a_campaign_pause_is_recorded_with_the_campaign(client, olive, globe_app):
    campaign = Campaign.objects.create(
        app=globe_app, name="Launch", text="Hi", status=Campaign.Status.RUNNING
    )
    client.post(reverse("admin:telecom_campaign_control", args=[campaign.pk, "pause"]))
    event = AuditEvent.objects.get()
    assert event.action == "campaign.pause"
    assert event.targets == [{"id": str(campaign.pk), "label": str(campaign)}]


def test_a_change_of_an_apps_secret_names_the_field_never_the_value(client, olive):
    from django.contrib.auth.models import User

    from tests.support.factories import ProviderAppFactory

    admin_user = User.objects.create_superuser("root", password="pw-123-XYZ")
    client.force_login(admin_user)
    app = ProviderAppFactory(name="Shop")
    url = reverse("admin:telecom_providerapp_change", args=[app.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        name="Shop",
        provider=ProviderApp.Provider.GLOBE,
        app_secret="brand-new-secret-value-0001",
        allowed_ips="",
    )
    data = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.outcome) == ("root", "providerapp.change", "succeeded")
    assert event.targets == [{"id": str(app.pk), "label": "Shop"}]
    assert "App secret" in event.detail["fields"]
    stored = json.dumps([event.targets, event.detail, event.action])
    assert "brand-new-secret-value-0001" not in stored


def test_a_viewer_posting_an_action_is_recorded_as_refused_and_nothing_runs(
    client, victor, subscribe
):
    client.force_login(victor)
    message = failed_message(subscribe("+639170000001"))
    client.post(MESSAGES, {"action": "retry", "_selected_action": [message.pk]})
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.outcome) == ("victor", "message.retry", "refused")
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED


def test_signing_in_is_not_an_operator_action(client, olive):
    client.post(reverse("admin:login"), {"username": "olive", "password": "pw-123-XYZ"})
    client.post(reverse("admin:logout"))
    assert not AuditEvent.objects.exists()


def test_the_trail_filters_by_each_action_recorded(client, olive):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from telecom.audit.record import record

    for action in ["message.retry", "campaign.pause", "message.retry", "app.change"]:
        record(action, user=olive)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("admin:telecom_auditevent_changelist")).content.decode()
    for action in ["app.change", "campaign.pause", "message.retry"]:
        assert f"?action={action}" in html
    # The choices come from hops through the index, not a DISTINCT over the table.
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()]
    filtered = client.get(reverse("admin:telecom_auditevent_changelist"), {"action": "app.change"})
    assert filtered.context["cl"].result_count == 1

"""Viewers see phone numbers masked on every console page; Operators see them
whole; a Viewer's search by a full number still finds the row."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from subscribers.models import Subscriber
from telecom.models import CallbackEvent, OutboundCall, UssdSession, VoiceCall
from telecom.roles import OPERATORS, VIEWERS
from tests.support.factories import HoiioAppFactory, charge_row, inbound_message
from voiceflows.models import CallSession

pytestmark = pytest.mark.django_db

NUMBER = "+639171234567"
MASKED = "+63917•••4567"
# Every form a number is written in: none may reach a Viewer.
FORMS = (NUMBER, "639171234567", "09171234567", "9171234567", "%2B639171234567")


def staff(username, group):
    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def rows(globe_app):
    subscriber = Subscriber.objects.create(app=globe_app, msisdn=NUMBER)
    message = inbound_message(subscriber, text="call me back on 09171234567")
    charge = charge_row(subscriber, "99991000001")
    session = UssdSession.objects.create(
        app=globe_app, subscriber=subscriber, msisdn=NUMBER, session_id="s-1"
    )
    payload = {
        "inboundSMSMessageList": {
            "inboundSMSMessage": [
                {
                    "senderAddress": f"tel:{NUMBER}",
                    "message": "hi",
                    "subscriber_number": "9171234567",
                }
            ]
        },
        "msisdn": "639171234567",
    }
    event = CallbackEvent.objects.create(
        app=globe_app, kind="notify", method="POST", body=json.dumps(payload)
    )
    call = OutboundCall.objects.create(
        app=globe_app,
        provider="globe",
        operation="sms.send",
        method="POST",
        url=f"https://example.test/smsmessaging/v1/outbound/21581234/requests?address={NUMBER}",
        request_body=json.dumps({"address": "639171234567"}),
        response_body=json.dumps({"address": f"tel:{NUMBER}"}),
        outcome="ok",
        latency_ms=5,
        started_at=timezone.now(),
    )
    hoiio_call = VoiceCall.objects.create(
        app=HoiioAppFactory(), kind="callback", dest1=NUMBER, dest2="+639205550123", tag="c1"
    )
    voice_session = CallSession.objects.create(
        app=globe_app,
        session_id="v-1",
        direction="inbound",
        caller="9171234567",
        msisdn=NUMBER,
        last_activity_at=timezone.now(),
    )
    return [subscriber, message, charge, session, event, call, hoiio_call, voice_session]


def hatid_admins():
    return sorted(
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model in admin.site._registry
        if model._meta.app_label in ("telecom", "subscribers", "voiceflows")
    )


def changelist(key):
    app_label, model_name = key.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


def change_page(row):
    opts = row._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])


def assert_masked(html):
    for form in FORMS:
        assert form not in html


@pytest.mark.parametrize("key", hatid_admins())
def test_a_viewer_sees_no_full_number_on_any_list(client, rows, key, django_assert_max_num_queries):
    client.force_login(staff("victor", VIEWERS))
    with django_assert_max_num_queries(30):
        page = client.get(changelist(key))
    assert page.status_code == 200
    assert_masked(page.content.decode())


@pytest.mark.parametrize("index", range(8))
def test_a_viewer_sees_change_pages_masked_and_an_operator_in_full(client, rows, index):
    row = rows[index]
    client.force_login(staff("victor", VIEWERS))
    html = client.get(change_page(row)).content.decode()
    assert_masked(html)
    assert MASKED in html or "63917•••4567" in html
    client.force_login(staff("olive", OPERATORS))
    html = client.get(change_page(row)).content.decode()
    assert NUMBER in html or "639171234567" in html


def test_lists_show_the_masked_form_to_viewers_and_the_number_to_operators(client, rows):
    url = changelist("telecom.message")
    client.force_login(staff("victor", VIEWERS))
    html = client.get(url).content.decode()
    assert MASKED in html and "0917•••4567" in html
    client.force_login(staff("olive", OPERATORS))
    html = client.get(url).content.decode()
    assert NUMBER in html and "09171234567" in html


@pytest.mark.parametrize(
    "key",
    [
        "subscribers.subscriber",
        "telecom.message",
        "telecom.charge",
        "telecom.ussdsession",
        "telecom.voicecall",
        "voiceflows.callsession",
    ],
)
@pytest.mark.parametrize("typed", [NUMBER, "09171234567", "639171234567"])
def test_a_viewer_finds_a_row_by_its_full_number(client, rows, globe_app, key, typed):
    Subscriber.objects.create(app=globe_app, msisdn="+639189876543")
    client.force_login(staff("victor", VIEWERS))
    page = client.get(changelist(key), {"q": typed})
    html = page.content.decode()
    assert page.status_code == 200
    assert MASKED in html and "+63918•••6543" not in html
    assert_masked(html)


def test_the_home_page_and_the_conversation_are_masked(client, rows):
    client.force_login(staff("victor", VIEWERS))
    assert_masked(client.get(reverse("admin:index")).content.decode())
    subscriber = rows[0]
    url = reverse("admin:telecom_message_conversation", args=[subscriber.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert_masked(page.content.decode())


def test_a_superuser_sees_numbers_in_full(admin_client, rows):
    html = admin_client.get(changelist("subscribers.subscriber")).content.decode()
    assert NUMBER in html


def test_roles_give_the_full_number_to_operators_only():
    viewers = Group.objects.get(name=VIEWERS).permissions.values_list("codename", flat=True)
    operators = Group.objects.get(name=OPERATORS).permissions.values_list("codename", flat=True)
    assert "view_full_number" not in viewers
    assert "view_full_number" in operators
    assert "view_subscriber" in viewers


def test_an_export_is_masked_without_the_full_number_permission(client, rows):
    """A Viewer given the right to export (none is by default) gets the
    numbers masked; the same with view_full_number gets them whole."""
    user = staff("victor", VIEWERS)
    user.user_permissions.add(Permission.objects.get(codename="export_rows"))
    client.force_login(user)
    message = rows[1]
    form = {"action": "export_csv", "_selected_action": [message.pk]}
    response = client.post(changelist("telecom.message"), form)
    text = b"".join(response.streaming_content).decode()
    assert MASKED in text and "0917•••4567" in text
    assert_masked(text)

    user.user_permissions.add(Permission.objects.get(codename="view_full_number"))
    client.force_login(User.objects.get(pk=user.pk))  # permissions are cached per user object
    response = client.post(changelist("telecom.message"), form)
    text = b"".join(response.streaming_content).decode()
    assert NUMBER in text and "09171234567" in text


def test_live_rows_are_masked(client, rows):
    client.force_login(staff("victor", VIEWERS))
    url = reverse("admin:live", args=["telecom", "message"])
    response = client.get(url, {"ids": str(rows[1].pk)})
    assert response.status_code == 200
    text = response.content.decode()
    assert "63917•••4567" in text
    assert_masked(text)


@pytest.mark.parametrize("key", ["subscribers.subscriber", "telecom.message", "telecom.charge"])
def test_masking_costs_no_query(client, rows, key):
    counts = []
    for user in (staff("victor", VIEWERS), staff("olive", OPERATORS)):
        client.force_login(user)
        client.get(changelist(key))  # the session and permission caches warm
        with CaptureQueriesContext(connection) as queries:
            client.get(changelist(key))
        counts.append(len(queries))
    assert counts[0] == counts[1]

"""The subscriber list's privacy actions: erase (after a confirmation page) and
answer an access request; Operators only. And `manage.py erase_number`."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from subscribers.models import Subscriber
from telecom.models import AuditEvent, Charge, Reward
from telecom.roles import OPERATORS, VIEWERS
from telecom.services.erasure_stops import REASON
from tests.support.factories import ProviderAppFactory, staff_user
from tests.support.privacy import number_in_database, traffic

pytestmark = pytest.mark.django_db

NUMBER = "+639171234567"
OTHER = "+639187654321"
SUBSCRIBERS = reverse("admin:subscribers_subscriber_changelist")


@pytest.fixture
def subscriber(subscribe):
    return traffic(subscribe(NUMBER)).subscriber


@pytest.fixture
def operator(client):
    user = staff_user("olive", OPERATORS)
    client.force_login(user)
    return user


def test_erase_shows_a_confirmation_page_first_and_changes_nothing(client, operator, subscriber):
    response = client.post(SUBSCRIBERS, {"action": "erase", "_selected_action": [subscriber.pk]})

    assert response.status_code == 200
    page = response.content.decode()
    assert "This cannot be undone" in page and "Yes, erase" in page
    assert "partner webhooks, calls and faxes to the number stopped" in page
    assert NUMBER in page  # an Operator sees whom they erase
    subscriber.refresh_from_db()
    assert subscriber.msisdn == NUMBER
    assert not AuditEvent.objects.filter(action__contains="erase").exists()


def test_erase_confirmed_forgets_the_number_and_records_one_event(client, operator, subscriber):
    form = {"action": "erase", "_selected_action": [subscriber.pk], "apply": "1", "apps": "all"}

    response = client.post(SUBSCRIBERS, form, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Erased 1 number(s) from every app" in page
    stopped = sum(Model.objects.filter(last_error=REASON).count() for Model in (Charge, Reward))
    assert f"; {stopped} queued charges, rewards, webhooks, calls or faxes stopped" in page
    assert number_in_database(NUMBER) == []
    [event] = AuditEvent.objects.filter(action__contains="erase")
    assert (event.action, event.user, event.detail["apps"]) == ("subscriber.erase", operator, "all")


def test_erase_with_a_bad_choice_shows_the_page_again(client, operator, subscriber):
    form = {"action": "erase", "_selected_action": [subscriber.pk], "apply": "1", "apps": "x"}
    response = client.post(SUBSCRIBERS, form)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Subscriber.objects.get(pk=subscriber.pk).msisdn == NUMBER


def test_erase_one_app_leaves_the_number_in_another(client, operator, subscribe, subscriber):
    elsewhere = subscribe(NUMBER, app=ProviderAppFactory())
    form = {"action": "erase", "_selected_action": [subscriber.pk], "apply": "1", "apps": "this"}

    client.post(SUBSCRIBERS, form)

    subscriber.refresh_from_db()
    elsewhere.refresh_from_db()
    assert subscriber.msisdn.startswith("erased:") and elsewhere.msisdn == NUMBER


def test_viewers_have_neither_action_nor_a_way_around(client, subscriber):
    client.force_login(staff_user("victor", VIEWERS))
    page = client.get(SUBSCRIBERS).content.decode()
    assert 'value="erase"' not in page and 'value="access_request"' not in page

    form = {"action": "erase", "_selected_action": [subscriber.pk], "apply": "1", "apps": "all"}
    client.post(SUBSCRIBERS, form)
    client.post(SUBSCRIBERS, {"action": "access_request", "_selected_action": [subscriber.pk]})

    assert Subscriber.objects.get(pk=subscriber.pk).msisdn == NUMBER


def test_operators_see_both_actions(client, operator, subscriber):
    page = client.get(SUBSCRIBERS).content.decode()
    assert 'value="erase"' in page and 'value="access_request"' in page


def test_access_request_from_the_console_is_a_zip_of_every_app(
    client, operator, subscribe, subscriber
):
    traffic(subscribe(NUMBER, app=ProviderAppFactory()), text_by_them="elsewhere")
    form = {"action": "access_request", "_selected_action": [subscriber.pk]}

    response = client.post(SUBSCRIBERS, form)

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    texts = {m["text"] for m in json.loads(archive.read("telecom.message.json"))}
    assert {"call me back", "elsewhere"} <= texts
    subscribers = json.loads(archive.read("subscribers.subscriber.json"))
    assert {s["msisdn"] for s in subscribers} == {NUMBER}
    assert {tuple(s["tags"]) for s in subscribers} == {("vip",)}
    assert "telecom.auditevent.json" in archive.namelist()
    [event] = AuditEvent.objects.filter(action="subscriber.access_request")
    assert event.user == operator and event.outcome == "succeeded"


def test_access_request_of_two_numbers_is_refused(client, operator, subscribe, subscriber):
    other = subscribe(OTHER)
    form = {"action": "access_request", "_selected_action": [subscriber.pk, other.pk]}
    response = client.post(SUBSCRIBERS, form, follow=True)
    assert "one number only" in response.content.decode()


def test_erase_number_command_in_one_app_then_all(globe_app, subscribe, subscriber):
    elsewhere = subscribe(NUMBER, app=ProviderAppFactory())
    out = io.StringIO()

    call_command("erase_number", "09171234567", "--app", str(globe_app.pk), stdout=out)

    printed = out.getvalue()
    assert f"Erased from app {globe_app.pk}: now erased:" in printed
    assert "9171234567" not in printed
    elsewhere.refresh_from_db()
    assert elsewhere.msisdn == NUMBER

    call_command("erase_number", NUMBER, stdout=io.StringIO())

    assert number_in_database(NUMBER) == []
    assert Charge.objects.filter(msisdn__startswith="erased:").count() == 1  # kept


def test_erase_number_command_refuses_bad_input(globe_app):
    with pytest.raises(CommandError, match="number"):
        call_command("erase_number", "not a number")
    with pytest.raises(CommandError, match="no provider app"):
        call_command("erase_number", NUMBER, "--app", "999999")

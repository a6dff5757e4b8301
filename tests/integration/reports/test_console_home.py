"""The console's home page, Reports page, lists by task and live rows, as an
Operator, a Viewer and a staff member of neither group."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from telecom.admin.dashboard import telecom_attention
from telecom.models import Message, WalletSnapshot
from telecom.roles import OPERATORS, VIEWERS
from telecom.rollups import roll_up_traffic
from tests.integration.reports.conftest import message
from tests.support.factories import ProviderAppFactory
from voiceflows.rollups import stuck_calls

pytestmark = pytest.mark.django_db


def logged_in(client, username, group=None):
    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def today(globe_app, traffic):
    """The fixture's SMS and charges moved to an hour ago (its USSD session stays in
    March), one SMS with an unknown outcome, rolled up; never before the local
    midnight, or in the day's first hour they would count for yesterday."""
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)

    def ago(delta):
        return max(now - delta, midnight)

    Message.objects.update(created_at=ago(timedelta(hours=1)))
    globe_app.charges.update(created_at=ago(timedelta(hours=1)))
    message(globe_app, traffic, status="unknown", at=ago(timedelta(minutes=5)))
    roll_up_traffic()
    return globe_app


def test_the_home_shows_the_figures_and_what_needs_attention(client, today):
    page = logged_in(client, "victor", VIEWERS).get("/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "All apps at a glance" in html and "Needs attention" in html
    assert "1 SMS with an unknown outcome" in " ".join(html.split()).replace(
        "<strong>", ""
    ).replace("</strong>", "")
    cards = {card["title"]: card for card in page.context["cards"]}
    assert cards["SMS out"]["values"][0] == 4  # today: 3 + the unknown one
    assert dict(cards["SMS out"]["details"])["outcome unknown"][0] == 1
    assert dict(cards["Charges"]["details"])["PHP charged"][2] == "2.50"
    reasons = dict(page.context["refusals"])
    assert reasons["The subscriber (Globe) has insufficient balance"] == [1, 1, 1]
    assert html.count("<svg") >= 3


def test_one_app_is_shown_alone(client, today):
    page = logged_in(client, "olive", OPERATORS).get(f"/admin/?app={today.pk}")
    assert page.context["chosen_app"] == today
    assert f"{today} at a glance" in page.content.decode()


def test_the_home_answers_in_a_bounded_number_of_statements(
    client, today, django_assert_max_num_queries
):
    logged_in(client, "olive", OPERATORS)
    with django_assert_max_num_queries(30):
        assert client.get("/admin/").status_code == 200


def test_the_homes_statements_do_not_grow_with_the_apps(client, today):
    """Ten more apps, each with a week of wallet readings: not one more statement."""
    logged_in(client, "olive", OPERATORS)

    def statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        return len(queries)

    with_one = statements()
    now = timezone.now()
    for app in ProviderAppFactory.create_batch(10):
        for days in range(3):
            reading = WalletSnapshot.objects.create(app=app, balance=100 - days)
            WalletSnapshot.objects.filter(pk=reading.pk).update(
                fetched_at=now - timedelta(days=days)  # auto_now_add on create
            )
    assert statements() == with_one


def test_lists_are_grouped_by_task_with_system_last_and_internals_hidden_from_viewers(client):
    viewer = logged_in(client, "victor", VIEWERS).get("/admin/").context["app_list"]
    names = [section["name"] for section in viewer]
    assert names == [
        "Subscribers",
        "Messaging",
        "Money",
        "USSD",
        "Voice",
        "Hoiio & Voicent",
        "Partners & API",
        "System",
    ]
    lists = {model["name"] for section in viewer for model in section["models"]}
    assert "Callbacks received" in lists
    assert "Consent code exchanges" not in lists and "Provider calls (request log)" not in lists
    client.logout()
    operator = logged_in(client, "olive", OPERATORS).get("/admin/").context["app_list"]
    lists = {model["name"] for section in operator for model in section["models"]}
    assert "Consent code exchanges" in lists


def test_every_attention_link_is_a_list_the_admin_accepts(admin_client):
    for item in [*telecom_attention(), *stuck_calls()]:
        answer = admin_client.get(item.url)
        assert answer.status_code == 200, item.url  # a refused filter redirects with ?e=1


def test_reports_page_and_its_csv(client, today):
    logged_in(client, "victor", VIEWERS)
    day = timezone.localdate()
    params = {"since": str(day - timedelta(days=1)), "until": str(day + timedelta(days=1))}
    page = client.get(reverse("admin:reports"), params)
    assert page.status_code == 200 and "Download CSV" in page.content.decode()
    csv = client.get(reverse("admin:reports_csv"), params)
    lines = csv.content.decode().splitlines()
    assert csv["Content-Type"].startswith("text/csv")
    assert lines[0] == (
        "start,sms_out,sms_in,delivered,failed,parts,charges,charged_amount,rewards,"
        "ussd_sessions,calls"
    )
    assert lines[2].split(",")[1:] == ["4", "1", "1", "1", "7", "2", "2.50", "0", "0", "0"]
    bad = client.get(reverse("admin:reports"), {"interval": "fortnight"})
    assert "interval" in bad.content.decode() and bad.context["errors"]["interval"]
    assert client.get(reverse("admin:reports_csv"), {"since": "soon"}).status_code == 400


def test_live_rows_answer_the_cells_a_viewer_may_see(client, today):
    row = Message.objects.filter(status="unknown").get()
    logged_in(client, "victor", VIEWERS)
    url = reverse("admin:live", args=["telecom", "message"])
    listing = client.get(reverse("admin:telecom_message_changelist")).content.decode()
    assert "hatid/live.js" in listing and f'data-live="{url}"' in listing
    answer = client.get(url, {"ids": f"{row.pk},999999"}).json()
    assert list(answer["rows"]) == [str(row.pk)]
    assert "unknown" in " ".join(answer["rows"][str(row.pk)].values()).lower()
    Message.objects.filter(pk=row.pk).update(status="sent")
    again = client.get(url, {"ids": str(row.pk)}).json()["rows"][str(row.pk)]
    assert "unknown" not in " ".join(again.values()).lower()
    assert client.get(url, {"ids": "1,x"}).status_code == 400
    assert client.get(reverse("admin:live", args=["telecom", "partner"])).status_code == 404
    assert client.get(reverse("admin:live", args=["auth", "user"])).status_code == 404


def test_staff_of_neither_group_sees_no_figures_and_no_live_rows(client, today):
    logged_in(client, "nobody")
    page = client.get("/admin/")
    assert page.status_code == 200 and "cards" not in page.context
    assert client.get(reverse("admin:live", args=["telecom", "message"])).status_code == 403
    assert client.get(reverse("admin:reports")).status_code == 403

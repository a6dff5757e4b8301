"""Brute force on the console's login (django-axes): a username from one address
is locked out after 10 wrong passwords within 15 minutes; the partner API,
authenticated by its keys, is not touched."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db.models import F
from rest_framework.test import APIClient

from telecom.models import ApiKey
from telecom.roles import OPERATORS
from tests.support.factories import PartnerFactory

pytestmark = pytest.mark.django_db

GOOD = "pw-123-XYZ-good"
HERE, THERE = "203.0.113.7", "198.51.100.9"


@pytest.fixture
def olive():
    return User.objects.create_user("olive", password=GOOD, is_staff=True)


def log_in(client, username, password, address=HERE):
    client.logout()
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def sixteen_minutes_pass():
    """The attempts so far happened 16 minutes ago (the cool-off is 15)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))


def fail(client, times, username="olive", address=HERE):
    return [log_in(client, username, "wrong", address) for _ in range(times)]


def test_ten_failures_lock_the_username_from_that_address(client, olive):
    answers = fail(client, 10)
    assert [a.status_code for a in answers[:9]] == [200] * 9
    assert all(b"correct username and password" in a.content for a in answers[:9])
    locked = answers[9]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page and "olive" in page and "15 minutes" in page

    eleventh = log_in(client, "olive", GOOD)
    assert eleventh.status_code == 429
    assert not logged_in(eleventh)
    assert client.get("/admin/").status_code == 302  # to the login page: nobody is in


def test_another_address_or_username_is_not_locked(client, olive):
    User.objects.create_user("victor", password=GOOD, is_staff=True)
    fail(client, 10)
    assert logged_in(log_in(client, "olive", GOOD, address=THERE))
    assert logged_in(log_in(client, "victor", GOOD))


def test_failures_older_than_the_cool_off_are_forgotten(client, olive):
    fail(client, 9)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert fail(client, 1)[0].status_code == 200  # the first of a new count, not the tenth
    assert logged_in(log_in(client, "olive", GOOD))


def test_a_lockout_ends_after_the_cool_off(client, olive):
    fail(client, 10)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert logged_in(log_in(client, "olive", GOOD))


@pytest.mark.parametrize(
    "command", [["axes_reset_username", "olive"], ["axes_reset_ip", HERE], ["axes_reset"]]
)
def test_an_administrator_unlocks_with_a_command(client, olive, command):
    fail(client, 10)
    assert log_in(client, "olive", GOOD).status_code == 429
    call_command(*command, stdout=io.StringIO())
    assert logged_in(log_in(client, "olive", GOOD))


def test_a_good_login_forgets_the_typos_before_it(client, olive):
    fail(client, 9)
    assert logged_in(log_in(client, "olive", GOOD))
    assert fail(client, 9)[-1].status_code == 200


def test_superusers_see_the_lockouts_in_the_console(client, olive, admin_client):
    fail(client, 10)
    page = admin_client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert b"olive" in page.content and HERE.encode() in page.content
    operator = User.objects.create_user("oscar", password=GOOD, is_staff=True)
    operator.groups.add(Group.objects.get(name=OPERATORS))
    client.force_login(operator)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_the_partner_api_is_not_affected(client, olive):
    fail(client, 10, address="127.0.0.1")  # the test client's address for the API too
    _, key = ApiKey.generate(partner=PartnerFactory(), scopes=["sms:read"])
    api = APIClient()
    for _ in range(15):
        api.credentials(HTTP_AUTHORIZATION="Api-Key hatid_000000000000_wrong")
        assert api.get("/api/v1/me/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get("/api/v1/me/").status_code == 200
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["olive"]


def test_behind_a_proxy_the_address_is_the_one_the_proxy_sets(client, olive, settings):
    settings.CALLBACK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for n in range(10):  # a forged first entry changes nothing: the proxy's is the last
        client.post(
            "/admin/login/",
            {"username": "olive", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {HERE}",
        )
    assert AccessAttempt.objects.get().ip_address == HERE

    def good_login(forwarded_for):
        client.logout()
        return client.post(
            "/admin/login/",
            {"username": "olive", "password": GOOD},
            HTTP_X_FORWARDED_FOR=forwarded_for,
        ).status_code

    assert good_login(HERE) == 429
    assert good_login(THERE) == 302

"""`GET /api/v1/reports/traffic/`: its rows, its scope, and hostile query strings."""

from datetime import timedelta

import pytest

from telecom.rollups import REPORT_METRICS, roll_up_traffic
from tests.integration.reports.conftest import AT
from tests.support.api import api_client_for
from tests.support.factories import PartnerFactory, ProviderAppFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/traffic/"


@pytest.fixture
def partner(globe_app):
    """A partner of `globe_app` alone."""
    one = PartnerFactory()
    one.apps.set([globe_app])
    return one


def test_one_row_per_day_with_the_issue_fields(partner, globe_app, traffic):
    roll_up_traffic(now=AT + timedelta(hours=1))
    answer = api_client_for(partner, ["reports:read"]).get(
        URL, {"since": "2026-03-09", "until": "2026-03-11", "interval": "day"}
    )
    assert answer.status_code == 200, answer.content
    rows = answer.json()["rows"]
    assert [r["start"][:10] for r in rows] == ["2026-03-09", "2026-03-10"]
    assert list(rows[1]) == ["start", *REPORT_METRICS]
    assert rows[1] == {
        "start": "2026-03-10T00:00:00+08:00",
        "sms_out": 3,
        "sms_in": 1,
        "delivered": 1,
        "failed": 1,
        "parts": 6,
        "charges": 2,
        "charged_amount": "2.50",
        "rewards": 0,
        "ussd_sessions": 1,
        "calls": 0,
    }
    assert rows[0]["charged_amount"] == "0.00"


def test_hours_and_one_app(partner, globe_app, traffic):
    roll_up_traffic(now=AT + timedelta(hours=1))
    client = api_client_for(partner, ["reports:read"])
    answer = client.get(
        URL,
        {
            "app": globe_app.pk,
            "since": "2026-03-10T17:00:00+08:00",
            "until": "2026-03-10T19:00:00+08:00",
            "interval": "hour",
        },
    )
    assert answer.status_code == 200, answer.content
    assert [r["sms_out"] for r in answer.json()["rows"]] == [3, 0]


def test_another_partners_app_is_refused_and_its_traffic_never_shown(partner, traffic):
    other = ProviderAppFactory()
    client = api_client_for(partner, ["reports:read"])
    answer = client.get(URL, {"app": other.pk})
    assert answer.status_code == 400 and "app" in answer.json()["error"]["fields"]
    stranger = PartnerFactory()
    roll_up_traffic(now=AT + timedelta(hours=1))
    rows = (
        api_client_for(stranger, ["reports:read"])
        .get(URL, {"since": "2026-03-10", "until": "2026-03-11"})
        .json()["rows"]
    )
    assert rows[0]["sms_out"] == 0


def test_the_scope_is_needed(partner):
    answer = api_client_for(partner, ["sms:read"]).get(URL)
    assert answer.status_code == 403
    assert "reports:read" in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"interval": "week"}, "interval"),
        ({"interval": ""}, "interval"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-30"}, "since"),
        ({"until": "2026-01-01T00:00:00+23:00"}, "until"),
        ({"until": "9999-12-31"}, "until"),
        ({"since": "0001-01-01"}, "since"),
        ({"since": "2026-01-01\x00"}, "since"),
        ({"since": "2" * 5000}, "since"),
        ({"app": "abc"}, "app"),
        ({"app": "99999999999999999999"}, "app"),
        ({"app": "-1"}, "app"),
        ({"since": "2026-03-10", "until": "2026-03-01"}, "since"),
        ({"since": "2024-01-01", "until": "2026-01-01"}, "since"),
        ({"since": "2026-01-01", "until": "2026-03-01", "interval": "hour"}, "since"),
    ],
)
def test_hostile_query_strings_are_a_400_naming_the_field(partner, params, field):
    answer = api_client_for(partner, ["reports:read"]).get(URL, params)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["error"]["fields"]


def test_a_field_given_twice_is_refused(partner):
    answer = api_client_for(partner, ["reports:read"]).get(f"{URL}?interval=day&interval=hour")
    assert answer.status_code == 400
    assert "interval" in answer.json()["error"]["fields"]

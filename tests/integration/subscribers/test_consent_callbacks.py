"""The Redirect and Notify URIs as the platform calls them: opt-in by SMS,
web-form and charging codes, unsubscribe. Each payload is stored raw first;
each repeat changes nothing; bad input is a 400 that names the field."""

import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subscribers.models import AccessToken, CodeExchange, ConsentEvent, Subscriber
from subscribers.services.charging_consent import charging_consent_gap
from subscribers.services.consent import subscriber_opt_in
from telecom.models import CallbackEvent
from tests.support.factories import ProviderAppFactory
from tests.support.lanes import process_callbacks

pytestmark = pytest.mark.django_db

TOKEN = "1ixLbltjWkzwqLMXT-8UF-UQeKRma0hOOWFA6o91oXw"
GLOBE_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "globe"


def opt_in(client, app, token=TOKEN, number="9171234567"):
    query = urlencode({"access_token": token, "subscriber_number": number})
    response = client.get(f"{app.callback_path('redirect')}?{query}")
    process_callbacks()
    return response


def unsubscribe(client, app, token=TOKEN, number="9171234567", time_stamp="2014-10-19T12:00:00"):
    body = {
        "unsubscribed": {
            "subscriber_number": number,
            "access_token": token,
            "time_stamp": time_stamp,
        }
    }
    response = client.post(
        app.callback_path("redirect"), json.dumps(body), content_type="application/json"
    )
    process_callbacks()
    return response


def test_sms_opt_in_creates_an_active_subscriber_with_its_token(client, globe_app):
    response = opt_in(client, globe_app)
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.msisdn == "+639171234567"
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.opt_in_channel == Subscriber.Channel.SMS
    assert subscriber.live_token().token.reveal() == TOKEN
    event = ConsentEvent.objects.get()
    assert event.kind == ConsentEvent.Kind.OPT_IN_SMS
    assert event.callback_event == CallbackEvent.objects.get()


def test_repeated_opt_in_changes_nothing(client, globe_app):
    opt_in(client, globe_app)
    before = Subscriber.objects.get().updated_at
    assert opt_in(client, globe_app).status_code == 200
    assert Subscriber.objects.get().updated_at == before
    assert AccessToken.objects.count() == 1 and ConsentEvent.objects.count() == 1
    assert CallbackEvent.objects.count() == 2
    assert "nothing changed" in CallbackEvent.objects.order_by("pk").last().note


def test_new_opt_in_replaces_the_live_token(client, globe_app):
    opt_in(client, globe_app)
    opt_in(client, globe_app, token="second-token-abcdefgh")
    tokens = AccessToken.objects.order_by("granted_at", "pk")
    assert [t.is_live for t in tokens] == [False, True]
    assert tokens[0].revoke_reason == AccessToken.RevokeReason.REPLACED


def test_one_person_in_two_apps_is_two_subscribers(client, globe_app):
    other = ProviderAppFactory()
    opt_in(client, globe_app)
    opt_in(client, other, token="other-app-token-123")
    assert Subscriber.objects.filter(msisdn="+639171234567").count() == 2


def test_unsubscribe_revokes_the_token_and_is_idempotent(client, globe_app):
    opt_in(client, globe_app)
    assert unsubscribe(client, globe_app).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.live_token() is None
    assert AccessToken.objects.get().revoke_reason == AccessToken.RevokeReason.UNSUBSCRIBED
    assert unsubscribe(client, globe_app).status_code == 200
    assert ConsentEvent.objects.filter(kind=ConsentEvent.Kind.UNSUBSCRIBED).count() == 1


def test_revoked_token_is_never_live_again(client, globe_app):
    opt_in(client, globe_app)
    unsubscribe(client, globe_app)
    opt_in(client, globe_app)  # a late replay of the first opt-in
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    assert Subscriber.objects.get().live_token() is None


def test_stop_that_overtakes_its_opt_in_wins(client, globe_app):
    unsubscribe(client, globe_app)
    opt_in(client, globe_app)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.live_token() is None


def test_late_stop_for_an_old_token_keeps_the_newer_consent(client, globe_app):
    opt_in(client, globe_app)
    unsubscribe(client, globe_app)
    opt_in(client, globe_app, token="brand-new-token-xyz")
    unsubscribe(client, globe_app)  # the first STOP, delivered twice
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.live_token().token.reveal() == "brand-new-token-xyz"


def test_token_of_another_app_is_answered_then_rejected_in_processing(client, globe_app):
    other = ProviderAppFactory()
    opt_in(client, other)
    response = opt_in(client, globe_app)
    # Answered once stored: only processing knows whose token it is.
    assert response.status_code == 200
    event = CallbackEvent.objects.filter(app=globe_app).get()
    assert event.status == CallbackEvent.Status.REJECTED
    assert "another app" in event.error
    assert not Subscriber.objects.filter(app=globe_app).exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"access_token": TOKEN}, "subscriber_number"),
        ({"access_token": TOKEN, "subscriber_number": "12"}, "subscriber_number"),
        ({"access_token": "bad token!", "subscriber_number": "9171234567"}, "access_token"),
        ({"code": ""}, "code"),
        ({"code": "abcdefghij", "amount": "-1"}, "amount"),
    ],
)
def test_malformed_redirect_gets_a_400_naming_the_field_and_is_kept(
    client, globe_app, query, field
):
    response = client.get(f"{globe_app.callback_path('redirect')}?{urlencode(query)}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.REJECTED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "body"),
        ("[]", "unsubscribed"),
        ('{"unsubscribed": {"access_token": "abcdefghij"}}', "unsubscribed.subscriber_number"),
        (
            '{"unsubscribed": {"subscriber_number": "9171234567", "time_stamp": "noon"}}',
            "unsubscribed.time_stamp",
        ),
    ],
)
def test_malformed_unsubscribe_gets_a_400(client, globe_app, body, field):
    response = client.post(
        globe_app.callback_path("redirect"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_wrong_method_is_405(client, globe_app):
    response = client.put(
        globe_app.callback_path("redirect"), "{}", content_type="application/json"
    )
    assert response.status_code == 405


def test_web_form_code_is_queued_once_and_the_visitor_sent_to_the_result_page(client, globe_app):
    path = f"{globe_app.callback_path('redirect')}?code=bLfXLEL9CM8nReI78kxAI7ra56hrBzrB"
    first = client.get(path)
    second = client.get(path)
    exchange = CodeExchange.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/consent/result/{exchange.public_id}/"
    assert exchange.amount is None and exchange.status == CodeExchange.Status.QUEUED
    page = client.get(first["Location"])
    assert b"One moment" in page.content and b'http-equiv="refresh"' in page.content


def test_charging_code_and_amount_at_the_notify_uri_are_queued(client, globe_app):
    response = client.get(f"{globe_app.callback_path('notify')}?code=abcdefghijkl&amount=5.00")
    assert response.status_code == 302
    assert str(CodeExchange.objects.get().amount) == "5.00"


def documented_charging_query() -> str:
    """The query the docs send to the Notify URI after a charging opt-in ("Charging")."""
    return urlsplit((GLOBE_FIXTURES / "charging_optin_notify_url.txt").read_text().strip()).query


@pytest.mark.parametrize("kind", ["notify", "redirect"])
def test_charging_code_with_the_documented_zero_amount_is_exchanged(client, globe_app, kind):
    response = client.get(f"{globe_app.callback_path(kind)}?{documented_charging_query()}")
    assert response.status_code == 302
    exchange = CodeExchange.objects.get()
    assert exchange.amount == Decimal("0.00") and exchange.status == CodeExchange.Status.QUEUED
    assert exchange.code.reveal().startswith("bLfXLEL9CM8nReI78kxAI7ra56hrBzrB")
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.PROCESSED


def test_a_zero_charging_opt_in_covers_no_paid_charge(globe_app):
    subscriber_opt_in(
        app=globe_app,
        msisdn="9171234567",
        token=TOKEN,
        channel=Subscriber.Channel.CHARGING,
        amount=Decimal("0.00"),
    )
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert "at most 0.00" in charging_consent_gap(subscriber, Decimal("1.00"))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ((GLOBE_FIXTURES / "redirect_opt_in_post.json").read_text(), "application/json"),
        (
            urlencode({"access_token": TOKEN, "subscriber_number": "9171234567"}),
            "application/x-www-form-urlencoded",
        ),
    ],
    ids=["documented-json", "form"],
)
def test_opt_in_posted_to_the_redirect_uri_as_the_md_shows(client, globe_app, body, content_type):
    response = client.post(globe_app.callback_path("redirect"), body, content_type=content_type)
    assert response.status_code == 200
    assert process_callbacks() == 1
    subscriber = Subscriber.objects.get()
    assert subscriber.msisdn == "+639171234567" and subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.live_token().token.reveal() == TOKEN
    assert ConsentEvent.objects.get().kind == ConsentEvent.Kind.OPT_IN_SMS


def test_posted_opt_in_without_a_token_names_the_field(client, globe_app):
    response = client.post(
        globe_app.callback_path("redirect"),
        json.dumps({"subscriber_number": "9171234567"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "access_token" in response.json()["error"]["fields"]


def test_notify_get_without_amount_is_rejected(client, globe_app):
    response = client.get(f"{globe_app.callback_path('notify')}?code=abcdefghijkl")
    assert response.status_code == 400
    assert "amount" in response.json()["error"]["fields"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["access_token", "subscriber_number", "code", "amount", "x"]),
        st.text(max_size=40),
        max_size=4,
    )
)
def test_redirect_never_fails_with_a_500_on_arbitrary_queries(client, globe_app, params):
    response = client.get(f"{globe_app.callback_path('redirect')}?{urlencode(params)}")
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        assert response.json()["error"]["fields"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ["unsubscribed", "subscriber_number", "access_token", "time_stamp", "x"]
                ),
                children,
                max_size=4,
            )
        ),
        max_leaves=8,
    )
)
def test_unsubscribe_never_fails_with_a_500_on_arbitrary_json(client, globe_app, body):
    response = client.post(
        globe_app.callback_path("redirect"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (200, 400)


def test_bare_return_from_the_consent_dialog_gets_a_friendly_page(client, globe_app):
    response = client.get(globe_app.callback_path("redirect"))
    assert response.status_code == 200
    assert b"Thank you" in response.content
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.PROCESSED

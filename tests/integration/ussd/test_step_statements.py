"""What a USSD step costs in statements (each one a round trip to PostgreSQL on
the path from the callback to the reply): a bound per step, and per claim of
the reply by the worker (bench/README.md: "USSD: Hatid's share of a step")."""

import json

import pytest

from subscribers.models import AccessToken
from subscribers.services.consent import live_token_for
from telecom import outbox
from telecom.models import UssdExchange, UssdSession

pytestmark = pytest.mark.django_db


def post(client, app, message, second, **fields):
    entry = {
        "datetime": f"Tue May 17 2016 11:10:{second:02d} GMT+0000 (UTC)",
        "destinationAddress": app.shortcode,
        "senderAddress": "639171234567",
        "sessionID": "012345678912",
        "message": message,
        **fields,
    }
    body = {"inboundUSSDMessageList": {"inboundUSSDMessage": [entry]}}
    response = client.post(
        app.callback_path("ussd"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    return response


def test_a_step_of_a_running_session_takes_seven_statements(
    client, globe_app, menu, subscribe, django_assert_max_num_queries
):
    subscribe("+639171234567")
    # The first callback opens the session (and its subscriber's lookup, the
    # app's by its token, the live menu and its screens read into this
    # process's cache): more, once per session.
    with django_assert_max_num_queries(15):
        post(client, globe_app, None, 30, sessionStart=True)
    # The raw callback's INSERT; then, in one transaction (a savepoint here):
    # the session locked with its replies' summary, the session's UPDATE, the
    # reply's INSERT and the callback's status. The menu is this process's copy.
    with django_assert_max_num_queries(7):
        post(client, globe_app, "2", 31)
    with django_assert_max_num_queries(7):
        post(client, globe_app, "1", 32)
    with django_assert_max_num_queries(7):
        post(client, globe_app, "abc", 33)  # refused by the input screen: shown again

    assert list(UssdExchange.objects.order_by("sequence").values_list("sequence", "reply")) == [
        (1, "Welcome\n1. Info\n2. Buy load"),
        (2, "Buy load\n1. Other amount"),
        (3, "Enter amount:"),
        (4, "Enter an amount, like 50 or 12.50.\nEnter amount:"),
    ]


def test_a_repeated_step_is_answered_once_in_three_statements(
    client, globe_app, menu, subscribe, django_assert_max_num_queries
):
    subscribe("+639171234567")
    post(client, globe_app, None, 30, sessionStart=True)
    post(client, globe_app, "2", 31)
    with django_assert_max_num_queries(5):  # + the savepoint and its release
        post(client, globe_app, "2", 31)

    assert UssdExchange.objects.count() == 2
    assert UssdSession.objects.get().screen.key == "load"


def test_an_end_screen_with_nothing_to_do_ends_the_session_in_the_same_update(
    client, globe_app, subscribe, django_assert_max_num_queries
):
    from bench.ussd_voice import ussd_menu

    globe_app.shortcode = "21589996"
    globe_app.save()
    ussd_menu(globe_app)
    subscribe("+639171234567")
    post(client, globe_app, None, 30, sessionStart=True)
    post(client, globe_app, "1", 31)
    with django_assert_max_num_queries(7):
        post(client, globe_app, "2", 32)

    session = UssdSession.objects.get()
    assert session.status == UssdSession.Status.COMPLETED and session.ended_at is not None
    assert UssdExchange.objects.order_by("sequence").last().flash is True


@pytest.mark.postgres  # the claim's one prepared statement is PostgreSQL's
def test_the_worker_claims_a_reply_with_its_relations_in_one_statement(
    client, globe_app, menu, subscribe, django_assert_num_queries
):
    subscribe("+639171234567")
    post(client, globe_app, None, 30, sessionStart=True)
    reply = UssdExchange.objects.get()
    outbox.claim_many(UssdExchange, [])  # PREPAREs the claim: once per connection

    with django_assert_num_queries(1):  # the UPDATE … RETURNING and the SELECT of its rows
        [claimed] = outbox.claim_many(UssdExchange, [reply.pk])
        assert claimed.session.subscriber.msisdn == "+639171234567"
        assert claimed.session.app.app_secret.reveal() == globe_app.app_secret.reveal()
        # The subscriber's live token came in the same SELECT.
        token = live_token_for(claimed.session.subscriber)
    assert token == AccessToken.objects.get(subscriber__msisdn="+639171234567", revoked_at=None)
    # As the claim left the row, not as it was before.
    assert claimed.status == "sending" and claimed.attempts == 1 and not claimed.in_doubt
    assert claimed.lease_until is not None
    reply.refresh_from_db()
    assert (reply.status, reply.attempts, reply.lease_until) == (
        "sending",
        1,
        claimed.lease_until,
    )
    assert outbox.claim_many(UssdExchange, [reply.pk]) == []  # taken: no one else gets it


def test_a_menu_changed_mid_session_shows_at_the_next_step(client, globe_app, menu, subscribe):
    """The menu is kept in each process across steps (`menu_spec`): a change to
    a screen, made anywhere, is seen at the session's next step."""
    from telecom.models import UssdScreen

    subscribe("+639171234567")
    post(client, globe_app, None, 30, sessionStart=True)
    screen = UssdScreen.objects.get(menu=menu, key="load")
    screen.text = "Load, now cheaper"
    screen.save()
    post(client, globe_app, "2", 31)

    assert UssdExchange.objects.order_by("sequence").last().reply.startswith("Load, now cheaper")


@pytest.mark.postgres  # the claim's one prepared statement is PostgreSQL's
def test_a_claimed_reply_of_a_subscriber_with_no_live_token_is_refused_without_a_query(
    client, globe_app, menu, subscribe, django_assert_num_queries
):
    from telecom.errors import ServiceError

    subscribe("+639171234567")
    post(client, globe_app, None, 30, sessionStart=True)
    AccessToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    reply = UssdExchange.objects.get()
    outbox.claim_many(UssdExchange, [])

    with django_assert_num_queries(1):
        [claimed] = outbox.claim_many(UssdExchange, [reply.pk])
        with pytest.raises(ServiceError, match="no live access token"):
            live_token_for(claimed.session.subscriber)

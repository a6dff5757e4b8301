"""`telecom.bulk_sql.PreparedStatement` and `CompiledQuery`: hot statements
planned once per connection, querysets compiled once per process."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from telecom import outbox
from telecom.bulk_sql import CompiledQuery, PreparedStatement, numbered
from telecom.models import Message, UssdSession

pytestmark = pytest.mark.django_db


def test_placeholders_are_numbered_and_a_percent_sign_kept():
    sql = "SELECT %s, '100%%', x LIKE 'a%%' AND y = %s"
    assert numbered(sql, first=3) == "SELECT $3, '100%', x LIKE 'a%' AND y = $4"


@pytest.mark.postgres  # the claim's one prepared statement is PostgreSQL's
def test_a_statement_is_prepared_once_per_connection_and_again_on_a_new_one():
    statement = PreparedStatement("hatid_test_sum", "SELECT $1::int + $2::int")

    def run():
        with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
            statement.execute(cursor, [2, 3])
            assert cursor.fetchone() == (5,)
        return [query["sql"].split()[0] for query in captured.captured_queries]

    first = run()
    assert run() == ["EXECUTE"]
    assert first in (["PREPARE", "EXECUTE"], ["EXECUTE"])  # another test may have prepared it
    with pytest.raises(ValueError, match="takes 2 values"), connection.cursor() as cursor:
        statement.execute(cursor, [1])


@pytest.mark.postgres  # the claim's one prepared statement is PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_claim_again(globe_app, subscribe):
    from telecom.services.messaging import send_sms

    subscriber = subscribe("+639171234567")
    first = send_sms(app=globe_app, to=subscriber.msisdn, text="one")
    assert [row.pk for row in outbox.claim_many(Message, [first.pk])] == [first.pk]
    connections["default"].close()  # the next statement opens a new session
    second = send_sms(app=globe_app, to=subscriber.msisdn, text="two")
    with CaptureQueriesContext(connection) as captured:
        [claimed] = outbox.claim_many(Message, [second.pk])
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["PREPARE", "EXECUTE"]
    assert (claimed.pk, claimed.status, claimed.attempts) == (second.pk, "sending", 1)
    assert claimed.subscriber.live_token() is not None  # joined: no query
    assert len(captured.captured_queries) == 2


def test_a_compiled_query_refuses_examples_that_are_not_its_parameters():
    def build(app_id, session_id):
        return UssdSession.objects.filter(app_id=app_id, session_id__startswith=session_id)

    query = CompiledQuery(build, app_id=-1, session_id="\x00session")
    with pytest.raises(ValueError, match="each example must be one parameter"):
        query.rows(UssdSession, app_id=1, session_id="x")


@pytest.mark.postgres  # the claim's one prepared statement is PostgreSQL's
def test_a_claimed_charge_brings_its_subscribers_live_token(
    globe_app, subscribe, django_assert_num_queries
):
    """Every outbox row sent with a subscriber's token loads it with its claim
    (`ClaimedWithLiveToken`), not with a query per row as it is sent."""
    from subscribers.services.consent import live_token_for
    from telecom.models import Charge
    from telecom.services.charging import charge

    subscriber = subscribe("+639171234567")
    queued = charge(app=globe_app, to=subscriber.msisdn, amount="1", description="Load")
    outbox.claim_many(Charge, [])  # PREPAREs the claim: once per connection

    with django_assert_num_queries(1):
        [claimed] = outbox.claim_many(Charge, [queued.pk])
        token = live_token_for(claimed.subscriber)
    assert token.token == f"token-639171234567-{globe_app.pk}"


def claims(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "EXECUTE hatid_claim_" in q["sql"]]


@pytest.mark.postgres  # asynchronous commits are PostgreSQL's
@pytest.mark.django_db(transaction=True)
def test_a_claim_commits_asynchronously_only_for_a_sender_that_sends_a_row_in_doubt_again(
    client, globe_app, subscribe
):
    """A USSD reply in doubt is sent again anyway, so a claim lost to PostgreSQL's
    crash costs nothing more; a charge in doubt is asked about, never sent
    blindly, so its claim's commit waits for the flush."""
    from telecom.models import Charge, UssdExchange
    from telecom.services.charging import ChargeDelivery, charge
    from telecom.services.ussd import UssdReplyDelivery
    from tests.support.ussd_menus import ussd_body

    subscriber = subscribe("+639171234567")
    client.post(
        globe_app.callback_path("ussd"), ussd_body(globe_app), content_type="application/json"
    )
    reply = UssdExchange.objects.get()
    queued = charge(app=globe_app, to=subscriber.msisdn, amount="1", description="Load")

    with CaptureQueriesContext(connection) as captured:
        UssdReplyDelivery().run_many([reply.pk])
    [claim] = claims(captured)
    assert claim.startswith("SET LOCAL synchronous_commit TO OFF; EXECUTE")

    with CaptureQueriesContext(connection) as captured:
        ChargeDelivery().run_many([queued.pk])
    [claim] = claims(captured)
    assert claim.startswith("EXECUTE")
    assert Charge.objects.get().attempts == 1  # claimed, whatever the platform said

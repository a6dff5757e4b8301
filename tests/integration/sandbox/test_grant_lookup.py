"""The access token's grant read by `sandbox.sql.live_grant` (one statement built
once, rows converted by the fields' own converters) is the grant the ORM reads,
with the same app and subscriber, field for field."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models import Model

from sandbox import sql, tokens
from sandbox.models import App, Grant, Subscriber

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def fields_of(row: Model) -> dict:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


@pytest.fixture
def grant():
    app = App.objects.create(
        app_id="lookup-app",
        app_secret="s",
        shortcode="21589999",
        promos={"LOAD 50": "50.00"},
        wallet_balance=Decimal("1234.56"),
        notify_uri="https://partner.example/notify",
        last_wallet_query_at=datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=UTC),
    )
    subscriber = Subscriber.objects.create(
        number="+639171234567",
        balance=Decimal("99.50"),
        latitude=Decimal("14.5995124"),
        postpaid=True,
    )
    return Grant.objects.create(
        app=app, subscriber=subscriber, access_token="tok-live", source=Grant.Source.CONTROL
    )


def test_a_live_grant_reads_as_the_orm_reads_it(grant):
    expected = Grant.objects.select_related("app", "subscriber").get(pk=grant.pk)

    found = sql.live_grant("tok-live")

    assert fields_of(found) == fields_of(expected)
    assert fields_of(found.app) == fields_of(expected.app)
    assert fields_of(found.subscriber) == fields_of(expected.subscriber)
    assert found.app.promos == {"LOAD 50": "50.00"}
    assert found.app.wallet_balance == Decimal("1234.56")
    assert found.subscriber.postpaid is True and found.active is True
    assert found.app.last_wallet_query_at == datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=UTC)
    assert found._state.adding is False and found._state.db == "sandbox"


def test_a_revoked_or_unknown_token_has_no_grant(grant):
    Grant.objects.filter(pk=grant.pk).update(active=False)

    assert sql.live_grant("tok-live") is None
    assert sql.live_grant("no-such-token") is None
    assert sql.live_grant("' OR 1=1 --") is None


def test_the_cache_serves_the_grant_until_something_changes(grant):
    tokens.forget()
    assert tokens.live_grant("tok-live").pk == grant.pk

    Grant.objects.filter(pk=grant.pk).update(active=False)
    tokens.forget()

    assert tokens.live_grant("tok-live") is None


def test_the_cache_keeps_the_latest_lookups_and_one_copy_of_each_app(grant, monkeypatch):
    """A campaign looks up each recipient's token once: the cache stays
    bounded by dropping the oldest, and its grants share their app."""
    for n in (2, 3):
        subscriber = Subscriber.objects.create(number=f"+63917123456{n}")
        Grant.objects.create(
            app=grant.app, subscriber=subscriber, access_token=f"tok-{n}", source=grant.source
        )
    monkeypatch.setattr(tokens, "MAX_ENTRIES", 2)
    tokens.forget()

    first, second, third = (tokens.live_grant(token) for token in ("tok-live", "tok-2", "tok-3"))

    assert list(tokens._grants) == ["tok-2", "tok-3"]
    assert first.app is second.app is third.app
    assert tokens.live_grant("tok-live").pk == grant.pk  # looked up again, and kept
    assert list(tokens._grants) == ["tok-3", "tok-live"]

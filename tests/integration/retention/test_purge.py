"""Retention: each kind's expired rows go (or lose their personal fields where
money depends on them) and fresher ones stay; an app's own period wins over
the default; the purge goes in batches that each stand alone, so a purge
killed after one batch finishes on the next run; a dry run counts what the
purge then removes."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from telecom.models import CallbackEvent, Message
from telecom.retention import registry
from telecom.retention.purge import LOCK_KEY, purge, purge_once
from tests.integration.retention.rows import CASES, message
from tests.support.factories import ProviderAppFactory

pytestmark = pytest.mark.django_db


def period(kind: registry.Kind) -> timedelta:
    return kind.fixed() if kind.fixed is not None else timedelta(days=kind.default_days())


def test_every_registered_kind_has_a_case_here():
    assert {kind.name for kind in registry.all_kinds()} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_retention_purges_a_kind_once_its_period_is_over(name, globe_app):
    kind, case = registry.get(name), CASES[name]
    row = case.make(globe_app)
    model = kind.model_class
    before = {field: getattr(row, field) for field in case.kept}
    personal = {field: getattr(row, field) for field in case.blanked or {}}
    assert not case.blanked or any(personal[f] != v for f, v in case.blanked.items())
    now = timezone.now()

    # Still within its period: untouched.
    purge(kinds=[kind], now=now + period(kind) - timedelta(hours=1))
    assert model._base_manager.filter(pk=row.pk).exists()
    row.refresh_from_db()
    assert {field: getattr(row, field) for field in personal} == personal

    purge(kinds=[kind], now=now + period(kind) + timedelta(hours=1))
    if case.blanked is None:
        assert not model._base_manager.filter(pk=row.pk).exists()
        return
    row.refresh_from_db()
    for field, value in case.blanked.items():
        assert getattr(row, field) == value, field
    for field, value in before.items():
        assert getattr(row, field) == value, f"{field} must stay"


def test_retention_leaves_rows_still_at_work(globe_app):
    queued = message(globe_app, direction="out", status="queued", client_correlator="c1")
    purge(kinds=[registry.get("telecom.message_texts")], now=timezone.now() + timedelta(days=999))
    queued.refresh_from_db()
    assert queued.text == "my secret"


def test_a_deleted_callback_leaves_the_rows_made_from_it_without_their_link(globe_app):
    event = CallbackEvent.objects.create(app=globe_app, kind="notify", method="POST")
    made = message(globe_app, callback_event=event)
    purge(kinds=[registry.get("telecom.callbacks")], now=timezone.now() + timedelta(days=31))
    made.refresh_from_db()
    assert made.callback_event is None
    assert not CallbackEvent.objects.exists()


def test_a_delete_the_models_cascade_goes_through_djangos_collector(globe_app):
    exchange = CASES["telecom.ussd_exchanges"].make(globe_app)
    purge(kinds=[registry.get("telecom.ussd_sessions")], now=timezone.now() + timedelta(days=181))
    assert not type(exchange).objects.filter(pk=exchange.pk).exists()


def test_retention_follows_each_apps_own_period(globe_app):
    short = ProviderAppFactory(retain_callbacks_days=5)
    forever = ProviderAppFactory(retain_callbacks_days=0)
    for app in (globe_app, short, forever):
        CallbackEvent.objects.create(app=app, kind="notify", method="POST")
    kind = registry.get("telecom.callbacks")

    purge(kinds=[kind], now=timezone.now() + timedelta(days=6))
    assert set(CallbackEvent.objects.values_list("app", flat=True)) == {globe_app.pk, forever.pk}

    purge(kinds=[kind], now=timezone.now() + timedelta(days=3650))
    assert list(CallbackEvent.objects.values_list("app", flat=True)) == [forever.pk]


def test_rows_of_no_app_keep_the_default_period(globe_app):
    from telecom.models import OutboundCall

    globe_app.retain_provider_logs_days = 1
    globe_app.save()
    for app in (globe_app, None):
        CASES["telecom.provider_logs"].make(app)
    kind = registry.get("telecom.provider_logs")
    purge(kinds=[kind], now=timezone.now() + timedelta(days=2))
    assert list(OutboundCall.objects.values_list("app", flat=True)) == [None]
    purge(kinds=[kind], now=timezone.now() + timedelta(days=91))
    assert not OutboundCall.objects.exists()


def test_retention_goes_in_batches_and_a_run_cut_short_is_finished_by_the_next(globe_app):
    CallbackEvent.objects.bulk_create(
        CallbackEvent(app=globe_app, kind="notify", method="POST") for _ in range(25)
    )
    kind, later = registry.get("telecom.callbacks"), timezone.now() + timedelta(days=31)

    class Killed(Exception):
        pass

    def die(outcome):
        raise Killed

    with pytest.raises(Killed):
        purge(kinds=[kind], now=later, batch_size=10, on_batch=die)
    assert CallbackEvent.objects.count() == 15  # the first batch committed, alone

    [outcome] = purge(kinds=[kind], now=later, batch_size=10)
    assert (outcome.rows, outcome.batches) == (15, 2)
    assert not CallbackEvent.objects.exists()


def test_a_dry_run_counts_what_the_purge_then_removes(globe_app, settings, monkeypatch):
    for _ in range(3):
        CallbackEvent.objects.create(app=globe_app, kind="notify", method="POST")
        message(globe_app)
    CallbackEvent.objects.update(received_at=timezone.now() - timedelta(days=40))
    Message.objects.update(created_at=timezone.now() - timedelta(days=200))
    message(globe_app)  # fresh

    out = StringIO()
    call_command("purge", "--dry-run", stdout=out)
    report = out.getvalue()
    assert "telecom.callbacks" in report and "would delete         3" in report
    assert "telecom.message_texts" in report and "would blank         3" in report
    assert CallbackEvent.objects.count() == 3

    out = StringIO()
    call_command("purge", "--batch-size", "2", stdout=out)
    assert "deleted         3" in out.getvalue() and "blanked         3" in out.getvalue()
    assert not CallbackEvent.objects.exists()
    assert sorted(Message.objects.values_list("text", flat=True)) == ["", "", "", "my secret"]


def test_one_purge_runs_at_a_time(globe_app):
    CallbackEvent.objects.create(
        app=globe_app,
        kind="notify",
        method="POST",
        received_at=timezone.now() - timedelta(days=40),
    )
    cache.add(LOCK_KEY, "another host", 60)
    assert purge_once() is None
    assert CallbackEvent.objects.exists()
    cache.delete(LOCK_KEY)
    assert sum(o.rows for o in purge_once()) == 1
    assert not CallbackEvent.objects.exists()


def test_the_beat_schedule_runs_the_purge_and_the_old_name_still_works(settings, globe_app):
    from config.celery import app as celery_app
    from telecom import tasks

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "telecom.tasks.purge_expired" in schedule
    celery_app.loader.import_default_modules()
    assert {"telecom.tasks.purge_expired", "telecom.tasks.purge_idempotency_records"} <= set(
        celery_app.tasks
    )
    CallbackEvent.objects.create(
        app=globe_app,
        kind="notify",
        method="POST",
        received_at=timezone.now() - timedelta(days=40),
    )
    assert tasks.purge_idempotency_records() == 1

"""The apps callback tokens name, cached per process (`telecom.callbacks.app_cache`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from telecom import redis as hatid_redis
from telecom.callbacks import app_cache
from telecom.models import ProviderApp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    app_cache.clear_local()
    yield
    app_cache.clear_local()


def test_a_known_token_is_answered_without_a_query(globe_app):
    token = globe_app.callback_token.reveal()
    assert app_cache.app_for_token(token).pk == globe_app.pk
    with CaptureQueriesContext(connection) as queries:
        again = app_cache.app_for_token(token)
    assert again.pk == globe_app.pk and len(queries) == 0
    assert again is not app_cache.app_for_token(token)  # each caller its own copy


def test_a_saved_change_is_seen_at_once(globe_app):
    token = globe_app.callback_token.reveal()
    assert app_cache.app_for_token(token) is not None
    globe_app.is_active = False
    globe_app.save()
    assert app_cache.app_for_token(token) is None


def test_another_process_s_change_is_seen_after_the_check_interval(globe_app, settings):
    settings.CALLBACK_APP_CACHE_CHECK_SECONDS = 0
    token = globe_app.callback_token.reveal()
    assert app_cache.app_for_token(token) is not None
    ProviderApp.objects.filter(pk=globe_app.pk).update(is_active=False)  # no signal here
    assert app_cache.app_for_token(token) is not None  # still cached
    hatid_redis.client().incr(app_cache.VERSION_KEY)  # what the other process's save does
    assert app_cache.app_for_token(token) is None


def test_a_change_whose_invalidation_was_lost_is_seen_after_the_maximum_age(globe_app, settings):
    token = globe_app.callback_token.reveal()
    assert app_cache.app_for_token(token) is not None
    # Redis was down when the change was saved: nobody's version moved.
    ProviderApp.objects.filter(pk=globe_app.pk).update(is_active=False)
    assert app_cache.app_for_token(token) is not None  # still cached
    settings.CALLBACK_APP_CACHE_MAX_AGE_SECONDS = 0
    assert app_cache.app_for_token(token) is None


def test_invalidations_refused_by_a_redis_that_is_down_are_reported_once(settings, caplog):
    """`make run` seeds the demo before Redis is up: one warning, not one per
    saved row; and again once Redis came back and went away again."""
    up = settings.REDIS_URL
    settings.USING_EMBEDDED_REDIS = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    with caplog.at_level("WARNING", logger="telecom.callbacks"):
        for _ in range(3):
            app_cache.bump()
        assert len(caplog.records) == 1
        settings.REDIS_URL = up
        app_cache.bump()
        settings.REDIS_URL = "redis://127.0.0.1:1/0"
        app_cache.bump()
    assert len(caplog.records) == 2
    assert "could not invalidate" in caplog.records[0].getMessage()


def test_the_embedded_redis_not_yet_started_is_no_warning(settings, caplog, monkeypatch):
    """`make run` seeds the demo before its embedded Redis starts, and stops
    every process when that Redis exits: a fresh clone's first command prints
    no warning for a cache nobody can hold yet."""
    monkeypatch.setattr(app_cache, "_unreachable", False)  # restored after
    settings.USING_EMBEDDED_REDIS = True
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    with caplog.at_level("DEBUG", logger="telecom.callbacks"):
        app_cache.bump()
    assert [record.levelname for record in caplog.records] == ["DEBUG"]
    assert "no embedded Redis yet" in caplog.records[0].getMessage()

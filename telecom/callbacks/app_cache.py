"""The app a callback token names, cached in this process by the token's digest.

Every callback request starts by finding its app; from the database that is
a query per request. The answer is kept here, keyed by the token's SHA-256
digest (never the token), and thrown away whenever any `ProviderApp` changes
anywhere: a save or delete increments a version number in Redis (`bump`,
connected to the model's signals in `telecom.apps`), and each lookup reads
that number (one Redis GET, cheaper than the query, at most once per
CALLBACK_APP_CACHE_CHECK_SECONDS: another process's change is seen within
that, this process's own at once) and empties this process's cache when it
moved. An app accepted on its previous token stays cached only until that
token's expiry.

The lane workers keep what they read of an app's configuration for every
batch (its keyword rules and partners: `app_config`) under the same version,
read from Redis on every call (a GET instead of the queries), so a change is
seen by the next batch after its commit; models whose changes count are
connected to `bump` in `telecom.apps`.

A change made by a queryset `update()` sends no signal: code that changes an
app that way calls `bump()` itself. Without Redis the cache is bypassed. A
bump lost to a Redis outage would leave other processes' entries stale for
ever, so no entry outlives CALLBACK_APP_CACHE_MAX_AGE_SECONDS either.
"""

import copy
import logging
import threading
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telecom import redis as hatid_redis
from telecom.models.provider_app import ProviderApp, token_digest

logger = logging.getLogger("telecom.callbacks")

VERSION_KEY = "hatid:provider-apps:version"
_MAX_ENTRIES = 10_000

_lock = threading.Lock()
_MISSING = object()


class _Entries:
    """Values read under one version of the apps: emptied when it moves, each
    value kept CALLBACK_APP_CACHE_MAX_AGE_SECONDS at most."""

    def __init__(self):
        self.version: bytes | None = None
        self.values: dict = {}  # key -> (value, filled: time.monotonic())

    def get(self, version: bytes, key):
        with _lock:
            if version != self.version:
                self.values.clear()
                self.version = version
            entry = self.values.get(key)
        if entry is None:
            return _MISSING
        value, filled = entry
        if time.monotonic() - filled >= settings.CALLBACK_APP_CACHE_MAX_AGE_SECONDS:
            return _MISSING
        return value

    def put(self, version: bytes, key, value) -> None:
        # A change committed after `version` was read moves it again, so a
        # value read before that commit is not used past the next lookup.
        with _lock:
            if version == self.version and len(self.values) < _MAX_ENTRIES:
                self.values[key] = (value, time.monotonic())

    def clear(self) -> None:
        with _lock:
            self.values.clear()
            self.version = None


# token digest -> (app or None, until: a datetime after which it is stale, or None)
_apps = _Entries()
# (app id, what) -> what the app's configuration `load()` read
_config = _Entries()

_checked_at = 0.0
_checked_version: bytes | None = None


def _current_version() -> bytes | None:
    global _checked_at, _checked_version
    now = time.monotonic()
    if _checked_version is None or now - _checked_at >= settings.CALLBACK_APP_CACHE_CHECK_SECONDS:
        _checked_version = hatid_redis.client().get(VERSION_KEY) or b"0"
        _checked_at = now
    return _checked_version


def app_for_token(token: str) -> ProviderApp | None:
    """`ProviderApp.for_callback_token(token)`, from this process's cache when
    no app changed since it was filled. Each caller gets its own copy."""
    try:
        version = _current_version()
    except Exception:
        logger.warning("Redis unavailable: looking the callback token up in the database")
        return ProviderApp.for_callback_token(token)
    digest = token_digest(token)
    entry = _apps.get(version, digest)
    if entry is not _MISSING:
        app, until = entry
        if until is None or until > timezone.now():
            return _copy(app)
    app = ProviderApp.for_callback_token(token)
    until = None
    if app is not None and app.callback_token_digest != digest:
        until = app.previous_callback_token_expires_at
    _apps.put(version, digest, (app, until))
    return _copy(app)


def app_config(app_id: int, what: str, load: Callable[[], object]) -> object:
    """What `load()` reads of the app's configuration (`what` names it), from
    this process's cache when nothing changed since (`bump`); the value is
    shared by every caller, who must not change it. Without Redis, `load()`."""
    try:
        version = hatid_redis.client().get(VERSION_KEY) or b"0"
    except Exception:
        return load()
    value = _config.get(version, (app_id, what))
    if value is _MISSING:
        value = load()
        _config.put(version, (app_id, what), value)
    return value


def _copy(app: ProviderApp | None) -> ProviderApp | None:
    return None if app is None else copy.copy(app)


_unreachable = False  # Redis refused the last invalidation (said once)


def bump(**kwargs) -> None:
    """Every process's cached apps are stale: now, and again once the current
    transaction commits (a process may have re-read the old row in between)."""

    def _incr():
        global _unreachable
        try:
            hatid_redis.client().incr(VERSION_KEY)
            _unreachable = False
        except redis.ConnectionError as error:
            # Before Redis is up no process has cached anything yet, so one line
            # per outage is enough; and none at all with the embedded Redis:
            # `make run` seeds the demo before starting it, and its process
            # runner stops every process when it exits, so a process that
            # cached apps never outlives it.
            if settings.USING_EMBEDDED_REDIS:
                logger.debug("no embedded Redis yet; no cached provider apps to invalidate")
            elif not _unreachable:
                logger.warning("could not invalidate the cached provider apps: %s", error)
            _unreachable = True
        except Exception:
            logger.warning("could not invalidate the cached provider apps", exc_info=True)

    clear_local()
    _incr()
    transaction.on_commit(_incr)
    transaction.on_commit(clear_local)


def clear_local() -> None:
    """Forget this process's entries (tests)."""
    global _checked_version
    _apps.clear()
    _config.clear()
    _checked_version = None

"""Hatid's settings: one module, every value read from the environment.

The defaults make `make run` work on a laptop with nothing but Python
(SQLite and an embedded Redis under HATID_HOME, the Globe Labs sandbox on
127.0.0.1). Production is the mode you get when DJANGO_DEBUG is unset: it fails
closed, refusing to start without its secrets, and passes `check --deploy`.
A development `.env` (config/devenv.py) is read first, never in production.
"""

import base64
import hashlib
import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.devenv import load_dev_env
from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# The git-ignored development `.env` that `make install` writes, read only
# under the rule in config/devenv.py (never by a process configured for
# production), so the README's commands work as printed in a plain shell.
DEV_ENV_FILE = load_dev_env(BASE_DIR)

# All local state (SQLite files, the embedded Redis socket, static files) lives
# under one directory, so two copies can run side by side.
HATID_HOME = Path(env_str("HATID_HOME", "var"))
if not HATID_HOME.is_absolute():
    HATID_HOME = BASE_DIR / HATID_HOME
HATID_HOME.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required in production (or set DJANGO_DEBUG=1 for development)"
        )
    SECRET_KEY = "dev-only-key-hatid-" + hashlib.sha256(str(HATID_HOME).encode()).hexdigest()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in production")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

WEB_PORT = env_int("WEB_PORT", 8000)
SANDBOX_PORT = env_int("SANDBOX_PORT", 8010)

# The address Globe Labs reaches Hatid at: the admin shows the callback URIs
# built on it, to paste into the Globe Labs portal.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", f"http://127.0.0.1:{WEB_PORT}").rstrip("/")

INSTALLED_APPS = [
    # Django's admin with Hatid's site (telecom.admin_site): the home page, the lists by task.
    "config.console.ConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "telecom",
    "subscribers",
    "voiceflows",
    # Failed admin logins: lockouts (see "Auth" below). Last, as its docs ask.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, so that static files carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The audit trail: each console POST and partner API write, once answered.
    "telecom.audit.middleware.AuditMiddleware",
    # Turns a locked-out login into the lockout page; last, as axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "telecom.context_processors.operator_alerts",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

_SQLITE_OPTIONS = {
    # WAL lets the web process read while a worker writes; IMMEDIATE takes the
    # write lock at BEGIN so concurrent writers queue instead of failing with
    # "database is locked" half-way through a transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


# Django's PostgreSQL backend, whose health check sends no `SELECT 1` to a
# sound idle connection (config/postgresql/base.py).
POSTGRES_ENGINE = "config.postgresql"


def _database(url: str | None, sqlite_file: Path) -> dict:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_file,
            "OPTIONS": dict(_SQLITE_OPTIONS),
            # Tests get a file too, not Django's shared in-memory database: there,
            # threads (the live server's, an in-process worker's) that write at
            # once fail with "database table is locked" instead of waiting.
            "TEST": {"NAME": str(sqlite_file.with_name(f"test_{sqlite_file.name}"))},
        }
    config = dj_database_url.parse(
        url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(_SQLITE_OPTIONS)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = POSTGRES_ENGINE
    return config


def _sandbox_database(url: str | None, sqlite_file: Path) -> dict:
    config = _database(url, sqlite_file)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The sandbox is a simulator: losing its last writes in a power cut
        # costs nothing, and not syncing every commit is what lets it answer
        # far faster than Hatid sends. One connection per server thread, kept.
        config["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
        config["CONN_MAX_AGE"] = None
    elif config["ENGINE"] == POSTGRES_ENGINE:
        # The same on PostgreSQL (SANDBOX_DATABASE_URL): a commit does not wait
        # for its WAL flush, and a server thread keeps its connection with no
        # `SELECT 1` health check before each request (a thread whose
        # connection broke fails its request; its next one reconnects).
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
        config["CONN_MAX_AGE"] = None
        config["CONN_HEALTH_CHECKS"] = False
    return config


DATABASES = {
    "default": _database(env_str("DATABASE_URL"), HATID_HOME / "hatid.sqlite3"),
}
DATABASE_ROUTERS: list[str] = []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"] == POSTGRES_ENGINE

# --- The sandbox (sandbox/): development only -------------------------------

# The offline twin of Globe Labs, Hoiio and Voicent. Installed in development,
# or anywhere with HATID_SANDBOX=1 (a staging box that demos on it); production
# has neither its app, its database alias nor its router. Its models live in
# their own database alias (sandbox.router keeps each app on its side), so
# resetting it touches nothing of Hatid's; its URLs are mounted only by its
# own process (`manage.py globe_sandbox`), never by config.urls.
SANDBOX_INSTALLED = DEBUG or env_bool("HATID_SANDBOX", False)
if SANDBOX_INSTALLED:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("axes"), "sandbox")
    DATABASES["sandbox"] = _sandbox_database(
        env_str("SANDBOX_DATABASE_URL"), HATID_HOME / "sandbox.sqlite3"
    )
    DATABASE_ROUTERS.append("sandbox.router.SandboxRouter")

# --- Redis: cache, Celery broker, throttling --------------------------------

# With no REDIS_URL, `make run` starts an embedded Redis (config.embedded_redis)
# listening on a unix socket under HATID_HOME.
EMBEDDED_REDIS_SOCKET = HATID_HOME / "redis.sock"
REDIS_URL = env_str("REDIS_URL") or f"unix://{EMBEDDED_REDIS_SOCKET}"
USING_EMBEDDED_REDIS = not env_str("REDIS_URL")


def _redis_db(url: str) -> int:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return int(dict(parse_qsl(parts.query)).get("db", "0"))
    return int(parts.path.strip("/") or 0)


def _with_redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}?db={db}"
    return urlunsplit(parts._replace(path=f"/{db}"))


def _kombu_url(redis_url: str) -> str:
    # Kombu names the unix-socket transport redis+socket:// and its database
    # "virtual_host"; redis-py says unix:// and db.
    parts = urlsplit(redis_url)
    if parts.scheme != "unix":
        return redis_url
    db = dict(parse_qsl(parts.query)).get("db", "0")
    return f"redis+socket://{parts.path}?virtual_host={db}"


# Parallel test processes (pytest-xdist) share one Redis server; each takes a
# database of its own so that their Celery queues and caches never mix:
# the ones after REDIS_URL's (so two suites on one server, started on
# databases far enough apart, never share a queue either).
_TEST_WORKER = env_str("PYTEST_XDIST_WORKER", "")
if _TEST_WORKER.startswith("gw"):
    REDIS_URL = _with_redis_db(REDIS_URL, _redis_db(REDIS_URL) + 1 + int(_TEST_WORKER[2:]))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "hatid"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# --- Celery -----------------------------------------------------------------

CELERY_BROKER_URL = _kombu_url(REDIS_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# kombu's Redis transport, one client per channel (config/broker.py).
CELERY_BROKER_TRANSPORT = "config.broker:Transport"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# At-least-once: a task is acknowledged only after it ran, and a task whose
# worker died is given back to the queue. Every task is idempotent on its row.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes every database connection before and after each
# task unless this is set: a new PostgreSQL connection per task, a fifth of a
# worker's time when sending. With it set this high, connections are kept and
# config.celery closes the broken or old ones, as Django does around a request.
CELERY_DB_REUSE_MAX = 10**9
# Redis re-delivers an unacknowledged task after the visibility timeout. It must
# exceed the longest task (a batch of provider calls with their timeouts); the
# outbox sweeper, not this, is what recovers lost work within a minute.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "telecom.tasks.sweep_outbox",
        "schedule": env_float("OUTBOX_SWEEP_INTERVAL_SECONDS", 5.0),
    },
    "sweep-callbacks": {
        "task": "telecom.tasks.sweep_callbacks",
        "schedule": env_float("CALLBACK_SWEEP_INTERVAL_SECONDS", 5.0),
    },
    "assemble-stale-multiparts": {
        "task": "telecom.tasks.assemble_stale_multiparts",
        "schedule": 60.0,
    },
    "watch-campaigns": {
        "task": "telecom.tasks.watch_campaigns",
        "schedule": 60.0,
    },
    "start-due-campaigns": {
        "task": "telecom.tasks.start_due_campaigns",
        "schedule": env_float("CAMPAIGN_CLOCK_INTERVAL_SECONDS", 15.0),
    },
    "keep-quiet-hours": {
        "task": "telecom.tasks.keep_quiet_hours",
        "schedule": env_float("CAMPAIGN_CLOCK_INTERVAL_SECONDS", 15.0),
    },
    "reconcile-charges": {"task": "telecom.tasks.reconcile_charges", "schedule": 3600.0},
    "read-wallets": {
        "task": "telecom.tasks.read_wallets",
        "schedule": env_float("WALLET_CHECK_INTERVAL_SECONDS", 900.0),
    },
    "roll-up-usage": {"task": "telecom.tasks.roll_up_usage", "schedule": 600.0},
    "roll-up-traffic": {
        "task": "telecom.tasks.roll_up_traffic",
        "schedule": env_float("TRAFFIC_ROLLUP_INTERVAL_SECONDS", 60.0),
    },
    "flag-overdue-rewards": {"task": "telecom.tasks.flag_overdue_rewards", "schedule": 300.0},
    "expire-ussd-sessions": {"task": "telecom.tasks.expire_ussd_sessions", "schedule": 30.0},
    "expire-call-sessions": {"task": "voiceflows.tasks.expire_call_sessions", "schedule": 300.0},
    "watch-escalations": {"task": "voiceflows.tasks.watch_escalations", "schedule": 15.0},
    "resolve-hoiio": {
        "task": "telecom.tasks.resolve_hoiio",
        "schedule": env_float("HOIIO_RESOLVE_INTERVAL_SECONDS", 60.0),
    },
    "poll-open-voicent-calls": {
        "task": "telecom.tasks.poll_open_voicent_calls",
        "schedule": env_float("VOICENT_POLL_INTERVAL_SECONDS", 15.0),
    },
    # Retention (telecom.retention): what expired goes, Idempotency-Keys included.
    "purge-expired": {
        "task": "telecom.tasks.purge_expired",
        "schedule": env_float("RETENTION_PURGE_INTERVAL_SECONDS", 3600.0),
    },
}

# --- Retention (telecom.retention): how long personal data is kept ------------

# The defaults, in days, of the periods each app may set in the console
# (ProviderApp.retain_*_days; empty there means the default here). 0 keeps
# that kind of data forever. The audit trail belongs to no app: its period is
# this setting alone.
RETENTION_DEFAULT_DAYS = {
    "callbacks": env_int("RETENTION_CALLBACKS_DAYS", 30),
    "provider_logs": env_int("RETENTION_PROVIDER_LOGS_DAYS", 90),
    "message_texts": env_int("RETENTION_MESSAGE_TEXTS_DAYS", 180),
    "transcripts": env_int("RETENTION_TRANSCRIPTS_DAYS", 180),
    "recordings": env_int("RETENTION_RECORDINGS_DAYS", 90),
    "locations": env_int("RETENTION_LOCATIONS_DAYS", 30),
    "audit": env_int("RETENTION_AUDIT_DAYS", 365),
}
for _kind, _days in RETENTION_DEFAULT_DAYS.items():
    if _days < 0:
        raise ImproperlyConfigured(f"RETENTION_{_kind.upper()}_DAYS: {_days} is below 0")
# Rows per transaction: each batch is one short DELETE or UPDATE by ids.
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 10_000)

# --- Campaigns: scheduling and quiet hours (telecom.services.campaign_schedule) --

# A new app's quiet hours (editable per app in the console), local time in
# QUIET_HOURS_TIME_ZONE: the subscribers' zone, not the operator's TIME_ZONE.
# Campaigns send nothing then; keyword replies and API sends are not held.
QUIET_HOURS_ON_BY_DEFAULT = env_bool("QUIET_HOURS_ON_BY_DEFAULT", True)
QUIET_HOURS_START = env_str("QUIET_HOURS_START", "21:00")
QUIET_HOURS_END = env_str("QUIET_HOURS_END", "08:00")
QUIET_HOURS_TIME_ZONE = env_str("QUIET_HOURS_TIME_ZONE", "Asia/Manila")
# How far ahead a campaign may be scheduled.
CAMPAIGN_SCHEDULE_MAX_DAYS = env_int("CAMPAIGN_SCHEDULE_MAX_DAYS", 366)

# --- Callbacks answered once stored (telecom.callbacks.lanes) -------------------

# How often a process asks Redis whether any ProviderApp changed (its cache of
# apps by callback token; its own changes it sees at once).
CALLBACK_APP_CACHE_CHECK_SECONDS = env_float("CALLBACK_APP_CACHE_CHECK_SECONDS", 1.0)
# The longest an app stays cached whatever Redis says (a change whose
# invalidation was lost to a Redis outage is seen within this).
CALLBACK_APP_CACHE_MAX_AGE_SECONDS = env_float("CALLBACK_APP_CACHE_MAX_AGE_SECONDS", 60.0)
# How many lanes (one worker each at a time) a subscriber's number is hashed to:
# as many as the worker threads that process them (docs/operations.md). Fewer
# lanes make bigger batches, which cost less per callback (bench/README.md).
CALLBACK_LANES = env_int("CALLBACK_LANES", 4)
CALLBACK_BATCH_SIZE = env_int("CALLBACK_BATCH_SIZE", 100)
# A lane's "a task is on it" flag expires after this, so a lost task is replaced.
CALLBACK_LANE_FLAG_SECONDS = env_int("CALLBACK_LANE_FLAG_SECONDS", 10)
CALLBACK_LANE_RETRY_SECONDS = env_float("CALLBACK_LANE_RETRY_SECONDS", 0.2)
# How often each worker's dispatcher looks for lanes with callbacks waiting and
# no task: the callbacks stored meanwhile are one batch (fewer tasks and
# transactions per callback, at up to this much latency).
CALLBACK_DISPATCH_SECONDS = env_float("CALLBACK_DISPATCH_SECONDS", 0.05)

# --- The outbox (telecom.outbox) ------------------------------------------------

# A worker's claim on a chunk of rows. Longer than connect + read timeouts: a
# row is attempted only while its attempt can end inside the lease (the rest
# of the chunk is given back), so a live worker never loses a row, and a
# killed worker's rows are swept within lease + sweep interval.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 30)
# A queued row whose task has not run this long after its publish is re-published.
OUTBOX_STALE_SECONDS = env_int("OUTBOX_STALE_SECONDS", 30)
OUTBOX_RETRY_BASE_SECONDS = env_float("OUTBOX_RETRY_BASE_SECONDS", 2.0)
OUTBOX_RETRY_MAX_SECONDS = env_float("OUTBOX_RETRY_MAX_SECONDS", 300.0)
CELERY_TIMEZONE = "UTC"

# The console's traffic figures (telecom.rollups): each roll-up recounts the hours
# from this long before the previous run (a later delivery report or settled
# charge still changes its hour); the first run counts back this many days.
TRAFFIC_SETTLE_HOURS = env_int("TRAFFIC_SETTLE_HOURS", 24)
TRAFFIC_BACKFILL_DAYS = env_int("TRAFFIC_BACKFILL_DAYS", 400)

# --- Providers ----------------------------------------------------------------

# The sandbox contract: the only difference between the sandbox and the live
# platform is these three base URLs.
_SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"
GLOBE_API_URL = env_str(
    "GLOBE_API_URL", _SANDBOX_URL if DEBUG else "https://devapi.globelabs.com.ph"
)
GLOBE_OAUTH_URL = env_str(
    "GLOBE_OAUTH_URL", _SANDBOX_URL if DEBUG else "https://developer.globelabs.com.ph"
)
TROPO_API_URL = env_str(
    "TROPO_API_URL", _SANDBOX_URL if DEBUG else "https://api-new.tropo.globelabs.com.ph"
)

# Hoiio: the sandbox serves its twin under /hoiio (so /hoiio/open/sms/send);
# live, the references' https://secure.hoiio.com (so /open/sms/send).
HOIIO_API_URL = env_str(
    "HOIIO_API_URL", f"{_SANDBOX_URL}/hoiio" if DEBUG else "https://secure.hoiio.com"
)
# The hosts Hatid fetches fax documents from (a notification's fax_url); by
# default the API's own host.
HOIIO_FILE_HOSTS = env_list("HOIIO_FILE_HOSTS") or [urlsplit(HOIIO_API_URL).hostname]
# The outbound-URL policy (telecom.outbound_urls) refuses URLs that a person or
# a callback supplied (partners' webhooks, fax documents) when they lead to a
# loopback, private, link-local, multicast or reserved address, except these
# networks (CIDRs) and these hosts (as written in the URL). Development allows
# loopback, where the sandbox and test servers listen; production allows none.
OUTBOUND_URL_ALLOWED_NETWORKS = env_list(
    "OUTBOUND_URL_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"] if DEBUG else []
)
for _network in OUTBOUND_URL_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"OUTBOUND_URL_ALLOWED_NETWORKS: {_network!r} is not a network (e.g. 10.0.0.0/8)"
        ) from None
OUTBOUND_URL_ALLOWED_HOSTS = env_list("OUTBOUND_URL_ALLOWED_HOSTS")
# Hoiio has no idempotency key: a request whose outcome is unknown is looked up
# in Hoiio's history (by its tag) for this long before it is declared not sent.
HOIIO_RESOLVE_GRACE_SECONDS = env_int("HOIIO_RESOLVE_GRACE_SECONDS", 120)
# Beat: how often unknown outcomes are looked up and SMS statuses synced.
HOIIO_RESOLVE_INTERVAL_SECONDS = env_float("HOIIO_RESOLVE_INTERVAL_SECONDS", 60.0)
# How long an IVR block may wait for Hoiio's notification before the session
# is shown to operators as stuck.
HOIIO_IVR_STEP_TIMEOUT_SECONDS = env_int("HOIIO_IVR_STEP_TIMEOUT_SECONDS", 300)
# The Voicent gateway's address is per app (host, port); these are the defaults
# of the published SDK and of BroadcastByPhone's installation.
VOICENT_DEFAULT_PORT = env_int("VOICENT_DEFAULT_PORT", 8155)
VOICENT_VCAST_PROGRAM = env_str(
    "VOICENT_VCAST_PROGRAM", r"C:\Program Files\Voicent\BroadcastByPhone\bin\vcast.exe"
)
# The gateway never calls back: a call's status is polled this often, until
# made or failed, or until the deadline (then it is shown as unknown).
VOICENT_POLL_INTERVAL_SECONDS = env_float("VOICENT_POLL_INTERVAL_SECONDS", 15.0)
VOICENT_STATUS_DEADLINE_SECONDS = env_int("VOICENT_STATUS_DEADLINE_SECONDS", 3600)

# `make run` seeds the sandbox with the demo app that bootstrap_demo writes here.
SANDBOX_SEED_FILE = HATID_HOME / "sandbox-seed.json"
# The sandbox's behaviour knobs (prices, session timeout, rate limits...) are
# listed with their defaults in sandbox/conf.py; any of them can be
# overridden here as SANDBOX_OPTIONS = {...} and at run time through
# POST /_sandbox/settings.
SANDBOX_OPTIONS: dict = {}

# (connect, read) timeouts for every provider call, in seconds.
PROVIDER_CONNECT_TIMEOUT = env_float("PROVIDER_CONNECT_TIMEOUT", 3.05)
PROVIDER_READ_TIMEOUT = env_float("PROVIDER_READ_TIMEOUT", 15.0)
# How much of a provider's response body an OutboundCall row keeps.
OUTBOUND_CALL_BODY_LIMIT = env_int("OUTBOUND_CALL_BODY_LIMIT", 4000)

# --- Secrets at rest --------------------------------------------------------

# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is required in production; make one with: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]

# Erasure (docs/privacy.md) replaces a number with `erased:` and 9 base32
# characters of an HMAC of it under this key: the same number always gets the
# same pseudonym, so an erased subscriber's charges still add up, and nobody
# without the key can go back from the pseudonym to the number. Set it once and
# keep it (by default it follows DJANGO_SECRET_KEY: rotating that would give
# numbers erased afterwards other pseudonyms).
PSEUDONYM_KEY = (
    env_str("PSEUDONYM_KEY") or hashlib.sha256(f"hatid-pseudonym:{SECRET_KEY}".encode()).hexdigest()
)

# --- Partner API --------------------------------------------------------------

API_DEFAULT_RATE_PER_MINUTE = env_int("API_DEFAULT_RATE_PER_MINUTE", 6000)
API_IDEMPOTENCY_TTL_HOURS = 24
# A request that crashed its process leaves its Idempotency-Key "in progress";
# after this long another request with the key may take it over.
API_IDEMPOTENCY_LOCK_SECONDS = 60

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["telecom.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["telecom.api.permissions.HasScopes"],
    "DEFAULT_THROTTLE_CLASSES": ["telecom.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "telecom.api.pagination.NewestFirstCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["telecom.api.filters.StrictFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["telecom.api.parsers.ApiJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "telecom.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "telecom.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hatid partner API",
    "DESCRIPTION": (
        "Send SMS, charge, reward and query subscribers through Hatid. "
        "Authenticate with `Authorization: Api-Key <key>`; every POST needs an "
        "`Idempotency-Key` header."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Security comes from telecom.api.authentication.ApiKeySchema alone (one entry
    # per operation); tags, summaries and the Idempotency-Key header from
    # telecom.api.schema.ApiAutoSchema.
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; give each enum its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "SubscriberStatusEnum": "subscribers.models.subscriber.Subscriber.Status",
        "QueryStatusEnum": "subscribers.models.queries.QueryStatus",
        "ChargingOptInStatusEnum": "subscribers.models.consent.ChargingOptInRequest.Status",
        "MessageStatusEnum": "telecom.models.message.Message.Status",
        "ChargeStatusEnum": "telecom.models.charging.Charge.Status",
        "RewardStatusEnum": "telecom.models.rewards.Reward.Status",
        "UssdSessionStatusEnum": "telecom.models.ussd.UssdSession.Status",
        "UssdExchangeStatusEnum": "telecom.models.ussd.UssdExchange.Status",
        "CallTriggerStatusEnum": "voiceflows.models.outbound.CallTrigger.Status",
        "CallStatusEnum": "voiceflows.api.call_sources.CallStatus",
        "ProviderEnum": "telecom.models.provider_app.ProviderApp.Provider",
        "EscalationProviderEnum": "voiceflows.models.escalation.Escalation.Provider",
        "CallSessionStatusEnum": "voiceflows.models.calls.CallSession.Status",
        "EscalationStatusEnum": "voiceflows.models.escalation.Escalation.Status",
        "EscalationAttemptStatusEnum": "voiceflows.models.escalation.EscalationAttempt.Status",
        "CallExchangeKindEnum": "voiceflows.models.calls.CallExchange.Kind",
        "CallDirectionEnum": "voiceflows.models.calls.CallSession.Direction",
        "VoiceCallStatusEnum": "telecom.models.voice_calls.VoiceCall.Status",
        "ConferenceRoomStatusEnum": "telecom.models.voice_calls.ConferenceRoom.Status",
        "IvrSessionStatusEnum": "telecom.models.ivr.IvrSession.Status",
        "IvrStepStatusEnum": "telecom.models.ivr.IvrStep.Status",
        "VoicentCallStatusEnum": "telecom.models.voicent.VoicentCall.Status",
        "VoicentEscalationStatusEnum": "telecom.models.voicent.VoicentEscalation.Status",
        "FaxStatusEnum": "telecom.models.fax.Fax.Status",
        "FaxDirectionEnum": "telecom.models.fax.Fax.Direction",
        "MessageDirectionEnum": "telecom.models.message.Message.Direction",
        "VoiceCallKindEnum": "telecom.models.voice_calls.VoiceCall.Kind",
        "VoicentCallKindEnum": "telecom.models.voicent.VoicentCall.Kind",
        "BalanceQueryKindEnum": "subscribers.models.queries.BalanceQuery.Kind",
    },
    # The interactive docs are served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Auth, i18n, static ---------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Brute force on the console's login (django-axes): a username from one address
# is locked out after AXES_FAILURE_LIMIT wrong passwords within the cool-off,
# until the cool-off has passed since the last one or an administrator unlocks
# it (`manage.py axes_reset_username <name>`, `axes_reset_ip <address>`,
# `axes_reset`). Attempts and lockouts are in the admin, for superusers. Only
# Django's login is counted: the partner API's keys never go through it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a good login forgets the typos before it
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"  # the console's page, a 429
# Behind a proxy, the client's address is the header the proxy sets, as for
# the callbacks' IP allow-list (telecom.callbacks.service.client_address).
CALLBACK_CLIENT_IP_HEADER = env_str("CALLBACK_CLIENT_IP_HEADER", "")
AXES_CLIENT_IP_CALLABLE = "telecom.callbacks.service.client_address"

LANGUAGE_CODE = "en-us"
# The operator's zone: every time in the console is shown in it, named
# (config/formats: "2026-12-05 16:07 Asia/Manila"). Stored times are UTC.
TIME_ZONE = env_str("TIME_ZONE", "Asia/Manila")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = HATID_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = HATID_HOME / "media"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hatid@localhost")

# --- Production hardening (check --deploy) ----------------------------------

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp 4), the same in development and
# production so that the browser tests run under the production policy. Pages
# load scripts and styles from Hatid's own static files; what must stay inline
# (a page's script that needs its URLs, the sandbox handset, served without
# static files) carries the request's nonce (`{{ request.csp_nonce }}`). No
# inline event handlers, no style attributes: a class in a stylesheet instead.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # The admin's and the API docs' icons are partly data: URIs.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Logging ------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "telecom.redaction.RedactingFilter"},
        "quiet_idle_periodic": {"()": "telecom.logfilters.QuietIdlePeriodicTasks"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers (its DEFAULT_LOGGING: runserver's request lines
        # with their query strings, errors mailed to ADMINS) would not redact:
        # its records go to the root's handlers like every other.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # The outbox sweep every 5 s and the other periodic tasks: Celery's lines
        # about a run at DEBUG unless it did something (telecom/logfilters.py).
        "celery.beat": {"filters": ["quiet_idle_periodic"]},
        "celery.worker.strategy": {"filters": ["quiet_idle_periodic"]},
        "celery.app.trace": {"filters": ["quiet_idle_periodic"]},
    },
}
# Every handler above carries the "redact" filter (telecom.redaction.RedactingFilter:
# secrets redacted, numbers masked). Celery's processes use this configuration
# and add no handler of their own (config/celery.py).

# --- Subscriber imports (subscribers.services.imports) ---------------------------

# The largest CSV an operator may upload (kept in the database until imported):
# 20 MB holds some 300,000 rows of a number, tags and a few attributes.
SUBSCRIBER_IMPORT_MAX_BYTES = env_int("SUBSCRIBER_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Rows applied per transaction (each one INSERT ... ON CONFLICT of that many rows).
SUBSCRIBER_IMPORT_BATCH_ROWS = env_int("SUBSCRIBER_IMPORT_BATCH_ROWS", 1000)

# --- Messaging --------------------------------------------------------------

# How long an SMS keeps being retried (same clientCorrelator) before it fails.
SMS_RETRY_DEADLINE_SECONDS = env_int("SMS_RETRY_DEADLINE_SECONDS", 3600)
SMS_MAX_PARTS = env_int("SMS_MAX_PARTS", 6)
# An incomplete multipart inbound SMS is handled as it is after this long.
MULTIPART_TIMEOUT_SECONDS = env_int("MULTIPART_TIMEOUT_SECONDS", 600)
WEBHOOK_RETRY_DEADLINE_SECONDS = env_int("WEBHOOK_RETRY_DEADLINE_SECONDS", 86400)
# Messages handed to one delivery task (per-message tasks cost more in Celery
# than in sending).
MESSAGE_BATCH_SIZE = env_int("MESSAGE_BATCH_SIZE", 100)
# Messages claimed and recorded together by such a task (a one-message task
# fills a chunk of ten: a larger one would take its neighbours' rows and send
# them one after the other while other threads stand idle).
MESSAGE_CHUNK_SIZE = env_int("MESSAGE_CHUNK_SIZE", 50)
# How far ahead a chunk reserves its app's rate-limit tokens: the rows beyond
# go back to the queue. A campaign's pause or quiet hours reach a chunk being
# sent at its next claim, so at most about this long after they begin.
MESSAGE_CHUNK_SECONDS = env_float("MESSAGE_CHUNK_SECONDS", 2.0)

# --- Charging, rewards, wallet ----------------------------------------------

# How long a charge is retried (same referenceCode) before it fails, or, when
# its last outcome is unknown, is left to an operator.
CHARGE_RETRY_DEADLINE_SECONDS = env_int("CHARGE_RETRY_DEADLINE_SECONDS", 3600)
# A reward the platform accepted whose callback has not come after this long
# is shown to operators as unknown.
REWARD_CALLBACK_TIMEOUT_SECONDS = env_int("REWARD_CALLBACK_TIMEOUT_SECONDS", 3600)

# --- USSD -------------------------------------------------------------------

# Characters one USSD screen holds (GSM 03.90: 182 7-bit characters).
USSD_SCREEN_LIMIT = env_int("USSD_SCREEN_LIMIT", 182)
# A session with no step for this long has timed out on the platform.
USSD_SESSION_TIMEOUT_SECONDS = env_int("USSD_SESSION_TIMEOUT_SECONDS", 180)
# Replies are useless once the subscriber's screen has timed out.
USSD_REPLY_DEADLINE_SECONDS = env_int("USSD_REPLY_DEADLINE_SECONDS", 20)
CELERY_TASK_ROUTES = {"telecom.tasks.deliver_ussd_replies": {"queue": "ussd"}}

# --- Voice -----------------------------------------------------------------

# A call the platform has not posted anything about for this long has ended
# for Hatid (Tropo ends every session after two hours).
VOICE_SESSION_TIMEOUT_SECONDS = env_int("VOICE_SESSION_TIMEOUT_SECONDS", 7200)
# How long a call trigger is retried on transient errors before it fails.
CALL_TRIGGER_DEADLINE_SECONDS = env_int("CALL_TRIGGER_DEADLINE_SECONDS", 300)
# An escalation call that has not ended this long after its ring timeout
# gives way to the next number.
ESCALATION_CALL_SECONDS = env_int("ESCALATION_CALL_SECONDS", 180)

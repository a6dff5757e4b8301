"""Fixtures shared by the whole suite.

The suite runs against whatever DATABASE_URL and REDIS_URL name (CI: the
machine's PostgreSQL and Redis). Without REDIS_URL it starts the embedded
Redis itself, as `make run` does; without a PostgreSQL DATABASE_URL, tests
marked `postgres` are skipped with the reason printed.
"""

import contextlib
import fcntl
import os
import subprocess
import time

import pytest
from django.conf import settings

from config.embedded_redis import server_command
from sandbox.client import SandboxControl, SandboxProcess
from tests.support.browser import chromium_page
from tests.support.factories import ProviderAppFactory


def _redis_ping() -> bool:
    import redis

    try:
        return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception:
        return False


@contextlib.contextmanager
def _embedded_redis():
    """Start the embedded Redis once for all test processes (the first one wins)."""
    socket_path = settings.EMBEDDED_REDIS_SOCKET
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    with open(socket_path.parent / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = None
        if not _redis_ping():
            workdir = settings.HATID_HOME / "redis"
            workdir.mkdir(parents=True, exist_ok=True)
            socket_path.unlink(missing_ok=True)
            process = subprocess.Popen(
                server_command(socket_path, workdir),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while not _redis_ping():
                if time.monotonic() > deadline:
                    raise RuntimeError("the embedded Redis did not start")
                time.sleep(0.05)
        fcntl.flock(lock, fcntl.LOCK_UN)
    try:
        yield
    finally:
        if process is not None and not os.environ.get("PYTEST_XDIST_WORKER"):
            process.terminate()
            process.wait(timeout=10)


_redis_context = None


def pytest_configure(config):
    global _redis_context
    # Production's PBKDF2 spends ~0.3 s of CPU per login and per user created
    # by design; the suite makes thousands (the lockout tests alone log in
    # hundreds of times). What is tested is who may log in, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if settings.USING_EMBEDDED_REDIS:
        _redis_context = _embedded_redis()
        _redis_context.__enter__()


def pytest_unconfigure(config):
    if _redis_context is not None:
        _redis_context.__exit__(None, None, None)


def pytest_report_header(config):
    database = "PostgreSQL" if settings.USING_POSTGRES else "SQLite"
    redis = "embedded Redis" if settings.USING_EMBEDDED_REDIS else settings.REDIS_URL
    return f"hatid: {database}, {redis}"


def pytest_collection_modifyitems(config, items):
    if settings.USING_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, a test database in a file (one per test process), not in memory.

    Django's live server shares an in-memory test database's one connection
    with its own threads, so the end-to-end tests' live server, Celery worker
    and test thread would use one SQLite connection at once ("cannot open
    savepoint - SQL statements in progress"). With a file, each thread has its
    own connection, as in `make run`.
    """
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not db.get("TEST", {}).get("NAME"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        db.setdefault("TEST", {})["NAME"] = str(settings.HATID_HOME / f"test-{worker}.sqlite3")


@pytest.fixture(autouse=True)
def _clean_redis():
    """Each test starts with an empty Redis database (cache, throttles, queues)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _own_sandbox_seed_file(settings, tmp_path):
    """`bootstrap_demo` writes the sandbox seed file: each test its own, never the
    developer's var/ (and never another xdist worker's)."""
    settings.SANDBOX_SEED_FILE = tmp_path / "sandbox-seed.json"


@pytest.fixture
def globe_app(db):
    return ProviderAppFactory()


@pytest.fixture(scope="session")
def sandbox_process(tmp_path_factory):
    """One Globe Labs sandbox process per test process, on a free port, with its own HATID_HOME.

    Its state is a fresh SQLite file; TEST_SANDBOX_DATABASE_URL puts it in
    that database instead (one test process only: each run resets it).
    """
    env = {}
    if os.environ.get("TEST_SANDBOX_DATABASE_URL"):
        env["SANDBOX_DATABASE_URL"] = os.environ["TEST_SANDBOX_DATABASE_URL"]
    with SandboxProcess(home=tmp_path_factory.mktemp("sandbox"), env=env) as process:
        yield process


@pytest.fixture
def sandbox(sandbox_process, settings):
    """A freshly reset sandbox (a `SandboxControl`), with Hatid's Globe and Hoiio base URLs
    pointing at it."""
    control = SandboxControl(sandbox_process.url)
    control.reset()
    settings.GLOBE_API_URL = sandbox_process.url
    settings.GLOBE_OAUTH_URL = sandbox_process.url
    settings.TROPO_API_URL = sandbox_process.url
    settings.HOIIO_API_URL = f"{sandbox_process.url}/hoiio"
    settings.HOIIO_FILE_HOSTS = ["127.0.0.1"]
    yield control


@pytest.fixture
def browser_page():
    """A page in the system Chromium, driven by Playwright (it cannot fetch its own browser)."""
    pytest.importorskip("playwright.sync_api")
    with chromium_page() as page:
        yield page

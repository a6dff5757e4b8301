"""Real Celery workers for end-to-end tests.

`running_worker()` starts a worker inside the test process (threads pool,
consuming the `default` and `ussd` queues from the real Redis of this test
process) and stops it; tests that use it must use transactional databases so
that the worker's connections see committed rows.

`WorkerProcess` runs `celery -A config worker` as a separate process against
this test process's database and Redis, for tests that kill it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def running_worker(concurrency: int = 4):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(
        app,
        pool="threads",
        concurrency=concurrency,
        perform_ping_check=False,
        queues=["default", "ussd"],
        loglevel="WARNING",
        shutdown_timeout=30,
    ):
        yield


def database_url() -> str:
    """The URL of the database this test process uses (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port}/{db['NAME']}"


class WorkerProcess:
    """`celery worker` in a subprocess, sharing this test's database and Redis."""

    def __init__(self, *, concurrency: int = 2, extra_env: dict | None = None, log: Path):
        self.concurrency = concurrency
        self.extra_env = extra_env or {}
        self.log = log
        self.process: subprocess.Popen | None = None

    def env(self) -> dict:
        env = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
        env.update(
            DJANGO_DEBUG="1",
            DATABASE_URL=database_url(),
            REDIS_URL=settings.REDIS_URL,
            GLOBE_API_URL=settings.GLOBE_API_URL,
            GLOBE_OAUTH_URL=settings.GLOBE_OAUTH_URL,
            TROPO_API_URL=settings.TROPO_API_URL,
            PROVIDER_READ_TIMEOUT=str(settings.PROVIDER_READ_TIMEOUT),
            OUTBOX_RETRY_BASE_SECONDS=str(settings.OUTBOX_RETRY_BASE_SECONDS),
            OUTBOX_RETRY_MAX_SECONDS=str(settings.OUTBOX_RETRY_MAX_SECONDS),
            OUTBOX_LEASE_SECONDS=str(settings.OUTBOX_LEASE_SECONDS),
            OUTBOX_STALE_SECONDS=str(settings.OUTBOX_STALE_SECONDS),
            FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
            DJANGO_SECRET_KEY=settings.SECRET_KEY,
            HATID_HOME=str(settings.HATID_HOME),
        )
        env.update(self.extra_env)
        return env

    def start(self) -> WorkerProcess:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(self.concurrency),
                "--queues",
                "default,ussd",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"test-{os.getpid()}-{id(self)}@%h",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def children(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole worker (main process and its children) at once."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

"""The environment every benchmark runs in, started from scratch each time.

Real PostgreSQL and Redis (BENCH_DATABASE_URL, default a fresh `hatid_bench`
database on the local server; BENCH_REDIS_URL, default database 14 of the
local Redis), Hatid in production mode (DEBUG off) served by gunicorn as the
README tells production to serve it, Celery workers as separate processes,
and the Globe Labs sandbox. Everything lives under a temporary HATID_HOME;
`BenchEnv` is a context manager that stops what it started.

    with BenchEnv("outbound") as env:
        env.start_sandbox(); env.start_workers(2)
        ...
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hatid_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def fingerprint(paths) -> str:
    """A digest of these files of the project's and of the pinned packages."""
    digest = hashlib.sha256()
    for path in sorted({*paths, ROOT / "constraints.txt"}):
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def recreate_database(url: str, env: dict) -> None:
    """Drop the database and create it again, migrated: a copy of a template
    database migrated once per schema (`CREATE DATABASE ... TEMPLATE` takes a
    second; migrating takes twenty), made here the first time it is needed."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    template = f"hatid_bench_template_{fingerprint(ROOT.glob('*/migrations/*.py'))}"
    admin = parts._replace(path="/postgres").geturl()
    # Two runs (on two databases) must not make the template at once, nor copy
    # it while it is being made.
    with _file_lock(f"template-{parts.netloc}"), psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if exists.fetchone() is None:
            for (old,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'hatid_bench_template_%%'"
            ).fetchall():
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
            building = f"{template}_building"
            conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{building}"')
            with tempfile.TemporaryDirectory(prefix="hatid-bench-migrate-") as home:
                subprocess.run(
                    [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                    cwd=ROOT,
                    env={
                        **env,
                        "DATABASE_URL": parts._replace(path=f"/{building}").geturl(),
                        "HATID_HOME": home,
                    },
                    check=True,
                )
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def empty_database(url: str) -> str:
    """Drop the database and create it again, empty (its owner migrates it)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def collected_static(env: dict) -> Path:
    """Hatid's static files as `collectstatic` leaves them, collected once per
    set of sources, settings and pinned packages (four seconds a run saved)."""
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}  # not var/static
    sources = [p for p in ROOT.glob("*/static/**/*") if p.relative_to(ROOT).parts[0] in packages]
    digest = fingerprint([*sources, ROOT / "config" / "settings.py"])
    cached = Path(tempfile.gettempdir()) / f"hatid-bench-static-{digest}"
    with _file_lock("static"):
        if not cached.is_dir():
            home = Path(tempfile.mkdtemp(prefix="hatid-bench-collect-"))
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
                cwd=ROOT,
                env={**env, "HATID_HOME": str(home)},
                check=True,
            )
            (home / "static").rename(cached)
            shutil.rmtree(home, ignore_errors=True)
    return cached


def _lock_path(name: str) -> Path:
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hatid-bench-{digest}.lock"


@contextlib.contextmanager
def _file_lock(name: str):
    import fcntl

    with open(_lock_path(name), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class BenchEnv:
    def __init__(self, name: str, settings_module: str = "config.settings"):
        self.name = name
        self.settings_module = settings_module
        self.home = Path(tempfile.mkdtemp(prefix=f"hatid-bench-{name}-"))
        self.database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
        self.redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
        self.processes: list[subprocess.Popen] = []
        self.sandbox = None
        self.sandbox_process = None
        self.web_url = ""
        # Its logs outlive it when set (the path is printed): by a chaos run
        # that failed, or by BENCH_KEEP_HOME=1.
        self.keep_home = bool(os.environ.get("BENCH_KEEP_HOME"))
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "HATID_HOME": str(self.home),
            "LOG_LEVEL": "WARNING",
            "PROVIDER_READ_TIMEOUT": "10",
        }

    # --- lifecycle ----------------------------------------------------------

    def __enter__(self) -> BenchEnv:
        self._hold_database()
        recreate_database(self.database_url, self.env)
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()
        # Served from HATID_HOME/static (STATIC_ROOT): the collected files, shared.
        (self.home / "static").symlink_to(collected_static(self.env), target_is_directory=True)
        os.environ.update(self.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = self.settings_module
        import django

        django.setup()
        return self

    def __exit__(self, *exc) -> None:
        # SIGKILL, not a graceful stop (two seconds a run): nothing of a
        # finished run is kept, the next one drops its database and Redis.
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes:
            process.wait(20)
        if self.sandbox_process is not None:
            self.sandbox_process.stop()
        from django.db import connections

        connections.close_all()
        if self.keep_home:
            print(f"{self.name}: logs kept in {self.home}", file=sys.stderr)
        else:
            shutil.rmtree(self.home, ignore_errors=True)

    def _hold_database(self) -> None:
        """Starting drops the database and empties the Redis database: refuse
        to start while another run uses either (its queued tasks would vanish)."""
        import fcntl

        self._locks = []
        for url, variable in (
            (self.database_url, "BENCH_DATABASE_URL"),
            (self.redis_url, "BENCH_REDIS_URL"),
        ):
            lock = open(_lock_path(url), "w")  # noqa: SIM115
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                sys.exit(
                    f"another benchmark is using {url}: wait for it, "
                    f"or give this one its own {variable}"
                )
            self._locks.append(lock)

    def spawn(self, args: list[str], log: str, extra_env: dict | None = None) -> subprocess.Popen:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdout=(self.home / log).open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    # --- the parts ----------------------------------------------------------

    def start_sandbox(self, *, postgres: bool = False):
        """The sandbox on its SQLite file, or with `postgres` on a fresh
        PostgreSQL database beside the bench's (`<name>_sandbox`), so that
        what it costs a latency measurement is not one SQLite writer."""
        from sandbox.client import SandboxControl, SandboxProcess

        (self.home / "sandbox").mkdir(exist_ok=True)
        env = dict(self.env)
        if postgres:
            env["SANDBOX_DATABASE_URL"] = empty_database(f"{self.database_url}_sandbox")
        self.sandbox_process = SandboxProcess(home=self.home / "sandbox", env=env).start()
        url = self.sandbox_process.url
        for key in ("GLOBE_API_URL", "GLOBE_OAUTH_URL", "TROPO_API_URL"):
            self.env[key] = url
            os.environ[key] = url
        from django.conf import settings

        settings.GLOBE_API_URL = settings.GLOBE_OAUTH_URL = settings.TROPO_API_URL = url
        self.sandbox = SandboxControl(url)
        return self.sandbox

    def start_web(self, workers: int = 5) -> str:
        """Hatid under gunicorn, sync workers, as the README's production section says."""
        from django.conf import settings

        from sandbox.client import free_port

        port = free_port()
        # Known to Hatid's processes before they start: it builds its callback URIs.
        self.web_url = f"http://127.0.0.1:{port}"
        self.env["PUBLIC_BASE_URL"] = os.environ["PUBLIC_BASE_URL"] = self.web_url
        settings.PUBLIC_BASE_URL = self.web_url
        return self.start_gunicorn(workers, "web.log", port=port)

    def start_worker(
        self,
        n: int,
        *,
        pool: str = "threads",
        concurrency: int = 8,
        queues: str = "default,ussd",
        nice: int = 0,
    ) -> subprocess.Popen:
        """Celery worker number `n` (its log: worker<n>.log), with a pool of
        `concurrency` threads or (pool="prefork") child processes, at CPU
        priority `nice` (docs/operations.md: callback processing below the web)."""
        return self.spawn(
            [
                *(("nice", "-n", str(nice)) if nice else ()),
                *(sys.executable, "-m", "celery", "-A", "config", "worker"),
                *("--pool", pool, "--concurrency", str(concurrency), "--queues", queues),
                *("--loglevel", "WARNING", "--without-mingle", "--without-gossip"),
                *("--hostname", f"{self.name}{n}-{time.time_ns()}@%h"),
            ],
            f"worker{n}.log",
        )

    def start_gunicorn(
        self, workers: int, log: str, extra_env: dict | None = None, port: int | None = None
    ) -> str:
        """gunicorn serving `config.wsgi` (with `extra_env`, e.g. other settings) on
        `port` (a free one by default), once its /healthz answers; returns its URL."""
        import requests

        from sandbox.client import free_port

        port = port or free_port()
        url = f"http://127.0.0.1:{port}"
        self.spawn(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers)),
                *("--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
            ],
            log,
            extra_env,
        )
        session = requests.Session()

        def up():
            try:
                return session.get(f"{url}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        from sandbox.client import wait_for

        wait_for(up, timeout=30, what=f"gunicorn ({log})", interval=0.1)
        return url

    def start_workers(
        self, processes: int, threads: int = 8, queues: str = "default,ussd", nice: int = 0
    ):
        """`processes` Celery worker processes, each with a pool of `threads`."""
        return [
            self.start_worker(n, concurrency=threads, queues=queues, nice=nice)
            for n in range(processes)
        ]

    def stop(self, processes) -> None:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(30)
            self.processes.remove(process)

"""What every chaos scenario shares: its own Redis, Celery processes it can
kill (prefork workers, beat), concurrent HTTP, and the checks it reports.

The harness (bench/harness.py) starts thread-pool workers; a chaos scenario
needs prefork workers, whose children are processes that can be killed one
at a time, and Celery beat, whose sweeper is what recovers lost work. Both
are spawned through `BenchEnv.spawn`, so the environment stops them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# --- the checks a scenario reports -----------------------------------------------


@dataclass
class Outcome:
    """What a scenario counted (`counts`) and which of its assertions failed."""

    name: str
    counts: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def check(self, condition, what: str) -> bool:
        if not condition:
            self.failures.append(what)
            print(f"  FAIL {self.name}: {what}", flush=True)
        return bool(condition)

    def count(self, **values) -> None:
        self.counts.update(values)
        print(f"  {self.name}: " + ", ".join(f"{k}={v}" for k, v in values.items()), flush=True)

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {
            "scenario": self.name,
            "ok": self.ok,
            "seconds": round(time.monotonic() - self.started, 1),
            "failures": self.failures,
            **self.counts,
        }


# --- a Redis of our own ----------------------------------------------------------


class OwnRedis:
    """A redis-server on a free port with no persistence: stopping it loses every
    queued task, as a Redis restart without AOF does."""

    def __init__(self, home: Path):
        from sandbox.client import free_port

        self.port = free_port()
        self.home = home
        self.pidfile = home / f"redis-{self.port}.pid"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--dir",
                str(self.home),
                "--logfile",
                str(self.home / f"redis-{self.port}.log"),
            ],
            check=True,
        )
        import redis

        client = self.client()

        def up():
            with contextlib.suppress(redis.RedisError):
                return client.ping()
            return False

        wait(up, 10, "our redis-server")
        return self

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """SIGKILL: the server vanishes with whatever it held."""
        pid = self.pid()
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        wait(lambda: not _alive(pid), 10, "redis-server to die")
        with contextlib.suppress(FileNotFoundError):
            self.pidfile.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is dead for our purpose.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    return False


def wait(condition, timeout: float, what: str, interval: float = 0.1):
    from sandbox.client import wait_for

    return wait_for(condition, timeout=timeout, what=what, interval=interval)


def wait_processed(app, timeout: float = 180, what: str = "") -> float:
    """Hatid answers MO, opt-in and STOP callbacks once stored and its workers
    process them after (telecom.callbacks.lanes): wait until none of the app's
    is left `received`. Returns the seconds waited."""
    from telecom.models import CallbackEvent

    began = time.monotonic()
    left = CallbackEvent.objects.filter(app=app, status="received")
    wait(lambda: not left.exists(), timeout, what or "the stored callbacks processed", 0.2)
    return round(time.monotonic() - began, 1)


# --- Celery processes -------------------------------------------------------------


def start_prefork_worker(env, n: int, concurrency: int, queues: str = "default,ussd"):
    """One Celery worker whose pool is `concurrency` child processes."""
    return env.start_worker(n, pool="prefork", concurrency=concurrency, queues=queues)


def start_thread_worker(env, n: int, threads: int = 8, queues: str = "default,ussd"):
    return env.start_worker(n, concurrency=threads, queues=queues)


def start_beat(env):
    """Celery beat: the outbox sweeper (and the rest of the schedule)."""
    return env.spawn(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",  # each task sent: what a failed run's log must show
            "--schedule",
            str(env.home / "beat-schedule"),
        ],
        "beat.log",
    )


class Supervisor:
    """Restarts a Celery worker that exits, as the README's production section
    asks (systemd `Restart=always`, a container's restart policy): a worker can
    exit on a Redis restart (Celery 5.7 closes the lost connection after
    kombu has released its transport, and the AttributeError that follows is
    "unrecoverable"). `restarts` counts the exits it saw.

        with Supervisor(env, lambda n: start_prefork_worker(env, n, 4)) as workers:
            workers.start(2)
    """

    def __init__(self, env, start_worker, first: int = 0):
        import threading

        self.env = env
        self.start_worker = start_worker
        self.next_number = first
        self.workers: list[subprocess.Popen] = []
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Supervisor:
        self._watcher.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        self._watcher.join()
        stop_processes(self.env, self.workers)

    def start(self, count: int) -> None:
        with self._lock:
            for _ in range(count):
                self._start_one()

    def _start_one(self) -> None:
        self.workers.append(self.start_worker(self.next_number))
        self.next_number += 1

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            with self._lock:
                for worker in [w for w in self.workers if w.poll() is not None]:
                    self.workers.remove(worker)
                    if worker in self.env.processes:
                        self.env.processes.remove(worker)
                    self.restarts += 1
                    print(f"  supervisor: a worker exited ({worker.returncode})", flush=True)
                    self._start_one()


def wait_for_workers(expected: int, timeout: float = 90) -> None:
    """bench.world's wait, but each ping from a fresh Celery app: after a Redis
    restart, this process's own app still believes its reply queue is bound
    (kombu keeps the bindings in Redis, and remembers having declared them),
    so the workers' answers would go nowhere.

    Never the current app: `send_sms` publishes through Celery's current app,
    and a bare one would route every task to its default queue, "celery",
    which no worker consumes (only the sweeper then sent them)."""
    from celery import Celery
    from django.conf import settings

    def answered():
        probe = Celery("chaos-probe", broker=settings.CELERY_BROKER_URL, set_as_current=False)
        try:
            return len(probe.control.ping(timeout=0.5) or []) >= expected
        except Exception:
            return False
        finally:
            probe.close()

    wait(answered, timeout, f"{expected} Celery worker(s) to answer", interval=0.2)


def body_bytes(body) -> bytes | None:
    """A callback body as the sandbox lists it (JSON decoded, or text) on the wire."""
    import json

    if body in (None, "", {}):
        return None
    return body.encode() if isinstance(body, str) else json.dumps(body).encode()


def children(pid: int) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


def kill_group(process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.wait(10)


def stop_processes(env, processes) -> None:
    """Stop what a scenario started (SIGTERM, then SIGKILL), and forget it."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            kill_group(process)
        if process in env.processes:
            env.processes.remove(process)


# --- concurrent HTTP ------------------------------------------------------------------


def hammer(request, times: int, concurrency: int = 64) -> list:
    """Call `request(session)` `times` times from `concurrency` threads, each with
    its own keep-alive session, all released at once; the answers in order."""
    return hammer_each(lambda session, _: request(session), range(times), concurrency)


def hammer_each(request, items, concurrency: int = 64) -> list:
    """`request(session, item)` for each item, from `concurrency` threads released
    at once; the answers (or the exceptions raised) in the items' order."""
    import threading

    import requests

    items = list(items)
    local = threading.local()
    gate = threading.Barrier(max(1, min(concurrency, len(items))))

    def one(item):
        if not hasattr(local, "session"):
            local.session = requests.Session()
            with contextlib.suppress(threading.BrokenBarrierError):
                gate.wait(10)
        try:
            return request(local.session, item)
        except requests.RequestException as exc:
            return exc

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, items))


def status_counts(answers: list) -> dict:
    counts: dict = {}
    for answer in answers:
        key = getattr(answer, "status_code", None) or type(answer).__name__
        counts[str(key)] = counts.get(str(key), 0) + 1
    return dict(sorted(counts.items()))


# --- outbound checks -----------------------------------------------------------------


def sms_delivery_checks(outcome: Outcome, env, app, ids: list[int]) -> dict:
    """Every message sent, delivered exactly once at the sandbox, and every
    repeated submission carrying one of the messages' own clientCorrelators."""
    from telecom.models import Message, OutboundCall

    rows = Message.objects.filter(pk__in=ids)
    correlators = dict(rows.values_list("client_correlator", "text"))
    statuses: dict = {}
    for status in rows.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    deliveries = env.sandbox.deliveries("sms", app_id=app.app_id)
    delivered = [d["clientCorrelator"] for d in deliveries]
    # The sandbox keeps the request's outboundSMSMessageRequest object.
    texts = [(d["request"].get("outboundSMSTextMessage") or {}).get("message") for d in deliveries]
    calls = OutboundCall.objects.filter(subject_type="telecom.message", subject_id__in=ids)
    used = list(calls.values_list("correlation", flat=True))
    counts = {
        "messages": len(ids),
        "statuses": statuses,
        "delivered": len(delivered),
        "lost": len(set(correlators) - set(delivered)),
        "delivered_twice": len(delivered) - len(set(delivered)),
        "foreign_deliveries": len(set(delivered) - set(correlators)),
        "same_text_twice": len(texts) - len(set(texts)),
        "resubmitted": sum(d["duplicate_submissions"] for d in deliveries),
        "requests_logged": len(used),
    }
    outcome.check(statuses == {"sent": len(ids)}, f"all messages sent: {statuses}")
    outcome.check(counts["lost"] == 0, f"{counts['lost']} message(s) never delivered")
    outcome.check(counts["delivered_twice"] == 0, "a clientCorrelator delivered twice")
    outcome.check(
        counts["foreign_deliveries"] == 0 and counts["same_text_twice"] == 0,
        f"a message resubmitted with a new clientCorrelator ({counts['foreign_deliveries']} "
        f"foreign, {counts['same_text_twice']} texts twice)",
    )
    if used:
        outcome.check(
            set(used) <= set(correlators),
            "a logged SMS request carried a clientCorrelator of no message",
        )
    return counts

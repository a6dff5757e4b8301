"""Scenario 2: Redis (the broker) fails.

- Outage: while workers send a batch, our redis-server is SIGKILLed and
  started again empty after 30 s (5 s with --quick): every queued task is
  gone, workers and beat lose their connections, the rate limiter's Redis
  calls fail. The sweeper re-publishes what is left once Redis is back.
  Workers run under a supervisor that restarts them, as the README asks of
  production: a worker may exit when its broker connection breaks.
- Dead broker: another process, whose broker URL points at a closed port,
  enqueues messages through `send_sms`: every row commits and every publish
  after the commit fails. Only the sweeper can send them.

Counted per phase: messages, delivered, lost, delivered twice,
resubmissions; and for the outage, how many were sent before and after, and
the time from Redis's return to the last message.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

from bench.chaos_scenarios.common import (
    ROOT,
    Outcome,
    Supervisor,
    sms_delivery_checks,
    start_prefork_worker,
    wait,
    wait_for_workers,
)


def _sent(ids) -> int:
    from telecom.models import Message

    return Message.objects.filter(pk__in=ids, status="sent").count()


def _wait_all_sent(outcome, ids, what: str, timeout: float = 180) -> None:
    try:
        wait(lambda: _sent(ids) == len(ids), timeout, what, interval=0.5)
    except TimeoutError:
        outcome.check(False, f"{what}: {len(ids) - _sent(ids)} unsent after {timeout} s")


def outage(outcome, env, redis, workers: Supervisor, *, quick: bool) -> dict:
    from django.db.models import Max

    from bench.world import app_with_subscribers
    from telecom.models import Message
    from telecom.services.messaging import send_sms

    messages, down_for = (120, 5.0) if quick else (1000, 30.0)
    app, subscribers = app_with_subscribers(env.sandbox, 10, shortcode="21580201")
    tag = uuid.uuid4().hex[:8]
    ids = [
        send_sms(app=app, to=subscribers[n % len(subscribers)], text=f"outage {tag} {n}").pk
        for n in range(messages)
    ]
    # Workers start once the batch is queued, so that the outage finds most
    # of it unsent whatever the machine's load. Prefork, as production runs
    # them: a threads-pool worker dies when a task thread publishes while the
    # broker is away.
    workers.start(2)
    wait_for_workers(2)
    wait(lambda: _sent(ids) >= messages // 10, 60, "a tenth sent before the outage")
    redis.stop()
    stopped = time.time()
    sent_before = _sent(ids)
    time.sleep(down_for)
    sent_during = _sent(ids) - sent_before
    redis.start()
    back = time.time()
    _wait_all_sent(outcome, ids, "outage: every message sent")
    last = Message.objects.filter(pk__in=ids).aggregate(last=Max("finished_at"))["last"]
    counts = sms_delivery_checks(outcome, env, app, ids)
    return {
        **counts,
        "redis_down_s": round(back - stopped, 1),
        "sent_before_outage": sent_before,
        "sent_during_outage": sent_during,
        "done_after_redis_back_s": round(last.timestamp() - back, 1) if last else None,
    }


def dead_broker(outcome, env, *, quick: bool) -> dict:
    from bench.world import app_with_subscribers
    from sandbox.client import free_port

    messages = 10 if quick else 100
    app, _ = app_with_subscribers(env.sandbox, 10, shortcode="21580202")
    dead = f"redis://127.0.0.1:{free_port()}/0"
    began = time.time()
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench.chaos_scenarios.dead_broker_enqueue"),
            *(app.app_id, str(messages), uuid.uuid4().hex[:8]),
        ],
        cwd=ROOT,
        env={**env.env, "REDIS_URL": dead, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    outcome.check(done.returncode == 0, f"the dead-broker enqueuer failed: {done.stderr[-2000:]}")
    ids = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else []
    failed_publishes = done.stderr.count("the sweeper will retry")
    enqueue_seconds = time.time() - began
    outcome.check(
        failed_publishes == len(ids), f"{failed_publishes} failed publishes logged for {len(ids)}"
    )
    _wait_all_sent(outcome, ids, "dead broker: every message sent")
    counts = sms_delivery_checks(outcome, env, app, ids)
    return {
        **counts,
        "failed_publishes": failed_publishes,
        "enqueue_s": round(enqueue_seconds, 1),
        "all_sent_after_s": round(time.time() - began, 1),
    }


def run(env, *, quick: bool, rng, redis) -> Outcome:
    outcome = Outcome("redis_outage")
    env.sandbox.set_fault("sms", latency_ms=150)
    supervisor = Supervisor(env, lambda n: start_prefork_worker(env, n, concurrency=4), first=10)
    try:
        with supervisor:
            outcome.count(outage=outage(outcome, env, redis, supervisor, quick=quick))
            env.sandbox.clear_faults()
            outcome.count(dead_broker=dead_broker(outcome, env, quick=quick))
    finally:
        env.sandbox.clear_faults()
        outcome.count(workers_restarted=supervisor.restarts)
    return outcome

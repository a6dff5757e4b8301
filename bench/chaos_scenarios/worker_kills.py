"""Scenario 1: workers SIGKILLed in the middle of a send.

Two prefork workers (children are processes, so one can die alone) send
through `send_sms` while, at random moments, a child is SIGKILLed (20 times),
then, on a second batch, a worker's main process (3 times, restarted by a
supervisor as in production; its orphaned children go with it). The sandbox
is slowed down (latency) so that the send spans the kills. A killed attempt leaves its rows
`sending` under a lease that the outbox sweeper takes back when it expires,
and tasks the dead worker held are lost with it (acks_late keeps them in
Redis's unacked set for the visibility timeout): the sweeper re-publishes.

Counted per phase: kills, messages, delivered, lost, delivered twice,
resubmissions (the sandbox answered a repeated clientCorrelator), and how
long after the last kill the last message was sent (must be under a minute).
"""

from __future__ import annotations

import os
import signal
import time
import uuid

from bench.chaos_scenarios.common import (
    Outcome,
    Supervisor,
    children,
    kill_group,
    sms_delivery_checks,
    start_prefork_worker,
    wait,
    wait_for_workers,
)

RECOVERY_LIMIT_SECONDS = 60


def _enqueue(app, subscribers, count: int) -> list[int]:
    from django.db import transaction

    from telecom.services.messaging import send_sms

    tag = uuid.uuid4().hex[:8]
    # Published together at the commit: the send starts once all are queued
    # (the workers kept up with the enqueuing, and nothing was left to kill in).
    with transaction.atomic():
        return [
            send_sms(app=app, to=subscribers[n % len(subscribers)], text=f"chaos {tag} {n}").pk
            for n in range(count)
        ]


def _unsent(ids):
    from telecom.models import Message

    return Message.objects.filter(pk__in=ids).exclude(status="sent").count()


def _finish(outcome, env, app, ids, phase: str, kills: int, last_kill: float) -> dict:
    from django.db.models import Max

    from telecom.models import Message

    try:
        wait(lambda: _unsent(ids) == 0, 180, f"{phase}: every message sent", interval=0.5)
    except TimeoutError:
        outcome.check(False, f"{phase}: {_unsent(ids)} message(s) still unsent after 180 s")
    last = Message.objects.filter(pk__in=ids).aggregate(last=Max("finished_at"))["last"]
    after = round(last.timestamp() - last_kill, 1) if last else None
    counts = sms_delivery_checks(outcome, env, app, ids)
    outcome.check(
        after is not None and after <= RECOVERY_LIMIT_SECONDS,
        f"{phase}: the last message was sent {after} s after the last kill "
        f"(limit {RECOVERY_LIMIT_SECONDS} s)",
    )
    result = {"kills": kills, **counts, "done_after_last_kill_s": after}
    outcome.count(**{phase: result})
    return result


def run(env, *, quick: bool, rng, redis) -> Outcome:
    outcome = Outcome("worker_kills")
    messages = 200 if quick else 2000
    child_kills, main_kills = (5, 1) if quick else (20, 3)
    concurrency = 3
    # Slow enough that the send outlasts the kills: 2 workers x 3 children
    # (the quick send's 200 messages at 60 ms took 2 s, less than its kills).
    env.sandbox.set_fault("sms", latency_ms=150 if quick else 60)
    # The supervisor restarts a killed main process, as production's does.
    supervisor = Supervisor(env, lambda n: start_prefork_worker(env, n, concurrency))
    try:
        with supervisor:
            supervisor.start(2)
            wait_for_workers(2)

            def kill_a_child() -> float | None:
                pids = children(rng.choice(list(supervisor.workers)).pid)
                if not pids:
                    return None
                os.kill(rng.choice(pids), signal.SIGKILL)
                return time.time()

            def kill_a_main_process() -> float:
                victim = rng.choice(list(supervisor.workers))
                os.kill(victim.pid, signal.SIGKILL)
                killed = time.time()
                # Its children are orphans now; a host that dies takes them too.
                time.sleep(0.2)
                kill_group(victim)
                return killed

            send = (outcome, env, rng, messages)
            pause = (0.2, 0.6) if quick else (0.2, 1.0)
            _kill_during_send(*send, "children", "21580101", child_kills, pause, kill_a_child)
            pause = (0.3, 1.0) if quick else (0.5, 2.0)
            _kill_during_send(*send, "main", "21580102", main_kills, pause, kill_a_main_process)
    finally:
        env.sandbox.clear_faults()
        outcome.count(workers_restarted=supervisor.restarts)
    return outcome


def _kill_during_send(outcome, env, rng, messages, phase, shortcode, wanted, pause, kill) -> None:
    """Send a batch and, after random pauses, `kill()` (the time it killed,
    None when it found nothing to kill) until `wanted` kills are done."""
    from bench.world import app_with_subscribers

    app, subscribers = app_with_subscribers(env.sandbox, 10, shortcode=shortcode)
    ids = _enqueue(app, subscribers, messages)
    kills, last_kill = 0, time.time()
    while kills < wanted:
        time.sleep(rng.uniform(*pause))
        if _unsent(ids) == 0:
            break
        killed = kill()
        if killed is None:
            continue
        kills += 1
        last_kill = killed
    outcome.check(kills == wanted, f"{phase}: only {kills} kill(s) before the send ended")
    _finish(outcome, env, app, ids, phase, kills, last_kill)

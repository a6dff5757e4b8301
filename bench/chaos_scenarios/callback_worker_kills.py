"""Scenario 7: lane workers SIGKILLed during a burst of callbacks.

20,000 callbacks (2,000 with --quick) are posted to gunicorn from 16
threads: MO SMS, each its own messageId, from 500 numbers, and, for 200 new
numbers, an SMS opt-in followed by its STOP (posted one after the other, as
the platform does). Hatid answers each once stored; two prefork workers (2
children each, restarted by a supervisor) process the lanes while, at random
moments, a worker's child is SIGKILLed (20 times; 5 with --quick) and then a
worker's main process (2 times; 1). A batch killed mid-transaction leaves its
events `received`; the next task (published by a worker's dispatcher once the
lane's flag expires) processes them again, whole.

Checks: every answer 2xx; every callback processed exactly once (status
`processed` and `attempts` 1: a killed batch's attempt rolled back with its
effects); one message per MO; each opt-in applied before its STOP. Counted:
the kills, how long after the burst (and after the last kill) the last
callback was processed.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from urllib.parse import urlencode

from bench.chaos_scenarios.common import (
    Outcome,
    Supervisor,
    children,
    hammer_each,
    kill_group,
    start_prefork_worker,
    status_counts,
    wait_for_workers,
    wait_processed,
)


def _mo(url: str, shortcode: str, number: str, key: str) -> dict:
    body = {
        "inboundSMSMessageList": {
            "inboundSMSMessage": [
                {
                    "dateTime": "Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)",
                    "destinationAddress": f"tel:{shortcode}",
                    "messageId": key,
                    "message": f"burst {key}",
                    "resourceURL": None,
                    "senderAddress": f"tel:{number}",
                }
            ],
            "numberOfMessagesInThisBatch": 1,
            "resourceURL": None,
            "totalNumberOfPendingMessages": None,
        }
    }
    return {"method": "POST", "url": url, "body": json.dumps(body)}


def _consent_pair(redirect: str, number: str, token: str) -> list[dict]:
    query = urlencode({"access_token": token, "subscriber_number": number})
    stop = {
        "unsubscribed": {
            "subscriber_number": number,
            "access_token": token,
            "time_stamp": "2014-10-19T12:00:00",
        }
    }
    return [
        {"method": "GET", "url": f"{redirect}?{query}", "body": ""},
        {"method": "POST", "url": redirect, "body": json.dumps(stop)},
    ]


def _post_all(session, requests: list[dict]) -> list:
    """The requests in order, each until answered 2xx (the platform retries)."""
    answers = []
    for request in requests:
        for _ in range(5):
            headers = {"Content-Type": "application/json"} if request["body"] else {}
            try:
                answer = session.request(
                    request["method"],
                    request["url"],
                    data=request["body"].encode() or None,
                    headers=headers,
                    timeout=60,
                )
            except Exception as exc:
                answer = exc
            if getattr(answer, "status_code", 0) // 100 == 2:
                break
        answers.append(answer)
    return answers


def run(env, *, quick: bool, rng, redis) -> Outcome:
    from django.db.models import Count

    from bench.world import app_with_subscribers
    from subscribers.models import ConsentEvent, Subscriber
    from telecom.models import CallbackEvent, Message

    outcome = Outcome("callback_worker_kills")
    total = 2000 if quick else 20000
    pairs = 20 if quick else 200
    child_kills, main_kills = (5, 1) if quick else (20, 2)
    shortcode = "21580701"
    app, _ = app_with_subscribers(env.sandbox, 1, shortcode=shortcode)
    notify, redirect = app.callback_uri("notify"), app.callback_uri("redirect")
    tag = f"{time.time_ns()}"
    senders = [f"+639270{n:06d}" for n in range(500)]
    joiners = [f"+639280{n:06d}" for n in range(pairs)]
    mo_count = total - 2 * pairs
    items = [
        [_mo(notify, shortcode, senders[n % len(senders)], f"kill-{tag}-{n}")]
        for n in range(mo_count)
    ]
    items += [
        _consent_pair(redirect, number, f"tok{tag[-8:]}{n:05d}x")
        for n, number in enumerate(joiners)
    ]
    rng.shuffle(items)

    supervisor = Supervisor(env, lambda n: start_prefork_worker(env, 70 + n, 2, queues="default"))
    kills = {"children": 0, "main": 0}
    last_kill = [time.time()]
    burst_done = threading.Event()

    def killer():
        while not burst_done.is_set() and kills["children"] < child_kills:
            time.sleep(rng.uniform(0.3, 1.5) if quick else rng.uniform(0.5, 3.0))
            pids = children(rng.choice(list(supervisor.workers)).pid)
            if pids:
                os.kill(rng.choice(pids), signal.SIGKILL)
                kills["children"] += 1
                last_kill[0] = time.time()
        while not burst_done.is_set() and kills["main"] < main_kills:
            time.sleep(rng.uniform(1.0, 3.0))
            victim = rng.choice(list(supervisor.workers))
            os.kill(victim.pid, signal.SIGKILL)
            time.sleep(0.2)
            kill_group(victim)  # its orphaned children go with it
            kills["main"] += 1
            last_kill[0] = time.time()

    with supervisor:
        supervisor.start(2)
        wait_for_workers(2)
        thread = threading.Thread(target=killer, daemon=True)
        began = time.monotonic()
        thread.start()
        answers = [a for group in hammer_each(_post_all, items, 16) for a in group]
        burst_seconds = time.monotonic() - began
        burst_done.set()
        ended = time.time()
        thread.join()
        try:
            keep_up = wait_processed(app, 120 if quick else 300, "every callback processed")
        except Exception as exc:
            outcome.check(False, str(exc))
            keep_up = None
        processed_at = time.time()

    statuses = status_counts(answers)
    events = CallbackEvent.objects.filter(app=app)
    stored = list(
        Message.objects.filter(
            app=app, direction="in", platform_key__startswith=f"id:kill-{tag}"
        ).values_list("platform_key", flat=True)
    )
    order_broken = 0
    for number in joiners:
        kinds = list(
            ConsentEvent.objects.filter(subscriber__app=app, subscriber__msisdn=number)
            .order_by("pk")
            .values_list("kind", flat=True)
        )
        order_broken += kinds != ["opt_in_sms", "unsubscribed"]
    counts = {
        "callbacks": total,
        "answers": statuses,
        "burst_seconds": round(burst_seconds, 1),
        "per_second": round(total / burst_seconds, 1),
        "child_kills": kills["children"],
        "main_kills": kills["main"],
        "workers_restarted": supervisor.restarts,
        "keep_up_seconds": keep_up,
        "after_last_kill_seconds": round(processed_at - max(last_kill[0], 0), 1),
        "after_burst_seconds": round(processed_at - ended, 1),
        "callback_events": dict(
            sorted(
                events.order_by()
                .values("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
        ),
        "attempts_other_than_1": events.exclude(attempts=1).count(),
        "messages": len(stored),
        "messages_twice": len(stored) - len(set(stored)),
        "unsubscribed": Subscriber.objects.filter(
            app=app, msisdn__in=joiners, status="unsubscribed"
        ).count(),
        "consent_out_of_order": order_broken,
    }
    outcome.count(**counts)
    outcome.check(
        all(getattr(a, "status_code", 0) // 100 == 2 for a in answers),
        f"answers not all 2xx: {statuses}",
    )
    outcome.check(
        kills["children"] == child_kills and kills["main"] == main_kills,
        f"only {kills} kill(s) before the burst ended",
    )
    outcome.check(
        counts["callback_events"] == {"processed": total},
        f"not every callback processed: {counts['callback_events']}",
    )
    outcome.check(counts["attempts_other_than_1"] == 0, "callbacks processed more than once")
    outcome.check(len(set(stored)) == mo_count and not counts["messages_twice"], "MO not once each")
    outcome.check(
        counts["unsubscribed"] == pairs and order_broken == 0,
        f"opt-in then STOP not applied in order: {order_broken} out of order",
    )
    return outcome

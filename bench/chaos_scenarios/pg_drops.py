"""Scenario 5: PostgreSQL connections dropped while callbacks are posted.

A loop terminates Hatid's connections (`pg_terminate_backend` on every
backend whose application_name is `hatid`: gunicorn's, the workers', beat's;
never this process's) every 50 to 300 ms while MO callbacks (each its own
messageId) and SMS opt-ins (each its own number and token) are posted to
gunicorn from 16 threads. A callback whose processing lost its connection
must be answered 5xx, so that the platform retries, and leave nothing half
written (no effect without its callback marked processed). Then, as the
platform would, every callback not answered 2xx is posted again until it
is; once a worker processed what was stored (MO and opt-ins are answered
once stored; the workers' connections are terminated too), every message is
stored once, every opt-in applied once.

Counted: callbacks, first answers by status, connections terminated,
retries, the effects.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from urllib.parse import urlencode

from bench.chaos_scenarios.common import (
    Outcome,
    hammer_each,
    start_thread_worker,
    status_counts,
    stop_processes,
    wait_processed,
)


class Terminator(threading.Thread):
    def __init__(self, database_url: str, rng, interval: tuple[float, float] = (0.05, 0.3)):
        super().__init__(daemon=True)
        self.database_url = database_url
        self.interval = interval
        self.rng = rng
        self.stopping = threading.Event()
        self.terminated = 0

    def run(self) -> None:
        from urllib.parse import urlsplit

        import psycopg

        name = urlsplit(self.database_url).path.lstrip("/")
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            while not self.stopping.is_set():
                rows = conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND application_name = 'hatid' "
                    "AND pid <> pg_backend_pid()",
                    [name],
                ).fetchall()
                self.terminated += sum(1 for (done,) in rows if done)
                time.sleep(self.rng.uniform(*self.interval))

    def stop(self) -> None:
        self.stopping.set()
        self.join(10)


def _mo_callbacks(env, app, member, count: int) -> list[dict]:
    """`count` MO callbacks like the platform's, each its own message."""
    env.sandbox.text(member.msisdn, app.shortcode, "template")
    template = env.sandbox.callbacks("sms_mo", app_id=app.app_id)[-1]
    body = template["body"]
    body = json.loads(body) if isinstance(body, str) else body
    callbacks = []
    for n in range(count):
        changed = copy.deepcopy(body)
        message = changed["inboundSMSMessageList"]["inboundSMSMessage"][0]
        message["messageId"] = f"chaos-pg-{n}-{time.time_ns()}"
        message["message"] = f"pg drop {n}"
        callbacks.append(
            {**template, "body": json.dumps(changed), "key": f"id:{message['messageId']}"}
        )
    return callbacks


def _opt_in_callbacks(app, shortcode: str, count: int) -> list[dict]:
    url = app.callback_uri("redirect")
    return [
        {
            "method": "GET",
            "url": url
            + "?"
            + urlencode(
                {
                    "access_token": f"chaos-pg-token-{n}-{time.time_ns()}",
                    "subscriber_number": f"91{shortcode[-4:]}{n:04d}",
                }
            ),
            "body": "",
            "key": f"+6391{shortcode[-4:]}{n:04d}",
        }
        for n in range(count)
    ]


def _ok(answer) -> bool:
    return getattr(answer, "status_code", 0) // 100 == 2


def _post(callback: dict, session):
    headers = {"Content-Type": "application/json"} if callback["body"] else {}
    return session.request(
        callback["method"],
        callback["url"],
        data=callback["body"].encode() or None,
        headers=headers,
        timeout=60,
    )


def run(env, *, quick: bool, rng, redis) -> Outcome:
    from bench.world import app_with_subscribers
    from subscribers.models import AccessToken, ConsentEvent, Subscriber
    from telecom.models import CallbackEvent, Message

    outcome = Outcome("pg_drops")
    count = 150 if quick else 1000
    shortcode = "21580501"
    app, subscribers = app_with_subscribers(env.sandbox, 1, shortcode=shortcode)
    callbacks = _mo_callbacks(env, app, subscribers[0], count)
    # Opt-ins of numbers the app does not know yet (the world's are 0000...).
    opt_ins = _opt_in_callbacks(app, "21585501", count)
    everything = callbacks + opt_ins
    rng.shuffle(everything)

    # The workers that process the stored callbacks (their connections are
    # terminated too: a batch cut short is processed again, whole).
    workers = [start_thread_worker(env, 50, threads=4, queues="default")]
    killer = Terminator(env.database_url, rng)
    killer.start()
    time.sleep(0.2)
    first = hammer_each(lambda session, cb: _post(cb, session), everything, 16)
    killer.stop()
    outcome.check(killer.terminated > 0, "no connection was terminated")
    first_statuses = status_counts(first)
    wrong = {k: v for k, v in first_statuses.items() if k.isdigit() and 300 <= int(k) < 500}
    outcome.check(not wrong, f"callbacks answered neither 2xx nor 5xx: {wrong}")

    # The platform retries what was not answered 2xx.
    pending = [
        cb
        for cb, a in zip(everything, first, strict=True)
        if getattr(a, "status_code", 0) // 100 != 2
    ]
    retries, rounds = 0, 0
    while pending and rounds < 10:
        rounds += 1
        retries += len(pending)
        answers = hammer_each(lambda session, cb: _post(cb, session), pending, 8)
        pending = [
            cb
            for cb, a in zip(pending, answers, strict=True)
            if getattr(a, "status_code", 0) // 100 != 2
        ]
    outcome.check(not pending, f"{len(pending)} callback(s) never answered 2xx after retries")
    try:
        keep_up = wait_processed(app, 180)
    finally:
        stop_processes(env, workers)

    keys = [cb["key"] for cb in callbacks]
    stored = list(
        Message.objects.filter(app=app, direction="in", platform_key__in=keys).values_list(
            "platform_key", flat=True
        )
    )
    numbers = [cb["key"] for cb in opt_ins]
    subscribers_found = Subscriber.objects.filter(app=app, msisdn__in=numbers)
    opt_in_events = ConsentEvent.objects.filter(
        subscriber__app=app, subscriber__msisdn__in=numbers, kind="opt_in_sms"
    )
    half = (
        Message.objects.filter(app=app, direction="in", platform_key__in=keys)
        .exclude(callback_event__status="processed")
        .count()
        + opt_in_events.exclude(callback_event__status="processed").count()
    )
    events = CallbackEvent.objects.filter(app=app)
    counts = {
        "callbacks": len(everything),
        "first_answers": first_statuses,
        "connections_terminated": killer.terminated,
        "retried": retries,
        "retry_rounds": rounds,
        "processed_within_s": keep_up,
        "messages_stored": len(stored),
        "messages_stored_twice": len(stored) - len(set(stored)),
        "subscribers": subscribers_found.count(),
        "active_subscribers": subscribers_found.filter(status="active").count(),
        "tokens": AccessToken.objects.filter(
            subscriber__app=app, subscriber__msisdn__in=numbers
        ).count(),
        "opt_in_events": opt_in_events.count(),
        "effects_without_processed_callback": half,
        "callback_events": dict(
            sorted(
                (s, events.filter(status=s).count())
                for s in events.values_list("status", flat=True).distinct()
            )
        ),
    }
    outcome.check(set(stored) == set(keys) and len(stored) == len(keys), "MO not stored once each")
    outcome.check(
        counts["subscribers"] == counts["active_subscribers"] == count
        and counts["tokens"] == count
        and counts["opt_in_events"] == count,
        "opt-ins not applied once each",
    )
    outcome.check(half == 0, f"{half} effect(s) whose callback is not marked processed")
    outcome.count(**counts)
    return outcome

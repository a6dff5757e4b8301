"""Scenario 4: the same callback replayed 1,000 times at once against gunicorn.

The sandbox acts each one out for real first (a handset texts the short
code, opts in with YES, texts STOP, dials the USSD code; a reward is sent
and the platform reports its status); the request it sent to Hatid is then
posted again 1,000 times (100 with --quick) from 64 threads released
together. Every answer must be 2xx, and once the workers processed what was
stored (MO, opt-in and STOP are answered once stored), each callback must
have had its effect exactly once:

- MO: one inbound message;
- opt-in: one subscriber, one access token, one opt-in in the consent history;
- opt-out: one unsubscription in the consent history, the token revoked once;
- rewards status: one callback completing the reward (the others find it done);
- USSD: one session, one reply queued.

Counted per kind: requests, answers by status, the effect's count, and the
requests per second gunicorn answered.
"""

from __future__ import annotations

import time

from bench.chaos_scenarios.common import (
    Outcome,
    body_bytes,
    hammer,
    start_thread_worker,
    status_counts,
    stop_processes,
    wait,
    wait_processed,
)


def replay(callback: dict, times: int) -> tuple[list, float]:
    data = body_bytes(callback["body"])
    headers = {"Content-Type": "application/json"} if data else {}

    def one(session):
        return session.request(
            callback["method"], callback["url"], data=data, headers=headers, timeout=60
        )

    began = time.perf_counter()
    answers = hammer(one, times)
    return answers, time.perf_counter() - began


def _last_callback(env, app, kind: str) -> dict:
    found = [c for c in env.sandbox.callbacks(kind, app_id=app.app_id)]
    return found[-1]


def run(env, *, quick: bool, rng, redis) -> Outcome:
    from bench.chaos_scenarios.common import wait_for_workers
    from bench.world import app_with_subscribers
    from subscribers.models import AccessToken, ConsentEvent, Subscriber
    from telecom.models import CallbackEvent, Message, Promo, Reward, UssdExchange, UssdSession
    from telecom.services.rewards import send_reward

    outcome = Outcome("callback_replays")
    times = 100 if quick else 1000
    shortcode = "21580451"  # its subscribers +639451...: a mobile prefix (0940 is none)
    app, subscribers = app_with_subscribers(env.sandbox, 2, shortcode=shortcode)
    member = subscribers[0]
    newcomer = f"+6391{shortcode[-4:]}9999"
    env.sandbox.add_subscriber(newcomer, balance="100.00")
    workers = [start_thread_worker(env, 40, threads=4)]
    results = {}

    def measure(kind: str, callback: dict, effect) -> None:
        answers, seconds = replay(callback, times)
        statuses = status_counts(answers)
        wait_processed(app, 120, f"{kind}: the replays processed")
        effects = effect()
        results[kind] = {
            "requests": times,
            "answers": statuses,
            "effects": effects,
            "per_second": round(times / seconds, 1),
        }
        outcome.check(
            all(getattr(a, "status_code", 0) // 100 == 2 for a in answers),
            f"{kind}: answers not all 2xx: {statuses}",
        )
        outcome.check(all(v == 1 for v in effects.values()), f"{kind}: effects not once: {effects}")
        outcome.count(**{kind: results[kind]})

    try:
        # MO
        text = f"chaos mo {time.time_ns()}"
        env.sandbox.text(member.msisdn, shortcode, text)
        measure(
            "mo",
            _last_callback(env, app, "sms_mo"),
            lambda: {"inbound_messages": Message.objects.filter(app=app, text=text).count()},
        )

        # opt-in by SMS (YES), then STOP
        env.sandbox.text(newcomer, shortcode, "YES")
        measure(
            "opt_in",
            _last_callback(env, app, "optin"),
            lambda: {
                "subscribers": Subscriber.objects.filter(app=app, msisdn=newcomer).count(),
                "tokens": AccessToken.objects.filter(
                    subscriber__app=app, subscriber__msisdn=newcomer
                ).count(),
                "opt_ins": ConsentEvent.objects.filter(
                    subscriber__app=app, subscriber__msisdn=newcomer, kind__startswith="opt_in"
                ).count(),
            },
        )
        env.sandbox.text(newcomer, shortcode, "STOP")
        measure(
            "opt_out",
            _last_callback(env, app, "unsubscribe"),
            lambda: {
                "unsubscriptions": ConsentEvent.objects.filter(
                    subscriber__app=app, subscriber__msisdn=newcomer, kind="unsubscribed"
                ).count(),
                "revoked_tokens": AccessToken.objects.filter(
                    subscriber__app=app, subscriber__msisdn=newcomer, revoked_at__isnull=False
                ).count(),
            },
        )

        # rewards status
        wait_for_workers(1)
        Promo.objects.get_or_create(app=app, code="LOAD 10")
        reward = send_reward(app=app, to=member, promo="LOAD 10")
        wait(
            lambda: env.sandbox.callbacks("reward", app_id=app.app_id),
            60,
            "the platform's reward callback",
        )
        wait(
            lambda: Reward.objects.get(pk=reward.pk).status == "succeeded",
            30,
            "the reward completed",
        )
        measure(
            "rewards",
            _last_callback(env, app, "reward"),
            lambda: {
                "completions": CallbackEvent.objects.filter(kind="rewards", app=app)
                .filter(note=f"reward {reward.pk} succeeded")
                .count()
            },
        )

        # USSD
        env.sandbox.dial(member.msisdn, f"*120*{shortcode}#")
        measure(
            "ussd",
            _last_callback(env, app, "ussd"),
            lambda: {
                "sessions": UssdSession.objects.filter(app=app).count(),
                "replies": UssdExchange.objects.filter(session__app=app).count(),
            },
        )
    finally:
        stop_processes(env, workers)
    return outcome

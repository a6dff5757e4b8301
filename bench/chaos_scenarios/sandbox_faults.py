"""Scenario 3: the platform misbehaves on SMS and charging.

On both endpoints the sandbox answers 30% of requests 502 or 503 without
applying them, applies 10% and then holds the connection past Hatid's read
timeout, and applies 5% and then resets the connection. Hatid retries each
with the same clientCorrelator / referenceCode (a charge whose answer was
lost asks getLastRefCode first): every message is delivered once, every
charge made once, and the referenceCodes are unique and without gaps.

Then every request is answered 400: each message and charge fails after
exactly one request (a 4xx is never retried), and nothing is applied.

Counted: messages and charges, their statuses, the platform's deliveries,
resubmissions (repeats answered from the original), requests Hatid logged,
and the first and last referenceCode.
"""

from __future__ import annotations

import uuid
from collections import Counter

from bench.chaos_scenarios.common import (
    Outcome,
    sms_delivery_checks,
    start_thread_worker,
    stop_processes,
    wait,
)

TERMINAL = {"sent", "charged", "failed", "unknown", "cancelled"}


def _mix(hold_seconds: float) -> dict:
    return {
        "mix": [
            {"probability": 0.15, "status": 502},
            {"probability": 0.15, "status": 503},
            {"probability": 0.10, "after_apply": "timeout"},
            {"probability": 0.05, "after_apply": "reset"},
        ],
        "hold_seconds": hold_seconds,
    }


def _queue(app, subscribers, count: int, tag: str) -> tuple[list[int], list[int]]:
    from telecom.services.charging import charge
    from telecom.services.messaging import send_sms

    messages, charges = [], []
    for n in range(count):
        to = subscribers[n % len(subscribers)]
        messages.append(send_sms(app=app, to=to, text=f"faults {tag} {n}").pk)
        charges.append(charge(app=app, to=to, amount="1.00", description=f"faults {tag} {n}").pk)
    return messages, charges


def _wait_settled(outcome, message_ids, charge_ids, what: str, timeout: float = 240) -> None:
    from telecom.models import Charge, Message

    def pending():
        return (
            Message.objects.filter(pk__in=message_ids).exclude(status__in=TERMINAL).count()
            + Charge.objects.filter(pk__in=charge_ids).exclude(status__in=TERMINAL).count()
        )

    try:
        wait(lambda: pending() == 0, timeout, what, interval=0.5)
    except TimeoutError:
        outcome.check(False, f"{what}: {pending()} still pending after {timeout} s")


def _calls(model_label: str, ids) -> dict[int, list[int | None]]:
    """The logged requests' status codes per row, in order."""
    from telecom.models import OutboundCall

    found: dict[int, list] = {}
    for subject, status in (
        OutboundCall.objects.filter(subject_type=model_label, subject_id__in=list(ids))
        .exclude(operation__icontains="refcode")
        .order_by("started_at", "pk")
        .values_list("subject_id", "status_code")
    ):
        found.setdefault(subject, []).append(status)
    return found


def _retried_after_4xx(calls: dict[int, list]) -> int:
    return sum(
        1
        for statuses in calls.values()
        if any(s is not None and 400 <= s < 500 and s != 429 for s in statuses[:-1])
    )


def charge_checks(outcome, env, app, ids: list[int]) -> dict:
    from telecom.models import Charge

    rows = Charge.objects.filter(pk__in=ids)
    codes = list(rows.values_list("reference_code", flat=True))
    statuses = Counter(rows.values_list("status", flat=True))
    deliveries = env.sandbox.deliveries("charge", app_id=app.app_id)
    charged = [d["referenceCode"] for d in deliveries]
    numbers = sorted(int(code[-7:]) for code in codes)
    counts = {
        "charges": len(ids),
        "statuses": dict(statuses),
        "platform_charges": len(charged),
        "charged_twice": len(charged) - len(set(charged)),
        "not_charged": len(set(codes) - set(charged)),
        "foreign_charges": len(set(charged) - set(codes)),
        "resubmitted": sum(d["duplicate_submissions"] for d in deliveries),
        "first_reference": min(codes) if codes else None,
        "last_reference": max(codes) if codes else None,
    }
    outcome.check(dict(statuses) == {"charged": len(ids)}, f"all charges charged: {statuses}")
    outcome.check(counts["charged_twice"] == 0, "a referenceCode charged twice")
    outcome.check(counts["not_charged"] == 0, f"{counts['not_charged']} charge(s) never made")
    outcome.check(counts["foreign_charges"] == 0, "a charge made with a referenceCode of no row")
    outcome.check(len(set(codes)) == len(codes), "referenceCodes repeat")
    outcome.check(
        numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True,
        "referenceCodes have gaps",
    )
    return counts


def run(env, *, quick: bool, rng, redis) -> Outcome:
    from bench.chaos_scenarios.common import wait_for_workers
    from bench.world import app_with_subscribers
    from telecom.models import Charge, Message

    outcome = Outcome("sandbox_faults")
    count = 60 if quick else 1000
    read_timeout = float(env.env["PROVIDER_READ_TIMEOUT"])
    workers = [start_thread_worker(env, 20 + n, threads=12) for n in range(2)]
    try:
        app, subscribers = app_with_subscribers(env.sandbox, 10, shortcode="21580301")
        wait_for_workers(2)
        for endpoint in ("sms", "charge"):
            env.sandbox.set_fault(endpoint, **_mix(read_timeout + 1))
        message_ids, charge_ids = _queue(app, subscribers, count, uuid.uuid4().hex[:8])
        _wait_settled(outcome, message_ids, charge_ids, "faults: every message and charge")
        env.sandbox.clear_faults()
        sms = sms_delivery_checks(outcome, env, app, message_ids)
        charges = charge_checks(outcome, env, app, charge_ids)
        calls = {
            **_calls("telecom.message", message_ids),
            **{-k: v for k, v in _calls("telecom.charge", charge_ids).items()},
        }
        retried = _retried_after_4xx(calls)
        outcome.check(retried == 0, f"{retried} row(s) retried after a 4xx")
        sms["requests"] = sum(len(v) for k, v in calls.items() if k > 0)
        charges["requests"] = sum(len(v) for k, v in calls.items() if k < 0)
        outcome.count(sms=sms, charges=charges)

        # --- 4xx: never retried ------------------------------------------------
        refused = 20 if quick else 100
        before = (
            len(env.sandbox.deliveries("sms", app_id=app.app_id)),
            len(env.sandbox.deliveries("charge", app_id=app.app_id)),
        )
        for endpoint in ("sms", "charge"):
            env.sandbox.set_fault(endpoint, status=400)
        message_ids, charge_ids = _queue(app, subscribers, refused, uuid.uuid4().hex[:8])
        _wait_settled(outcome, message_ids, charge_ids, "4xx: every message and charge")
        env.sandbox.clear_faults()
        after = (
            len(env.sandbox.deliveries("sms", app_id=app.app_id)),
            len(env.sandbox.deliveries("charge", app_id=app.app_id)),
        )
        requests = list(_calls("telecom.message", message_ids).values())
        requests += list(_calls("telecom.charge", charge_ids).values())
        statuses = Counter(
            Message.objects.filter(pk__in=message_ids).values_list("status", flat=True)
        )
        statuses += Counter(
            Charge.objects.filter(pk__in=charge_ids).values_list("status", flat=True)
        )
        four = {
            "rows": 2 * refused,
            "statuses": dict(statuses),
            "requests": sum(len(r) for r in requests),
            "rows_with_one_request": sum(1 for r in requests if r == [400]),
            "applied": after[0] - before[0] + after[1] - before[1],
        }
        outcome.check(dict(statuses) == {"failed": 2 * refused}, f"4xx: all failed: {statuses}")
        outcome.check(
            four["rows_with_one_request"] == 2 * refused and four["requests"] == 2 * refused,
            f"4xx: retried ({four['requests']} requests for {2 * refused} rows)",
        )
        outcome.check(four["applied"] == 0, "4xx: the platform applied a refused request")
        outcome.count(four_xx=four)
    finally:
        env.sandbox.clear_faults()
        stop_processes(env, workers)
    return outcome

"""Outbound dispatch: SMS through `send_sms` -> Celery -> the sandbox.

For each platform latency (the sandbox's latency knob; a real platform is far
away) and each number of worker processes, it queues `--messages` SMS, each
through `send_sms` in its own transaction as API traffic would (and reports
that rate), then starts the workers and measures messages per second from
the first request they make to the last delivery (`per_second`: the
dispatch capacity, as the loops below are timed from their first request;
not this one enqueuing process on a shared 2-core machine, nor the workers'
start, which `startup_s` and `per_second_from_start` report), and the
submissions the sandbox saw twice (resent with an already-used
clientCorrelator) and delivered twice (must be 0). In the same run, for the
ratios: the official Globe Connect SDK sending in the plain loop its docs
show, and a bare `requests.Session` loop (the HTTP limit), each run before
and after Hatid's phases and counted as the mean of the two (this machine's
speed drifts by a quarter within minutes; a baseline on one side only moved
the ratio with it).

    .venv/bin/python bench/outbound.py [--messages 10000] [--workers 1,2,4]
        [--latencies 0,50] [--threads 8] [--baseline-seconds 15] [--quick]

`--quick`: 600 messages, 2 workers, 1-second baselines.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv
from bench.results import summary_ms, table, write
from sandbox.client import wait_for


def hatid_phase(env, app, subscribers, messages: int, workers: int, threads: int) -> dict:
    """Enqueue `messages` through send_sms (workers stopped, so the tasks wait in
    Redis), then start the workers and time them draining the queue."""
    from django.db.models import Max, Min

    from bench.world import wait_for_workers
    from telecom.models import Message, OutboundCall
    from telecom.services.messaging import send_sms

    tag = uuid.uuid4().hex[:8]
    first = time.perf_counter()
    ids = [
        send_sms(app=app, to=subscribers[n % len(subscribers)], text=f"{tag} {n}").pk
        for n in range(messages)
    ]
    enqueue_seconds = time.perf_counter() - first
    rows = Message.objects.filter(pk__in=ids)
    started_at = time.time()
    started = env.start_workers(workers, threads=threads, queues="default")
    wait_for_workers(workers)
    wait_for(
        lambda: not rows.exclude(status="sent").exists(),
        timeout=3600,
        what="all sent",
        interval=0.25,
    )
    last = rows.aggregate(last=Max("finished_at"))["last"].timestamp()
    first = (
        OutboundCall.objects.filter(subject_type="telecom.message", subject_id__in=ids)
        .aggregate(first=Min("started_at"))["first"]
        .timestamp()
    )
    seconds = last - first
    env.stop(started)
    correlators = set(rows.values_list("client_correlator", flat=True))
    deliveries = [
        d
        for d in env.sandbox.deliveries("sms", app_id=app.app_id)
        if d["clientCorrelator"] in correlators
    ]
    delivered = [d["clientCorrelator"] for d in deliveries]
    return {
        "messages": messages,
        "per_second": round(messages / seconds, 1),
        "seconds": round(seconds, 2),
        "startup_s": round(first - started_at, 2),
        "per_second_from_start": round(messages / (last - started_at), 1),
        "enqueue_per_second": round(messages / enqueue_seconds, 1),
        "resubmitted": sum(d["duplicate_submissions"] for d in deliveries),
        "delivered_twice": len(delivered) - len(set(delivered)),
        "lost": len(correlators - set(delivered)),
    }


def requests_loop(url: str, token: str, number: str, seconds: float) -> dict:
    import requests

    session = requests.Session()
    target = f"{url}/smsmessaging/v1/outbound/9999/requests"
    sent, latencies, refused = 0, [], {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = {
            "outboundSMSMessageRequest": {
                "clientCorrelator": uuid.uuid4().hex,
                "senderAddress": "9999",
                "outboundSMSTextMessage": {"message": "bare loop"},
                "address": f"tel:{number}",
            }
        }
        started = time.perf_counter()
        response = session.post(target, params={"access_token": token}, json=body, timeout=10)
        latencies.append(time.perf_counter() - started)
        if response.status_code == 201:
            sent += 1
        else:
            refused[response.status_code] = response.text[:200]
    if refused:
        print(f"the bare loop was refused: {refused}", file=sys.stderr)
    return {"per_second": round(sent / seconds, 1), **summary_ms(latencies)}


def sdk_loop(url: str, token: str, number: str, seconds: float) -> dict:
    from sandbox.globe_sdk import load_sdk

    sms_module = load_sdk(url)["sms"]
    sent, latencies = 0, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        # The loop as the SDK's docs show it: a new Sms object per message.
        sms = sms_module.Sms("9999", token)
        sms.setReceiverAddress(number)
        sms.setMessage("SDK loop")
        sms.setClientCorrelator(uuid.uuid4().hex)
        started = time.perf_counter()
        sms.sendMessage()
        latencies.append(time.perf_counter() - started)
        sent += b"outboundSMSMessageRequest" in sms.getResponse()
    return {"per_second": round(sent / seconds, 1), **summary_ms(latencies)}


def _mean_of(before: dict, after: dict) -> dict:
    """A baseline loop's rate as the mean of its runs before and after Hatid's
    phases (both kept in `before_after`); its latencies are the later run's."""
    return {
        **after,
        "per_second": round((before["per_second"] + after["per_second"]) / 2, 1),
        "before_after": [before["per_second"], after["per_second"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--latencies", default="0,50")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.workers, args.baseline_seconds = 600, "2", 1.0
    rows = []
    with BenchEnv("outbound") as env:
        sandbox = env.start_sandbox()
        from bench.world import app_with_subscribers

        app, subscribers = app_with_subscribers(sandbox, 50)
        token = subscribers[-1].live_token().token.reveal()
        number = subscribers[-1].msisdn
        for latency in [int(x) for x in args.latencies.split(",")]:
            sandbox.clear_faults()
            if latency:
                sandbox.set_fault("sms", latency_ms=latency)
            bare = requests_loop(sandbox.url, token, number, args.baseline_seconds)
            sdk = sdk_loop(sandbox.url, token, number, args.baseline_seconds)
            hatid = []
            for workers in [int(x) for x in args.workers.split(",")]:
                result = hatid_phase(env, app, subscribers, args.messages, workers, args.threads)
                sender = f"Hatid, {workers} worker(s)"
                hatid.append({"sender": sender, "workers": workers, **result})
                print(table([hatid[-1]], list(hatid[-1])), flush=True)
            bare = _mean_of(bare, requests_loop(sandbox.url, token, number, args.baseline_seconds))
            sdk = _mean_of(sdk, sdk_loop(sandbox.url, token, number, args.baseline_seconds))
            rows.append({"latency_ms": latency, "sender": "requests.Session loop", **bare})
            rows.append({"latency_ms": latency, "sender": "Globe SDK loop", **sdk})
            for result in hatid:
                rows.append(
                    {
                        "latency_ms": latency,
                        **result,
                        "ratio_vs_sdk": round(result["per_second"] / sdk["per_second"], 2),
                        "ratio_vs_requests": round(result["per_second"] / bare["per_second"], 2),
                    }
                )
    columns = [
        "latency_ms",
        "sender",
        "per_second",
        "before_after",
        "per_second_from_start",
        "ratio_vs_sdk",
        "ratio_vs_requests",
        "resubmitted",
        "delivered_twice",
        "lost",
    ]
    print(table(rows, columns))
    path = write("outbound", {"threads_per_worker": args.threads, "rows": rows})
    print(f"\nwritten to {path}")
    if any(r.get("delivered_twice") or r.get("lost") for r in rows):
        sys.exit("a message was lost or delivered twice")


if __name__ == "__main__":
    main()

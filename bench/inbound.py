"""Inbound ingestion: inbound-SMS callbacks posted to Hatid's notify URI.

The documented Globe Labs payload ("Receiving SMS": `messageId` null, so
Hatid keys the message by a hash of its content; "Receiving Multi-Part SMS":
10% of the messages come in two parts, each its own POST), and 5% of the
requests are repeats of an earlier one. Hatid runs as the README's
production section says (gunicorn config.wsgi, 5 sync workers, DEBUG off,
PostgreSQL, Redis).

For each target: a short warm-up, a closed-loop run that finds the peak
(requests/s), then open-loop runs at 50%, 75% and 90% of that peak
(requests at fixed times; latency counted from the scheduled time). After
each run the rows stored must equal the distinct messages sent (Hatid: one
`Message` per message, a multipart one assembled once, and one raw
`CallbackEvent` per request; the baselines: one row per distinct request),
or the script fails.

The targets, side by side in the same run and served by the same gunicorn
command: Hatid's notify callback, a plain Django view doing one
`INSERT ... ON CONFLICT DO NOTHING` (the framework's limit) and a DRF
serializer with `get_or_create` (what most projects write), both from the
bench-only site in bench/baseline_site/ (never in Hatid's URLs). The
generator (bench/loadgen.py) runs on the same 2 cores; its CPU time is
reported.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatid_bench_inbound \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/11 \\
    .venv/bin/python bench/inbound.py [--quick] [--seconds 10] [--peak-seconds 15] [--rounds 3]
        [--processes 2] [--concurrency 6] [--web-workers 5] [--worker-processes 1]
        [--worker-threads 4]

Hatid answers a callback once stored; Celery workers (`--worker-processes`
of `--worker-threads` threads, queue `default`) process it. After each run
the script waits for them: `keep_up_s`, the seconds from the run's end until
every stored callback was processed, then counts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv
from bench.results import summary_ms, table, write

FRACTIONS = (0.5, 0.75, 0.9)
MULTIPART = 0.10  # of the messages
REPEATS = 0.05  # of the requests
# A unit is a repeat with this probability so that 5% of the *requests* are
# repeats, new messages averaging 1 + MULTIPART requests each.
REPEAT_UNIT = REPEATS * (1 + MULTIPART) / (1 - REPEATS + REPEATS * (1 + MULTIPART))
LONG_TEXT = ("Alright" * 40)[:250]


def _body(entry: dict, batch_count) -> bytes:
    return json.dumps(
        {
            "inboundSMSMessageList": {
                "inboundSMSMessage": [entry],
                "numberOfMessagesInThisBatch": batch_count,
                "resourceURL": None,
                "totalNumberOfPendingMessages": None,
            }
        }
    ).encode()


def traffic(tag: str, senders: list[str], shortcode: str, seed: int):
    """Units `(bodies, new messages, new requests)`, endlessly: the documented
    payloads, 10% of messages in two parts, 5% of requests repeated."""
    from telecom.dates import format_globe_datetime

    rng = random.Random(seed)
    earlier: list[bytes] = []
    when = format_globe_datetime(datetime.now(UTC))
    n = 0
    while True:
        if earlier and rng.random() < REPEAT_UNIT:
            yield [rng.choice(earlier[-200:])], 0, 0
            continue
        n += 1
        entry = {
            "dateTime": when,
            "destinationAddress": f"tel:{shortcode}",
            "messageId": None,
            "message": f"Hello {tag} {n}",
            "resourceURL": None,
            "senderAddress": rng.choice(senders),
        }
        if rng.random() < MULTIPART:
            text = f"{tag} {n} {LONG_TEXT}"
            bodies = [
                _body(
                    {
                        **entry,
                        "messageId": f"{tag}-{n}-{seq}",
                        "message": part,
                        "multipartRefId": f"{tag}-{n}",
                        "multipartSeqNum": str(seq),
                    },
                    "2",
                )
                for seq, part in ((1, text[:153]), (2, text[153:]))
            ]
        else:
            bodies = [_body(entry, 1)]
        earlier += bodies
        yield bodies, 1, len(bodies)


def fixed_traffic(tag, senders, shortcode, seed, requests: int):
    """At least `requests` bodies made of whole units: (bodies, messages, distinct)."""
    bodies, messages, distinct = [], 0, 0
    for unit, m, d in traffic(tag, senders, shortcode, seed):
        bodies += unit
        messages += m
        distinct += d
        if len(bodies) >= requests:
            return bodies, messages, distinct


class Target:
    """Where the requests go and how to count what it stored. Hatid stores
    messages (a multipart one assembled once); the baselines store requests."""

    def __init__(
        self, name: str, url: str, counts, per_request: bool = False, settle=None, processing=None
    ):
        self.name, self.url, self.counts, self.per_request = name, url, counts, per_request
        # Hatid's: from a run's `counts()` before it, its processing delays (ms).
        self.processing = processing
        # Hatid answers once a callback is stored and its workers process it
        # after: `settle()` waits for them (seconds), before what was stored is counted.
        self.settle = settle or (lambda: None)


def _settle_hatid(app, deadline_seconds: float = 300) -> float:
    """Seconds until the workers processed every stored notify callback."""
    import time

    from sandbox.client import wait_for
    from telecom.models import CallbackEvent

    start = time.monotonic()
    waiting = CallbackEvent.objects.filter(app=app, kind="notify", status="received")
    wait_for(
        lambda: not waiting.exists(),
        timeout=deadline_seconds,
        what="the workers to process every stored callback",
    )
    return round(time.monotonic() - start, 2)


def _processing_ms(app, after_pk: int) -> dict:
    """From a callback stored to its processing committed (what an MO's keyword
    reply waits before it is queued: the reply is made in that transaction),
    p50/p99 in ms over the run's callbacks (`after_pk` the last before it)."""
    from bench.results import percentile
    from telecom.models import CallbackEvent

    waits = [
        (processed - received).total_seconds() * 1000
        for received, processed in CallbackEvent.objects.filter(
            app=app, pk__gt=after_pk, processed_at__isnull=False
        ).values_list("received_at", "processed_at")
    ]
    if not waits:
        return {}
    return {
        "process_p50_ms": round(percentile(waits, 50), 1),
        "process_p99_ms": round(percentile(waits, 99), 1),
    }


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _phase_row(target, kind: str, report, before, expected, rate=None) -> dict:
    """One run's figures; checks that what was stored is what was sent."""
    keep_up = target.settle()
    processing = target.processing(before) if target.processing else {}
    after = target.counts()
    ok = report.statuses.get(200, 0)
    stored = after[0] - before[0]
    raw = after[1] - before[1] if len(after) > 1 else None
    problems = []
    if ok != report.sent:
        problems.append(f"answers {report.statuses}")
    if stored != expected:
        problems.append(f"stored {stored} rows for {expected} distinct messages")
    if raw is not None and raw != report.sent:
        problems.append(f"kept {raw} raw callbacks for {report.sent} requests")
    row = {
        "target": target.name,
        "run": kind,
        "offered_per_s": round(rate, 1) if rate else "",
        "per_second": round(report.sent / report.wall_seconds, 1),
        **summary_ms(report.latencies),
        "keep_up_s": "" if keep_up is None else keep_up,
        **processing,
        "requests": report.sent,
        "errors": report.sent - ok,
        "expected_rows": expected,
        "rows": stored,
        "raw_callbacks": raw if raw is not None else "",
        "late_starts": report.late_starts,
        "gen_cpu_us_per_req": round(report.cpu_seconds / max(report.sent, 1) * 1e6),
        "gen_cpu_share": round(report.cpu_seconds / report.wall_seconds / (os.cpu_count() or 1), 3),
        "load": _load(),
        "problems": "; ".join(problems),
    }
    print(table([row], list(row)), flush=True)
    return row


def closed_run(target, args, kind: str, senders, shortcode, seed: int, seconds: float) -> dict:
    from bench import loadgen

    tag = f"{target.name}-{seed}-"
    streams = [traffic(f"{tag}{p}", senders, shortcode, seed + p) for p in range(args.processes)]
    before = target.counts()
    report = loadgen.closed_loop(loadgen.Target(target.url), streams, args.concurrency, seconds)
    expected = report.distinct if target.per_request else report.messages
    return _phase_row(target, kind, report, before, expected)


def open_run(target, args, fraction: float, peak: float, senders, shortcode, seed: int) -> dict:
    from bench import loadgen

    rate = peak * fraction
    bodies, messages, distinct = fixed_traffic(
        f"{target.name}-{seed}-", senders, shortcode, seed, int(rate * args.seconds)
    )
    before = target.counts()
    report = loadgen.open_loop(loadgen.Target(target.url), bodies, rate, args.processes)
    expected = distinct if target.per_request else messages
    row = _phase_row(target, f"open {fraction:.0%}", report, before, expected, rate)
    return {**row, "fraction": fraction}


def run_all(targets, args, senders, shortcode) -> list[dict]:
    """Interleaved, so that the other benchmarks sharing the machine weigh on
    every target alike: warm-ups, then the closed-loop rounds target after
    target (the peak is each target's median round), then each fraction
    target after target."""
    rows = []
    seed = 0

    def next_seed():
        nonlocal seed
        seed += 1000
        return seed

    for target in targets:
        rows.append(
            closed_run(
                target, args, "warm-up", senders, shortcode, next_seed(), args.warmup_seconds
            )
        )
    peaks = {target.name: [] for target in targets}
    for n in range(args.rounds):
        for target in targets:
            row = closed_run(
                target,
                args,
                f"closed {n + 1}",
                senders,
                shortcode,
                next_seed(),
                args.peak_seconds / args.rounds,
            )
            rows.append(row)
            peaks[target.name].append(row)
    for target in targets:
        ordered = sorted(peaks[target.name], key=lambda r: r["per_second"])
        median = ordered[len(ordered) // 2]
        rows.append({**median, "run": "peak (median closed)"})
    for fraction in FRACTIONS:
        for target in targets:
            peak = next(
                r["per_second"]
                for r in rows
                if r["target"] == target.name and r["run"] == "peak (median closed)"
            )
            rows.append(open_run(target, args, fraction, peak, senders, shortcode, next_seed()))
    return rows


def _ratio(a, b) -> float | None:
    return round(a / b, 2) if b else None


def comparisons(rows: list[dict]) -> list[dict]:
    """Hatid against each baseline: the peak, and p50/p99 at each fraction."""
    by = {(r["target"], r["run"]): r for r in rows}
    out = []
    for baseline in ("plain", "drf"):
        for run in ["peak (median closed)", *(f"open {f:.0%}" for f in FRACTIONS)]:
            hatid, other = by[("hatid", run)], by[(baseline, run)]
            metric = "per_second" if run.startswith("peak") else "p99_ms"
            out.append(
                {
                    "comparison": f"hatid / {baseline}",
                    "run": run,
                    "metric": metric,
                    "hatid": hatid[metric],
                    baseline: other[metric],
                    "ratio": _ratio(hatid[metric], other[metric]),
                    "p50_ratio": _ratio(hatid["p50_ms"], other["p50_ms"]),
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about a second per run (~25 s of load after the harness's ~30 s of setup)",
    )
    parser.add_argument("--seconds", type=float, default=10, help="each open-loop run")
    parser.add_argument("--peak-seconds", type=float, default=15, help="closed loop, in all")
    parser.add_argument("--rounds", type=int, default=3, help="closed-loop rounds")
    parser.add_argument("--warmup-seconds", type=float, default=2)
    parser.add_argument("--processes", type=int, default=2, help="generator processes")
    parser.add_argument("--concurrency", type=int, default=6, help="per process, closed loop")
    parser.add_argument("--web-workers", type=int, default=5)
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--worker-processes", type=int, default=1, help="Celery, processing")
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=0,
        help="the processing worker's CPU priority (nice), e.g. 10: the web first",
    )
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.peak_seconds, args.warmup_seconds = 1, 1.5, 0.3
        args.rounds, args.senders = 1, 5
    with BenchEnv("inbound") as env:
        sandbox = env.start_sandbox()
        web = env.start_web(args.web_workers)
        # The workers that process what the callbacks stored (telecom.callbacks.lanes).
        env.start_workers(
            args.worker_processes,
            threads=args.worker_threads,
            queues="default",
            nice=args.worker_nice,
        )
        from django.db.models import Max

        from bench import inbound_baselines
        from bench.world import app_with_subscribers
        from telecom.models import CallbackEvent, Message

        app, subscribers = app_with_subscribers(sandbox, args.senders)
        senders = [f"tel:{s.msisdn}" for s in subscribers]
        inbound_baselines.create_tables()
        baseline_url = inbound_baselines.start_baseline_web(env, args.web_workers)
        targets = [
            Target(
                "hatid",
                app.callback_uri("notify"),
                lambda: (
                    Message.objects.filter(app=app, direction="in").count(),
                    CallbackEvent.objects.filter(app=app, kind="notify").count(),
                    CallbackEvent.objects.filter(app=app).aggregate(last=Max("pk"))["last"] or 0,
                ),
                settle=lambda: _settle_hatid(app),
                processing=lambda before: _processing_ms(app, before[2]),
            ),
            *(
                Target(
                    name,
                    baseline_url + inbound_baselines.PATHS[name],
                    lambda name=name: (inbound_baselines.rows(name),),
                    per_request=True,
                )
                for name in ("plain", "drf")
            ),
        ]
        assert web in targets[0].url
        rows = run_all(targets, args, senders, app.shortcode)
    compared = comparisons(rows)
    columns = [
        *("target", "run", "offered_per_s", "per_second", "p50_ms", "p99_ms", "keep_up_s"),
        *("process_p50_ms", "process_p99_ms"),
    ]
    columns += ["errors"]
    columns += ["expected_rows", "rows", "gen_cpu_us_per_req", "gen_cpu_share", "load"]
    print()
    print(table(rows, columns))
    print()
    print(table(compared, ["comparison", "run", "metric", "hatid", "plain", "drf", "ratio"]))
    problems = [f"{r['target']} {r['run']}: {r['problems']}" for r in rows if r["problems"]]
    path = write(
        "inbound",
        {
            "quick": args.quick,
            "settings": {k: v for k, v in vars(args).items()},
            "mix": {"multipart_messages": MULTIPART, "repeated_requests": REPEATS},
            "rows": rows,
            "comparisons": compared,
            "problems": problems,
        },
    )
    print(f"\nwritten to {path}")
    if problems:
        sys.exit("stored rows differ from what was sent:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()

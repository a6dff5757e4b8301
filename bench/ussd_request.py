"""The CPU one USSD step costs the web process: the USSD callback through
Django's WSGI handler called directly (no network, production settings and
middleware), each session a start then two inputs, as bench/ussd_voice.py's
handsets walk its menu.

bench/ussd_voice.py measures a step end to end, where the web, the worker,
the sandbox and PostgreSQL share two cores; this measures what the web's
handling of one step costs (`time.process_time()`, and the CPU of its
PostgreSQL backend from /proc), the figure to compare before and after a
change to the step's path. The replies' tasks are published to the broker
as in production (no worker consumes them here; the queue is emptied after).
With `--worker` the replies are delivered in this process to the sandbox,
which refuses them (it opened none of these sessions): the path up to the
request, which is what the share of a step measures, is a real delivery's.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatid_bench_request \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/11 \\
    .venv/bin/python bench/ussd_request.py [--sessions 300] [--profile] [--sql]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv
from bench.inbound_request import run


def step_bodies(tag: str, shortcode: str, sessions: int, numbers: list[str]) -> list[bytes]:
    """Each session's three callbacks (the dial, `1`, `2`), one after another."""
    bodies = []
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(sessions):
        number = numbers[n % len(numbers)]
        for step, message in enumerate((f"*120*{shortcode[-4:]}#", "1", "2")):
            moment += timedelta(seconds=1)
            entry = {
                "datetime": moment.strftime("%a %b %d %Y %H:%M:%S GMT+0000 (UTC)"),
                "destinationAddress": shortcode,
                "message": message,
                "senderAddress": number,
                "sessionID": f"{tag}-{n}",
                "sessionStart": step == 0,
            }
            body = {"inboundUSSDMessageList": {"inboundUSSDMessage": [entry]}}
            bodies.append(json.dumps(body).encode())
    return bodies


def deliver_replies() -> dict:
    """Each queued reply delivered as its task would (`run_many` of its pk):
    this process's CPU per reply, the part spent before the request leaves
    (timed at the HTTP adapter's send), and the wall time's p50."""
    import statistics

    from django.db.models import Count
    from requests.adapters import HTTPAdapter

    from telecom.models import UssdExchange
    from telecom.services.ussd import UssdReplyDelivery

    pks = list(
        UssdExchange.objects.filter(status="queued").order_by("pk").values_list("pk", flat=True)
    )
    before_request, walls = [], []
    send = HTTPAdapter.send

    def timed_send(self, *args, **kwargs):
        before_request.append(time.process_time() - started_cpu[0])
        return send(self, *args, **kwargs)

    started_cpu = [0.0]
    HTTPAdapter.send = timed_send
    try:
        cpu0 = time.process_time()
        for pk in pks:
            started, started_cpu[0] = time.perf_counter(), time.process_time()
            UssdReplyDelivery().run_many([pk])
            walls.append(time.perf_counter() - started)
        cpu = time.process_time() - cpu0
    finally:
        HTTPAdapter.send = send
    statuses = dict(
        UssdExchange.objects.filter(pk__in=pks).values_list("status").annotate(n=Count("pk"))
    )
    return {
        "replies": len(pks),
        "statuses": statuses,
        "cpu_us": cpu / len(pks) * 1e6,
        "before_request_us": statistics.median(before_request) * 1e6,
        "wall_p50_ms": statistics.median(walls) * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200, help="per round (3 steps each)")
    parser.add_argument("--rounds", type=int, default=5, help="the least is kept")
    parser.add_argument("--profile", action="store_true", help="cProfile one more round")
    parser.add_argument("--sort", default="cumulative", help="the profile's order: tottime, ...")
    parser.add_argument("--restrict", nargs="*", default=[], help="e.g. telecom/ (a regex)")
    parser.add_argument("--sql", action="store_true", help="print one step's statements")
    parser.add_argument(
        "--worker",
        action="store_true",
        help="also deliver each round's replies in this process, one task's run a reply,"
        " to the sandbox (on PostgreSQL): the ussd worker's CPU per reply",
    )
    args = parser.parse_args()
    with BenchEnv("ussd_request") as env:
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connection

        from bench.results import machine, write
        from bench.ussd_voice import ussd_menu
        from telecom import redis as hatid_redis
        from telecom.models import ProviderApp

        settings.DEBUG = False
        if args.worker:
            from bench.world import app_with_subscribers

            app, subscribers = app_with_subscribers(env.start_sandbox(postgres=True), 50)
            numbers = [s.msisdn.removeprefix("+") for s in subscribers]
        else:
            app = ProviderApp.objects.create(
                name="Bench USSD", app_id="benchussd", app_secret="s", shortcode="21581235"
            )
            numbers = [f"63917{n:07d}" for n in range(1000)]
        ussd_menu(app)
        path = app.callback_path("ussd")
        handler = WSGIHandler()
        broker = hatid_redis.client()

        def one_round(tag: str, sessions: int) -> dict:
            result = run(handler, path, step_bodies(tag, app.shortcode, sessions, numbers))
            broker.delete("ussd")  # the replies' tasks: no worker here
            return result

        one_round("warm", 50)
        if args.worker:
            deliver_replies()
        rounds, deliveries = [], []
        for n in range(args.rounds):
            rounds.append(one_round(f"r{n}", args.sessions))
            if args.worker:
                deliveries.append(deliver_replies())
        best = min(rounds, key=lambda r: r["cpu_us"])
        print(
            f"USSD step: {best['cpu_us']:.0f} µs CPU per step (the least of {len(rounds)}"
            f" rounds), PostgreSQL backend {best['postgres_us']:.0f} µs, wall p50"
            f" {best['wall_p50_ms']:.2f} ms ({best['statuses']}; rounds: "
            + ", ".join(f"{r['cpu_us']:.0f}" for r in rounds)
            + ")"
        )
        if deliveries:
            least = min(deliveries, key=lambda r: r["cpu_us"])
            print(
                f"USSD reply: {least['cpu_us']:.0f} µs CPU per reply's delivery (the least of"
                f" {len(deliveries)} rounds), of which {least['before_request_us']:.0f} µs"
                f" before its request leaves; wall p50 {least['wall_p50_ms']:.2f} ms"
                f" ({least['statuses']})"
            )
        if args.sql:
            from django.test.utils import CaptureQueriesContext

            bodies = step_bodies("sql", app.shortcode, 1, numbers)
            run(handler, path, bodies[:2])
            with CaptureQueriesContext(connection) as captured:
                run(handler, path, bodies[2:])
            for query in captured.captured_queries:
                print(f"{query['time']}  {query['sql'][:300]}")
        if args.profile:
            import cProfile
            import pstats

            bodies = step_bodies("profile", app.shortcode, args.sessions, numbers)
            profiler = cProfile.Profile()
            profiler.enable()
            run(handler, path, bodies)
            if args.worker:
                deliver_replies()
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(*args.restrict, 50)
        write("ussd_request", {"machine": machine(), "best": best, "rounds": rounds})


if __name__ == "__main__":
    main()

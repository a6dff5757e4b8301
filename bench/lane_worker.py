"""The lane worker's CPU per inbound SMS callback, by batch size, measured in
one process: what `process_callbacks` costs without Celery and the web.

bench/inbound.py's traffic (10% of messages in two parts, 5% of requests
repeated, 50 senders) is stored as received callbacks, then every lane is
processed (`telecom.callbacks.lanes.process_lane`) in batches of each
`--batch` size in turn, on fresh traffic. Printed per callback: this
process's CPU (Python: the ORM, the handlers, psycopg) and its PostgreSQL
backend's. Unlike bench/profile_inbound.py, the batch size is fixed, not
whatever the load made it, so a loaded machine changes these figures little.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatid_bench_lanes \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/11 \\
    .venv/bin/python bench/lane_worker.py [--events 2000] [--batch 1 4 16 100]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv


def store(app, bodies: list[bytes]) -> None:
    from telecom.callbacks.lanes import lane_of
    from telecom.models import CallbackEvent

    events = []
    for body in bodies:
        sender = json.loads(body)["inboundSMSMessageList"]["inboundSMSMessage"][0]
        events.append(
            CallbackEvent(
                app=app,
                kind="notify",
                method="POST",
                body=body.decode(),
                content_type="application/json",
                lane=lane_of(sender["senderAddress"].removeprefix("tel:")),
            )
        )
    CallbackEvent.objects.bulk_create(events, batch_size=500)


def backend_cpu(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="callbacks per batch size")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 4, 16, 100])
    parser.add_argument("--profile", action="store_true", help="cProfile each batch size")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--restrict", nargs="*", default=[], help="e.g. telecom/ (regex)")
    args = parser.parse_args()
    with BenchEnv("lane_worker"):
        from django.conf import settings
        from django.db import connection

        from bench.inbound import fixed_traffic
        from telecom.callbacks import lanes
        from telecom.models import CallbackEvent, Message, ProviderApp

        app = ProviderApp.objects.create(
            name="Bench lanes", app_id="benchlanes", app_secret="bench-secret", shortcode="21589999"
        )
        senders = [f"tel:+63917{n:07d}" for n in range(50)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        print(
            f"{'batch':>6} {'callbacks':>9} {'python us':>10} {'postgres us':>12} {'messages':>9}"
        )
        for size in args.batch:
            bodies, _, _ = fixed_traffic(f"b{size}", senders, app.shortcode, size, args.events)
            store(app, bodies)
            messages = Message.objects.count()
            profiler = cProfile.Profile() if args.profile else None
            cpu, pg = time.process_time(), backend_cpu(pid)
            if profiler:
                profiler.enable()
            done = sum(
                lanes.process_lane(lane, batch_size=size, max_batches=10**6)
                for lane in range(settings.CALLBACK_LANES)
            )
            if profiler:
                profiler.disable()
            cpu, pg = time.process_time() - cpu, backend_cpu(pid) - pg
            assert not CallbackEvent.objects.filter(status="received").exists()
            print(
                f"{size:>6} {done:>9} {cpu / done * 1e6:>10.0f} {pg / done * 1e6:>12.0f} "
                f"{Message.objects.count() - messages:>9}"
            )
            if profiler:
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(*args.restrict, 40)


if __name__ == "__main__":
    main()

"""Retention's purge at scale, and what it costs the web meanwhile.

Seeds with SQL (`bench/seed_sql.py`) one app, 10,000 subscribers, N expired
messages (settled, 200 days old: their texts are blanked) and N expired raw
callbacks (40 days old: deleted), and beside each 10,000 fresh ones that must
stay. Serves Hatid with gunicorn (2 sync workers, production settings) and
keeps a modest closed-loop load on a plain console page (the list of apps, as
a signed-in Operator: 2 clients, each asking again as soon as answered),
first alone for a baseline, then while `purge()` runs in this process with
the default batch of `RETENTION_BATCH_SIZE` rows a transaction. Reports the
rows per second, the longest batch, and the page's p50/p99 before and during
the purge; the goal is a p99 under 100 ms during the purge.

    BENCH_DATABASE_URL=... BENCH_REDIS_URL=... .venv/bin/python bench/purge.py \\
        [--rows 1000000] [--quick] [--batch-size 10000]

`--quick` seeds 100,000 of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv
from bench.results import table, write

GOAL_P99_MS = 100
FRESH = 10_000
CLIENTS = 2
BASELINE_SECONDS = 15


def seed(rows: int) -> dict:
    from bench.seed_sql import analyze, insert_series
    from subscribers.models import Subscriber
    from telecom.models import CallbackEvent, Message, ProviderApp

    started = time.perf_counter()
    app = ProviderApp.objects.create(
        name="Purge bench", app_id="purgebench", app_secret="bench", shortcode="21586666"
    )
    insert_series(
        Subscriber,
        10_000,
        0,
        {
            "app": str(app.pk),
            "msisdn": "'+63917' || lpad(n::text, 7, '0')",
            "status": "'active'",
            "opt_in_channel": "'sms'",
        },
    )
    base = Subscriber.objects.order_by("pk").values_list("pk", flat=True)[0]

    def messages(count: int, start: int, age: str) -> None:
        insert_series(
            Message,
            count,
            start,
            {
                "app": str(app.pk),
                "subscriber": f"{base} + n % 10000",
                "msisdn": "'+63917' || lpad((n % 10000)::text, 7, '0')",
                "direction": "CASE WHEN n % 5 = 0 THEN 'in' ELSE 'out' END",
                "status": "CASE WHEN n % 5 = 0 THEN 'received' ELSE 'sent' END",
                "source": "CASE WHEN n % 5 = 0 THEN 'platform' ELSE 'api' END",
                "text": "'Hello, your code is ' || md5(n::text)",
                "encoding": "'GSM-7'",
                "client_correlator": "CASE WHEN n % 5 = 0 THEN '' ELSE md5(n::text) END",
                "platform_key": "CASE WHEN n % 5 = 0 THEN 'mo-' || n ELSE '' END",
                "created_at": f"now() - interval '{age}' - n * interval '1 second'",
            },
        )

    def callbacks(count: int, start: int, age: str) -> None:
        insert_series(
            CallbackEvent,
            count,
            start,
            {
                "app": str(app.pk),
                "kind": "'notify'",
                "method": "'POST'",
                "content_type": "'application/json'",
                "status": "'processed'",
                "received_at": f"now() - interval '{age}' - n * interval '1 second'",
                "attempts": "1",
            },
        )

    # Oldest first, as time writes them: ids grow with the date.
    messages(rows, 0, "200 days")
    messages(FRESH, rows, "1 day")
    callbacks(rows, 0, "40 days")
    callbacks(FRESH, rows, "1 day")
    analyze(Subscriber, Message, CallbackEvent)
    return {"seconds": round(time.perf_counter() - started, 1)}


def session_cookie(url: str) -> dict:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from telecom.roles import OPERATORS

    user = User.objects.create_user("bench-operator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=OPERATORS))
    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


class Load:
    """`CLIENTS` threads asking for one page in a closed loop; latencies by phase."""

    def __init__(self, url: str, headers: dict):
        self.url, self.headers = url, headers
        self.phase = "warm-up"
        self.latencies: dict[str, list[float]] = {}
        self.errors = 0
        self.running = True
        self.threads = [threading.Thread(target=self.client, daemon=True) for _ in range(CLIENTS)]

    def client(self) -> None:
        import requests

        session = requests.Session()
        while self.running:
            phase = self.phase
            started = time.perf_counter()
            try:
                answer = session.get(self.url, headers=self.headers, timeout=30)
                ok = answer.status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            if ok:
                self.latencies.setdefault(phase, []).append(elapsed)
            else:
                self.errors += 1

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        for thread in self.threads:
            thread.join()

    def figures(self, phase: str) -> dict:
        times = sorted(self.latencies.get(phase, []))
        if not times:
            return {"phase": phase, "requests": 0}
        return {
            "phase": phase,
            "requests": len(times),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p99_ms": round(times[int(len(times) * 0.99) - 1 if len(times) > 1 else 0] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 of each")
    parser.add_argument("--batch-size", type=int, help="rows a transaction (default: the setting)")
    args = parser.parse_args()
    if args.quick:
        args.rows = 100_000
    with BenchEnv("purge") as env:
        from django.conf import settings

        from telecom.models import CallbackEvent, Message

        batch_size = args.batch_size or settings.RETENTION_BATCH_SIZE
        from telecom.retention import registry
        from telecom.retention.purge import purge

        seeded = seed(args.rows)
        print(f"seeded {args.rows:,} expired messages and callbacks in {seeded['seconds']} s")
        url = env.start_web(workers=2)
        page = f"{url}/admin/telecom/providerapp/"
        kinds = [registry.get("telecom.message_texts"), registry.get("telecom.callbacks")]
        with Load(page, session_cookie(url)) as load:
            time.sleep(3)
            load.phase = "before"
            time.sleep(BASELINE_SECONDS)
            load.phase = "during"
            started = time.perf_counter()
            outcomes = purge(kinds=kinds, batch_size=args.batch_size)
            seconds = time.perf_counter() - started
            load.phase = "after"
        runs = [
            {
                "kind": o.kind,
                "action": o.action,
                "rows": o.rows,
                "batches": o.batches,
                "longest_batch_s": round(o.longest_batch, 3),
            }
            for o in outcomes
        ]
        blanked = Message.objects.filter(text="").count()
        fresh_texts = Message.objects.exclude(text="").count()
        callbacks_left = CallbackEvent.objects.count()
    rows = sum(o.rows for o in outcomes)
    web = [load.figures("before"), load.figures("during")]
    longest = max(o.longest_batch for o in outcomes)
    print(
        f"\npurge of {rows:,} rows in {seconds:.1f} s: {rows / seconds:,.0f} rows/s, "
        f"batches of {batch_size:,}, longest {longest:.2f} s"
    )
    print(table(runs, ["kind", "action", "rows", "batches", "longest_batch_s"]))
    print(f"\n{page.removeprefix(url)}, {CLIENTS} clients in a closed loop ({load.errors} errors)")
    print(table(web, ["phase", "requests", "p50_ms", "p99_ms", "max_ms"]))
    correct = blanked == args.rows and fresh_texts == FRESH and callbacks_left == FRESH
    during = web[1].get("p99_ms", 0)
    ok = correct and during < GOAL_P99_MS and not load.errors
    print(
        f"\nblanked {blanked:,}, fresh texts kept {fresh_texts:,}, "
        f"callbacks left {callbacks_left:,} ({'right' if correct else 'WRONG'}); "
        f"p99 during the purge {during} ms "
        f"(goal < {GOAL_P99_MS} ms): {'OK' if ok else 'FAILED'}"
    )
    result = {
        "rows_each": args.rows,
        "seed": seeded,
        "purge_seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "longest_batch_seconds": round(longest, 3),
        "batch_size": batch_size,
        "kinds": runs,
        "web": web,
        "web_errors": load.errors,
        "correct": correct,
        "ok": ok,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    name = "purge-quick" if args.quick else "purge"
    if args.batch_size:
        name += f"-batch{args.batch_size}"
    print(f"written to {write(name, result)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

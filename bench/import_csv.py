"""Subscriber import: a 100,000-row CSV checked then applied by one Celery worker.

Starts one worker process (a threads pool of one: the import is one task),
seeds an app with a fifth of the file's numbers already subscribed (some
unsubscribed), uploads the CSV through the service the console calls
(`start_import`), waits for the check, applies it and waits for the end. The
worker's resident memory is sampled (/proc/<pid>/status, every 20 ms) through
a small warm-up import and through the big one; the figure that matters is
its growth between the two (the file is streamed: it should not grow with the
file but for the set of numbers seen, about 60 bytes a number).

    BENCH_DATABASE_URL=... BENCH_REDIS_URL=... .venv/bin/python bench/import_csv.py \\
        [--rows 100000] [--provider globe|hoiio] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.export_memory import Sampler, rss_kb
from bench.harness import BenchEnv
from bench.results import table, write

WARM_UP_ROWS = 10_000


def csv_bytes(rows: int, first: int) -> bytes:
    lines = ["number,tags,city,plan"]
    for n in range(rows):
        number = f"0917{first + n:07d}" if n % 200 else "not a number"
        lines.append(f"{number},bench;t{n % 7},City {n % 50},plan-{n % 3}")
    return ("\n".join(lines) + "\n").encode()


def seed(app, rows: int, first: int) -> None:
    """A fifth of the numbers subscribed already, one in ten of those unsubscribed."""
    from subscribers.models import Subscriber

    Subscriber.objects.bulk_create(
        [
            Subscriber(
                app=app,
                msisdn=f"+63917{first + n:07d}",
                status="unsubscribed" if n % 50 == 0 else "pending",
            )
            for n in range(0, rows, 5)
        ],
        batch_size=5000,
    )


def run_import(app, rows: int, first: int, pid: int) -> dict:
    from sandbox.client import wait_for
    from subscribers.models import SubscriberImport
    from subscribers.services.imports import apply_import, start_import

    data = csv_bytes(rows, first)
    seed(app, rows, first)
    before = rss_kb(pid)
    sampler = Sampler(pid)
    sampler.start()
    started = time.perf_counter()
    found = start_import(app=app, file_name=f"bench-{rows}.csv", data=data)

    def reached(*statuses):
        def check():
            found.refresh_from_db(fields=["status", "error"])
            return found.status in statuses

        return check

    wait_for(reached("previewed", "failed"), timeout=1800, interval=0.2, what="the check")
    checked = time.perf_counter()
    check_peak = sampler.peak
    if found.status == "failed":
        raise SystemExit(f"the check failed: {found.error}")
    apply_import(subscriber_import=found)
    wait_for(reached("done", "failed"), timeout=3600, interval=0.2, what="the import")
    done = time.perf_counter()
    peak = sampler.stop()
    found = SubscriberImport.objects.get(pk=found.pk)
    return {
        "rows": rows,
        "mb": round(len(data) / 1e6, 1),
        "status": found.status,
        "check_s": round(checked - started, 1),
        "check_rows_s": round(rows / (checked - started)),
        "apply_s": round(done - checked, 1),
        "apply_rows_s": round(rows / (done - checked)),
        "rss_before_mb": round(before / 1024, 1),
        "rss_peak_check_mb": round(check_peak / 1024, 1),
        "rss_peak_mb": round(peak / 1024, 1),
        **{k: v for k, v in found.result.get("counts", {}).items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--provider", choices=["globe", "hoiio"], default="globe")
    parser.add_argument("--quick", action="store_true", help="20,000 rows")
    args = parser.parse_args()
    if args.quick:
        args.rows = 20_000
    with BenchEnv("import-csv") as env:
        from subscribers.models import Subscriber
        from telecom.models import ProviderApp

        worker = env.start_worker(0, concurrency=1, queues="default")
        app = ProviderApp.objects.create(
            name="Import bench",
            provider=args.provider,
            app_id="importbench",
            app_secret="bench",
            shortcode="21586666",
        )
        runs = [
            run_import(app, WARM_UP_ROWS, 1_000_000, worker.pid),
            run_import(app, args.rows, 2_000_000, worker.pid),
        ]
        stored = Subscriber.objects.filter(app=app).count()
    warm, full = runs
    growth = round(full["rss_peak_mb"] - warm["rss_peak_mb"], 1)
    print(f"\nCSV import into a {args.provider} app, one Celery worker (pid {worker.pid})")
    print(
        table(
            runs,
            [
                "rows",
                "mb",
                "status",
                "check_s",
                "check_rows_s",
                "apply_s",
                "apply_rows_s",
                "rss_before_mb",
                "rss_peak_check_mb",
                "rss_peak_mb",
                "new",
                "updated",
                "unsubscribed",
                "invalid",
            ],
        )
    )
    print(
        f"\n{full['apply_rows_s']:,} rows/s applied ({full['check_rows_s']:,} rows/s checked); "
        f"worker peak RSS {full['rss_peak_mb']} MB, {growth:+} MB over the "
        f"{WARM_UP_ROWS:,}-row import's; {stored:,} subscribers stored"
    )
    result = {
        "provider": args.provider,
        "runs": runs,
        "peak_growth_mb": growth,
        "subscribers": stored,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"written to {write('import_csv-quick' if args.quick else 'import_csv', result)}")
    sys.exit(0 if all(run["status"] == "done" for run in runs) else 1)


if __name__ == "__main__":
    main()

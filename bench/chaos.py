"""Chaos: what Hatid does when its parts fail while it works (issue 10).

One environment (bench/harness.py: a fresh database, production settings,
gunicorn, the sandbox) plus Celery beat (the outbox sweeper) and a
redis-server of its own (so that Redis can be stopped without touching
anyone else's), then the scenarios, each in bench/chaos_scenarios/:

    worker_kills         SIGKILL worker children, then worker main processes, mid-send
    redis_outage         Redis down for 30 s mid-send; a publish after commit that fails
    sandbox_faults       30% 502/503, 10% timeouts after apply, 5% resets on SMS and charging
    callback_replays     the same callback 1,000 times at once (MO, opt-in, opt-out, rewards, USSD)
    pg_drops             PostgreSQL connections terminated while callbacks are posted
    idempotency_replays  one Idempotency-Key 1,000 times at once on the partner API
    callback_worker_kills  lane workers SIGKILLed during a 20,000-callback burst

Each asserts, prints what it counted and writes bench/results/chaos_<name>.json;
the exit status is non-zero if any failed.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatid_bench_chaos \\
        .venv/bin/python bench/chaos.py [--quick] [--seed N] [scenario ...]

The outbox timings are the defaults (30 s lease, 5 s sweep, 30 s stale
publish) except with --quick, which shortens them (5 s, 1 s, 3 s) so that
all scenarios run in about a minute; retries back off from 0.5 s up to 4 s
(defaults: 2 s up to 300 s; --quick: up to 2 s) and the provider read
timeout is 3 s (--quick: 1.5 s, and 1 s to connect), so that a 45%-failure
platform drains in seconds rather than minutes.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import table, write

SCENARIOS = (
    "worker_kills",
    "redis_outage",
    "sandbox_faults",
    "callback_replays",
    "pg_drops",
    "idempotency_replays",
    "callback_worker_kills",
)
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hatid_bench_chaos"


def configure(quick: bool) -> None:
    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    os.environ["OUTBOX_RETRY_BASE_SECONDS"] = "0.5"
    os.environ["OUTBOX_RETRY_MAX_SECONDS"] = "2" if quick else "4"
    if quick:
        # The lease still outlasts a provider call (1 s connect + 1.5 s read).
        os.environ["OUTBOX_LEASE_SECONDS"] = "5"
        os.environ["OUTBOX_SWEEP_INTERVAL_SECONDS"] = "1"
        os.environ["OUTBOX_STALE_SECONDS"] = "3"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", choices=[[], *SCENARIOS], default=[])
    parser.add_argument("--quick", action="store_true", help="a reduced version of each")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    chosen = args.scenarios or list(SCENARIOS)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"chaos: {', '.join(chosen)} (seed {seed}{', quick' if args.quick else ''})")
    configure(args.quick)

    from bench.chaos_scenarios.common import OwnRedis, start_beat
    from bench.harness import BenchEnv

    redis_home = Path(tempfile.mkdtemp(prefix="hatid-chaos-redis-"))
    redis = OwnRedis(redis_home).start()
    os.environ["BENCH_REDIS_URL"] = redis.url
    outcomes = []
    started = time.monotonic()
    try:
        env = BenchEnv("chaos")
        env.env["PROVIDER_READ_TIMEOUT"] = "1.5" if args.quick else "3"
        env.env["PROVIDER_CONNECT_TIMEOUT"] = "1" if args.quick else "3.05"
        # Hatid's own processes name themselves to PostgreSQL: pg_drops
        # terminates theirs and not this process's.
        env.env["PGAPPNAME"] = "hatid"
        with env:
            os.environ["PGAPPNAME"] = "hatid-chaos-bench"
            from django.db import connections

            connections.close_all()
            env.start_sandbox()
            env.start_web(4)
            start_beat(env)
            for name in chosen:
                print(f"\n== {name}", flush=True)
                module = importlib.import_module(f"bench.chaos_scenarios.{name}")
                began = time.monotonic()
                try:
                    outcome = module.run(env, quick=args.quick, rng=rng, redis=redis)
                except Exception:
                    from bench.chaos_scenarios.common import Outcome

                    outcome = Outcome(name)
                    outcome.check(False, "crashed: " + traceback.format_exc(limit=8))
                # Celery's own default queue, which no worker here consumes: a
                # task there was published through the wrong app.
                stray = redis.client().llen("celery")
                outcome.check(stray == 0, f"{stray} task(s) in the queue 'celery', never consumed")
                result = {**outcome.as_dict(), "seconds": round(time.monotonic() - began, 1)}
                result.update(quick=args.quick, seed=seed)
                path = write(f"chaos_{name}", result)
                print(f"  {'ok' if outcome.ok else 'FAILED'} in {result['seconds']} s -> {path}")
                outcomes.append(result)
                env.keep_home = env.keep_home or not outcome.ok
    finally:
        redis.stop()
    rows = [
        {
            "scenario": r["scenario"],
            "ok": r["ok"],
            "seconds": r["seconds"],
            "failures": len(r["failures"]),
        }
        for r in outcomes
    ]
    print()
    print(table(rows, ["scenario", "ok", "seconds", "failures"]))
    print(f"total {time.monotonic() - started:.0f} s")
    failed = [r for r in outcomes if not r["ok"]]
    for r in failed:
        for failure in r["failures"]:
            print(f"FAILED {r['scenario']}: {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

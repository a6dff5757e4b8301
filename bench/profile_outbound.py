"""Where an outbound SMS's CPU goes in the delivery worker: CPU time and
database statements per delivered message, and a profile.

Queues `--messages` SMS to the sandbox at 0 ms (as API traffic, each through
`send_sms`: one task per message; or with `--campaign`, as a campaign's
build does: one task per `MESSAGE_BATCH_SIZE` ids), then delivers them:

- in this process (the default), calling the delivery task's body for each
  published task in order, with its statements counted at the connection,
  this process's CPU time (`time.process_time`) and its PostgreSQL
  backend's, and with `--profile` a cProfile of it (the functions with the
  most own time, and the cumulative time of the delivery's steps);
- or with `--workers N`, in N real Celery workers (`--threads` each, their
  statements counted by bench/counting.py), reading each process's CPU time
  (psutil) before and after: the worker, PostgreSQL's backends, the sandbox.

The sandbox runs on its SQLite file, as `bench/campaign.py` runs it; with
`--sandbox-postgres` on a PostgreSQL database of its own (its backends'
CPU is then counted with Hatid's under "PostgreSQL").

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatid_bench_outbound \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/4 \\
    .venv/bin/python bench/profile_outbound.py [--messages 2000] [--campaign]
        [--profile] [--workers 2 --threads 8] [--sandbox-postgres]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.counting import counted_queries, start_counted_workers
from bench.harness import BenchEnv
from sandbox.client import wait_for

# Frames whose cumulative time is printed with --profile: the delivery's steps.
WATCHED = (
    "run_many",
    "claim_many",
    "attempt_within_lease",
    "prepare",
    "attempt",
    "call",
    "request",
    "_log",
    "redact_body",
    "redact_url",
    "record_outcomes",
    "save_calls",
    "lock_held",
    "finish_held",
    "complete_campaigns_of",
)


def queue_messages(env, app, subscribers, count: int, campaign: bool) -> list[list[int]]:
    """Queue `count` messages; the id lists of their published tasks, in order
    (taken from the broker, which is then emptied: this script delivers them)."""
    import redis

    from telecom.services.messaging import send_sms

    broker = redis.Redis.from_url(env.redis_url)
    if campaign:
        from telecom.services.campaigns import build_campaign, create_campaign

        campaign = create_campaign(
            app=app, name="Profile", text="Hatid profile: a campaign text", segment={}
        )
        broker.delete("default")  # the build's task: built here instead
        build_campaign(campaign.pk)
    else:
        for n in range(count):
            send_sms(app=app, to=subscribers[n % len(subscribers)], text=f"profile {n}")
    tasks = []
    for raw in broker.lrange("default", 0, -1):
        message = json.loads(raw)
        body = json.loads(__import__("base64").b64decode(message["body"]))
        tasks.append(list(body[0][0]))
    broker.delete("default")
    return tasks


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def process_cpu(pid: int) -> float:
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def in_process(tasks: list[list[int]], profile: bool) -> dict:
    from django.db import connection

    from telecom.tasks import deliver_messages

    count = [0]
    lock = threading.Lock()

    def counter(execute, sql, params, many, context):
        with lock:
            count[0] += 1
        return execute(sql, params, many, context)

    pg = backend_pid()
    # CPU time, not wall time: waits on the sandbox and PostgreSQL do not count.
    profiler = cProfile.Profile(time.process_time) if profile else None
    pg_before, cpu_before, started = process_cpu(pg), time.process_time(), time.perf_counter()
    with connection.execute_wrapper(counter):
        if profiler:
            profiler.enable()
        for ids in tasks:
            deliver_messages.run(ids)
        if profiler:
            profiler.disable()
    wall = time.perf_counter() - started
    return {
        "seconds": wall,
        "python_cpu_s": time.process_time() - cpu_before,
        "postgres_cpu_s": process_cpu(pg) - pg_before,
        "statements": count[0],
        "profiler": profiler,
    }


def postgres_backends() -> list[int]:
    import psutil

    return [
        p.pid
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] == "postgres" and "hatid_bench" in " ".join(p.info["cmdline"] or [])
    ]


def with_workers(env, tasks, workers: int, threads: int) -> dict:
    from celery import current_app

    from bench.world import wait_for_workers
    from telecom.models import Message

    started_workers = start_counted_workers(env, "deliver", workers, threads, "default")
    wait_for_workers(workers)
    pids = [p.pid for p in started_workers]
    sandbox = env.sandbox_process.process.pid
    backends_before = {pid: process_cpu(pid) for pid in postgres_backends()}
    worker_before = sum(process_cpu(pid) for pid in pids)
    sandbox_before = process_cpu(sandbox)
    started = time.perf_counter()
    for ids in tasks:
        current_app.send_task("telecom.tasks.deliver_messages", args=[ids])
    wait_for(
        lambda: not Message.objects.filter(status__in=["queued", "sending"]).exists(),
        timeout=3600,
        what="all delivered",
        interval=0.1,
    )
    wall = time.perf_counter() - started
    worker_cpu = sum(process_cpu(pid) for pid in pids) - worker_before
    backends = 0.0
    for pid in postgres_backends():
        backends += process_cpu(pid) - backends_before.get(pid, 0.0)
    sandbox_cpu = process_cpu(sandbox) - sandbox_before
    time.sleep(0.5)  # the counter's next write
    env.stop(started_workers)
    for process in started_workers:
        process.wait(20)
    return {
        "seconds": wall,
        "python_cpu_s": worker_cpu,
        "postgres_cpu_s": backends,
        "sandbox_cpu_s": sandbox_cpu,
        "statements": counted_queries(env, "deliver"),
        "profiler": None,
    }


def report(result: dict, delivered: int, tasks: int) -> None:
    per = 1e6 / delivered
    print(f"\n{delivered} delivered from {tasks} tasks in {result['seconds']:.2f} s")
    print(f"  {delivered / result['seconds']:.1f} msg/s")
    print(f"  worker CPU       {result['python_cpu_s'] * per:8.0f} µs per message")
    print(f"  PostgreSQL CPU   {result['postgres_cpu_s'] * per:8.0f} µs per message")
    if "sandbox_cpu_s" in result:
        print(f"  sandbox CPU      {result['sandbox_cpu_s'] * per:8.0f} µs per message")
    print(f"  statements       {result['statements'] * 1000 / delivered:8.1f} per 1,000 messages")
    print(f"  load average     {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    profiler = result["profiler"]
    if profiler is None:
        return
    stats = pstats.Stats(profiler)
    print("\nown time, top 25:")
    stats.sort_stats("tottime").print_stats(25)
    if os.environ.get("PROFILE_CUMULATIVE"):
        stats.sort_stats("cumulative").print_stats(int(os.environ["PROFILE_CUMULATIVE"]))
    if os.environ.get("PROFILE_CALLERS"):
        stats.print_callers(os.environ["PROFILE_CALLERS"])
    print("cumulative time of the delivery's steps (µs per message):")
    seen = {}
    for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        if name in WATCHED and ("telecom" in path or name in ("request",)):
            key = f"{name} ({Path(path).parent.name}/{Path(path).name})"
            seen[key] = seen.get(key, 0.0) + cumulative
    for key, seconds in sorted(seen.items(), key=lambda item: -item[1]):
        print(f"  {seconds * per:8.0f}  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--campaign", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--subscribers", type=int, default=50)
    parser.add_argument("--sandbox-postgres", action="store_true")
    args = parser.parse_args()
    with BenchEnv("profile_outbound") as env:
        sandbox = env.start_sandbox(postgres=args.sandbox_postgres)
        from bench.world import app_with_subscribers
        from telecom.models import Message

        count = args.messages if args.campaign else args.subscribers
        app, subscribers = app_with_subscribers(sandbox, count)
        tasks = queue_messages(env, app, subscribers, args.messages, args.campaign)
        if args.workers:
            result = with_workers(env, tasks, args.workers, args.threads)
        else:
            result = in_process(tasks, args.profile)
        delivered = Message.objects.filter(status="sent").count()
        if Message.objects.exclude(status="sent").exists():
            sys.exit("some messages were not sent")
        report(result, delivered, len(tasks))


if __name__ == "__main__":
    main()

"""Where an inbound callback's CPU goes: the split between processes and a
py-spy profile of the web workers and the processing worker.

Runs Hatid's notify callback (bench/inbound.py's traffic) in a closed loop
for `--seconds`, as bench/inbound.py does, and meanwhile:

- reads each process's CPU time (`psutil`) before and after, grouped: the
  gunicorn workers, the Celery worker, PostgreSQL's backends, Redis, the
  load generator and the sandbox, and prints it per request (microseconds)
  and as a share of the run's CPU;
- records the gunicorn workers and the Celery worker with py-spy (`--gil`:
  only the thread holding the GIL, so waits on the database and the network
  do not count; py-spy slows the processes, so the rate is lower) and prints
  the functions with the most own samples, and the share of samples under
  each of Hatid's own functions that matter (the callback pipeline's steps).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatid_bench_inbound \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/11 \\
    .venv/bin/python bench/profile_inbound.py [--seconds 20]

py-spy comes with the `bench` extra; it needs ptrace, which a
container may refuse (then run as root or with CAP_SYS_PTRACE).
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv

# Frames whose inclusive share is printed: the steps of the callback pipeline.
WATCHED = (
    "receive (telecom/callbacks/service.py",
    "app_for_token (telecom/callbacks/app_cache.py",
    "build_callback (telecom/callbacks/service.py",
    "_store_for_lane (telecom/callbacks/service.py",
    "lane_key (",
    "tick (telecom/callbacks/dispatch.py",
    "save (django/db/models/base.py",
    "_commit (django/db/backends/base/base.py",
    "process_batch (telecom/callbacks/lanes.py",
    "prepare_batch (",
    "handle (telecom/callback_handlers",
    "__call__ (django/core/handlers/wsgi.py",
    "handle_request (gunicorn/workers/sync.py",
)


def cpu_by_group(processes: dict[str, list[int]]) -> dict[str, float]:
    import psutil

    out = collections.Counter()
    for group, pids in processes.items():
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.NoSuchProcess:
                continue
            out[group] += times.user + times.system
    return out


def groups(env, web, workers) -> dict[str, list[int]]:
    import psutil

    def tree(pid):
        try:
            parent = psutil.Process(pid)
        except psutil.NoSuchProcess:
            return []
        return [parent.pid, *(c.pid for c in parent.children(recursive=True))]

    out = {
        "web (gunicorn)": tree(web.pid),
        "worker (celery)": [pid for w in workers for pid in tree(w.pid)],
        "postgres": [p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"],
        "redis": [p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"],
    }
    if env.sandbox_process is not None and env.sandbox_process.process is not None:
        out["sandbox"] = tree(env.sandbox_process.process.pid)
    return out


def top(raw: Path, count: int) -> tuple[list, list, int]:
    """From py-spy's raw (collapsed) output: own samples per function, and
    inclusive samples per watched frame."""
    own, inclusive, total = collections.Counter(), collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack:
            continue
        n = int(samples)
        total += n
        frames = stack.split(";")
        own[frames[-1].split(" (")[0] + " (" + frames[-1].split(" (")[-1]] += n
        seen = set()
        for frame in frames:
            for watched in WATCHED:
                if watched in frame and watched not in seen:
                    seen.add(watched)
                    inclusive[watched] += n
    return own.most_common(count), sorted(inclusive.items(), key=lambda x: -x[1]), total


def events_per_batch(app) -> float:
    """A batch's events share their `processed_at` (lanes.process_batch)."""
    from django.db.models import Count

    from telecom.models import CallbackEvent

    batches = (
        CallbackEvent.objects.filter(app=app, lane__isnull=False)
        .values("lane", "processed_at")
        .annotate(n=Count("id"))
    )
    sizes = [batch["n"] for batch in batches]
    return sum(sizes) / max(len(sizes), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--web-workers", type=int, default=5)
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=0,
        help="the processing worker's CPU priority (nice), e.g. 10: the web first",
    )
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--target",
        choices=("hatid", "plain"),
        default="hatid",
        help="Hatid's notify callback, or the plain one-INSERT view (bench/baseline_site)",
    )
    parser.add_argument(
        "--no-spy", action="store_true", help="only the CPU per process, without py-spy's cost"
    )
    parser.add_argument(
        "--output",
        default=str(Path(__file__).resolve().parents[1] / "var" / "profiles" / "inbound"),
        help="where the raw profiles are kept",
    )
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    from bench import loadgen
    from bench.inbound import traffic

    with BenchEnv("inbound") as env:
        sandbox = env.start_sandbox()
        env.start_web(args.web_workers)
        web = env.processes[-1]
        workers = env.start_workers(
            1, threads=args.worker_threads, queues="default", nice=args.worker_nice
        )
        from bench.world import app_with_subscribers

        app, subscribers = app_with_subscribers(sandbox, 50)
        senders = [f"tel:{s.msisdn}" for s in subscribers]
        url = app.callback_uri("notify")
        if args.target == "plain":
            from bench import inbound_baselines

            inbound_baselines.create_tables()
            url = inbound_baselines.start_baseline_web(env, args.web_workers)
            url += inbound_baselines.PATHS["plain"]
            web = env.processes[-1]
        # Warm every web worker up (imports, the app cache) before measuring.
        loadgen.closed_loop(
            loadgen.Target(url),
            [traffic("warm", senders, app.shortcode, 1)],
            args.concurrency,
            2,
        )
        out = Path(args.output)
        out.mkdir(parents=True, exist_ok=True)
        spies = {
            name: subprocess.Popen(
                [
                    *(py_spy, "record", "--pid", str(process.pid), "--subprocesses"),
                    *("--rate", "200", "--format", "raw", "--nonblocking", "--gil"),
                    *("--duration", str(int(args.seconds)), "--output", str(out / f"{name}.txt")),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name, process in (("web", web), ("worker", workers[0]))
            if not args.no_spy
        }
        time.sleep(1)  # py-spy attaching
        processes = groups(env, web, workers)
        before = cpu_by_group(processes)
        wall0 = time.monotonic()
        streams = [traffic(f"p{p}", senders, app.shortcode, 10 + p) for p in range(args.processes)]
        report = loadgen.closed_loop(loadgen.Target(url), streams, args.concurrency, args.seconds)
        from bench.inbound import _settle_hatid

        keep_up = _settle_hatid(app) if args.target == "hatid" else 0
        wall = time.monotonic() - wall0
        after = cpu_by_group(processes)
        for spy in spies.values():
            spy.wait(60)
        used = {group: after[group] - before[group] for group in processes}
        used["load generator"] = report.cpu_seconds
        total = sum(used.values())
        print(
            f"\n{report.sent} requests in {report.wall_seconds:.1f} s "
            f"({report.sent / report.wall_seconds:.0f}/s), processed {keep_up} s after; "
            f"{wall:.1f} s of wall, {total:.1f} CPU-s ({total / wall:.2f} cores)\n"
        )
        if args.target == "hatid":
            print(f"events per batch: {events_per_batch(app):.1f}\n")
        print(f"{'process':<18} {'CPU-s':>7} {'us/request':>11} {'share':>6}")
        for group, seconds in sorted(used.items(), key=lambda x: -x[1]):
            print(
                f"{group:<18} {seconds:7.2f} {seconds / report.sent * 1e6:11.0f} "
                f"{seconds / total:6.1%}"
            )
        for name in spies:
            path = out / f"{name}.txt"
            if not path.exists():
                print(f"\n{name}: py-spy wrote nothing (ptrace refused?)")
                continue
            own, inclusive, samples = top(path, args.top)
            print(f"\n{name}: {samples} samples on CPU; the watched steps (inclusive):")
            for frame, n in inclusive:
                print(f"  {n / samples:6.1%}  {frame}")
            print(f"{name}: most own samples")
            for frame, n in own:
                print(f"  {n / samples:6.1%}  {frame}")
        print(f"\nraw profiles (collapsed stacks, for a flame graph): {out}")


if __name__ == "__main__":
    main()

"""The CPU one inbound SMS callback request costs the web process, Hatid's
notify view beside the plain one-insert view, in one process and without a
network: Django's WSGI handler called directly, in turns, on the same
database and with production settings and middleware.

bench/inbound.py measures throughput through gunicorn, where the Celery
worker, PostgreSQL and the load generator share the two cores and move the
figures with the machine's load; this measures only what a request costs
(`time.process_time()` of this process, and the CPU of its PostgreSQL
backend read from /proc), so it is the figure to compare before and after
a change to the request's path.

Hatid's request stores the callback and answers (the workers' dispatcher,
not the request, publishes the lanes' tasks), so no worker runs here.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatid_bench_request \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/11 \\
    .venv/bin/python bench/inbound_request.py [--requests 3000] [--profile hatid]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv


def _backend_cpu_seconds(pid: int) -> float:
    """user + system CPU of a local process, from /proc (PostgreSQL's backend)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Urls:
    """Hatid's URLconf with the baselines' views beside it (filled once Django is set up)."""

    urlpatterns: list = []


def _environ(path: str, body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": "python-requests/2.32",
        "HTTP_ACCEPT": "*/*",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def run(handler, path: str, bodies: list[bytes]) -> dict:
    """Each body POSTed once to `path`; CPU per request of this process and
    of its PostgreSQL backend, and the wall time's p50."""
    from django.db import connection

    statuses: dict[int, int] = {}

    def start_response(status, headers, exc_info=None):
        code = int(status.split()[0])
        statuses[code] = statuses.get(code, 0) + 1

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    walls = []
    pg0, cpu0 = _backend_cpu_seconds(backend), time.process_time()
    for body in bodies:
        started = time.perf_counter()
        response = handler(_environ(path, body), start_response)
        b"".join(response)
        response.close()
        walls.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu0
    pg = _backend_cpu_seconds(backend) - pg0
    return {
        "requests": len(bodies),
        "statuses": statuses,
        "cpu_us": cpu / len(bodies) * 1e6,
        "postgres_us": pg / len(bodies) * 1e6,
        "wall_p50_ms": statistics.median(walls) * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="per target and round")
    parser.add_argument("--rounds", type=int, default=8, help="targets alternate; the least")
    parser.add_argument("--profile", choices=("hatid", "plain"), help="cProfile one round")
    parser.add_argument("--sort", default="cumulative", help="the profile's order: tottime, ...")
    parser.add_argument("--restrict", nargs="*", default=[], help="e.g. telecom/ (a regex)")
    args = parser.parse_args()
    with BenchEnv("inbound_request", settings_module="bench.baseline_site.settings"):
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler

        from bench import inbound_baselines
        from bench.baseline_site.urls import urlpatterns as baseline
        from bench.inbound import fixed_traffic
        from bench.results import machine, write
        from config.urls import urlpatterns as hatid
        from telecom.models import ProviderApp

        Urls.urlpatterns = [*baseline, *hatid]
        settings.ROOT_URLCONF = Urls
        settings.DEBUG = False
        inbound_baselines.create_tables()
        app = ProviderApp.objects.create(
            name="Bench request", app_id="benchrequest", app_secret="s", shortcode="21581234"
        )
        hatid_path = app.callback_path("notify")
        senders = [f"tel:+63917{n:07d}" for n in range(50)]
        handler = WSGIHandler()
        targets = {"hatid": hatid_path, "plain": inbound_baselines.PATHS["plain"]}
        seed = 0
        for name, path in targets.items():  # warm up: imports, connections, caches
            bodies, _, _ = fixed_traffic(f"warm{name}", senders, app.shortcode, seed, 300)
            run(handler, path, bodies)
        rounds: dict[str, list[dict]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, path in targets.items():
                seed += 1
                tag = f"{name}{seed}"
                bodies, _, _ = fixed_traffic(tag, senders, app.shortcode, seed, args.requests)
                result = run(handler, path, bodies)
                rounds[name].append(result)
        rows = []
        for name, results in rounds.items():
            # The least disturbed round: another process on the machine only
            # ever adds to a round's CPU (caches, frequency), never takes away.
            best = min(results, key=lambda r: r["cpu_us"])
            rows.append({"target": name, **best, "rounds": [r["cpu_us"] for r in results]})
            print(
                f"{name:6} {best['cpu_us']:7.0f} µs CPU per request (the least of"
                f" {len(results)} rounds), PostgreSQL backend {best['postgres_us']:5.0f} µs,"
                f" wall p50 {best['wall_p50_ms']:.2f} ms ({best['statuses']}; rounds: "
                + ", ".join(f"{r['cpu_us']:.0f}" for r in results)
                + ")"
            )
        hatid_cpu, plain_cpu = rows[0]["cpu_us"], rows[1]["cpu_us"]
        print(f"Hatid's request costs {hatid_cpu / plain_cpu:.2f}x the plain view's CPU")
        if args.profile:
            import cProfile
            import pstats

            bodies, _, _ = fixed_traffic("profile", senders, app.shortcode, 99, args.requests)
            profiler = cProfile.Profile(time.process_time)  # CPU, the figure compared
            profiler.enable()
            run(handler, targets[args.profile], bodies)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(*args.restrict, 45)
        write(
            "inbound_request",
            {
                "machine": machine(),
                "rows": rows,
                "ratio": plain_cpu / hatid_cpu,
            },
        )


if __name__ == "__main__":
    main()

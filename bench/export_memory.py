"""Export memory: the web process streaming a 1,000,000-row CSV export.

Seeds the messages with SQL (`bench/admin_scale.py`'s World: 1,000,000
messages by default, 10,000 subscribers), serves Hatid with gunicorn (one
sync worker, production settings), signs in an Operator, and posts the
message list's "Export as CSV" over the whole list (select across) once with
a small filter as a warm-up, then over every row (gunicorn's `--timeout` at
600 s, as docs/operations.md advises for exports). While the CSV downloads it
samples the worker's resident memory (/proc/<pid>/status, every 20 ms) and
reports its growth over the warm-up's level; the issue's bound is 50 MB.
It checks the rows counted in the CSV and that the audit trail holds the export.

    BENCH_DATABASE_URL=... BENCH_REDIS_URL=... .venv/bin/python bench/export_memory.py \\
        [--messages 1000000] [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv
from bench.results import table, write

BOUND_MB = 50
TIMEOUT_SECONDS = 600


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {children}")
    return int(children[0])


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, rss_kb(pid), True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.join()
        return max(self.peak, rss_kb(self.pid))


def signed_in_headers(url: str) -> dict:
    """Cookies of an Operator's session and the CSRF token, as headers (the
    production cookies are Secure: a client over http would not send them)."""
    import requests
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from telecom.roles import OPERATORS

    user = User.objects.create_user("bench-operator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=OPERATORS))
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page = requests.Session().get(
        f"{url}/admin/telecom/message/?status__exact=failed",
        headers={"Cookie": f"sessionid={session}"},
        timeout=60,
    )
    page.raise_for_status()
    csrf = page.cookies.get("csrftoken") or re.search(
        r"csrftoken=([^;]+)", page.headers["Set-Cookie"]
    ).group(1)
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


def export(url: str, headers: dict, query: str, pid: int) -> dict:
    import requests

    from telecom.models import Message

    any_row = Message.objects.values_list("pk", flat=True).first()
    before = rss_kb(pid)
    sampler = Sampler(pid)
    sampler.start()
    started = time.perf_counter()
    lines = size = 0
    with requests.Session().post(
        f"{url}/admin/telecom/message/{query}",
        data={"action": "export_csv", "select_across": "1", "_selected_action": [any_row]},
        headers=headers,
        stream=True,
        timeout=600,
    ) as response:
        response.raise_for_status()
        assert response.headers["Content-Type"].startswith("text/csv"), response.headers
        for chunk in response.iter_content(1 << 16):
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    return {
        "rows": lines - 1,
        "mb_written": round(size / 1e6, 1),
        "seconds": round(seconds, 1),
        "rss_before_mb": round(before / 1024, 1),
        "rss_peak_mb": round(peak / 1024, 1),
        "growth_mb": round((peak - before) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 messages")
    args = parser.parse_args()
    if args.quick:
        args.messages = 50_000
    with BenchEnv("export-memory") as env:
        from bench.admin_scale import World
        from telecom.models import AuditEvent

        world = World(args.messages, 10_000)
        seeded = world.seed_to(1.0)
        print(f"seeded {args.messages:,} messages in {seeded:.1f} s", flush=True)
        # A sync worker is killed after gunicorn's --timeout (30 s by default)
        # while it streams: docs/operations.md gives the web process a longer one.
        env.env["GUNICORN_CMD_ARGS"] = f"--timeout {TIMEOUT_SECONDS}"
        url = env.start_web(workers=1)
        pid = worker_pid(env.processes[-1].pid)
        headers = signed_in_headers(url)
        runs = [
            {"list": "failed only (warm-up)", **export(url, headers, "?status__exact=failed", pid)},
            {"list": "every message", **export(url, headers, "", pid)},
        ]
        events = list(AuditEvent.objects.filter(action="message.export_csv").values("outcome"))
    full = runs[-1]
    print(f"\nCSV export of the message list, one gunicorn sync worker (pid {pid})")
    print(
        table(
            runs,
            ["list", "rows", "mb_written", "seconds", "rss_before_mb", "rss_peak_mb", "growth_mb"],
        )
    )
    ok = full["rows"] == args.messages and full["growth_mb"] < BOUND_MB
    audited = len(events) == len(runs) and all(e["outcome"] == "succeeded" for e in events)
    print(
        f"\nrows {full['rows']:,} of {args.messages:,}; growth {full['growth_mb']} MB "
        f"(bound {BOUND_MB} MB): {'OK' if ok else 'FAILED'}; audited: {audited}"
    )
    result = {
        "messages": args.messages,
        "runs": runs,
        "bound_mb": BOUND_MB,
        "ok": ok,
        "audit_events": events,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"written to {write('export_memory-quick' if args.quick else 'export_memory', result)}")
    sys.exit(0 if ok and audited else 1)


if __name__ == "__main__":
    main()

"""Admin at scale: the operator console's big pages over 1,000,000 messages and
200,000 subscribers.

Seeds with SQL (`bench/seed_sql.py`: INSERT ... SELECT FROM generate_series,
no ORM loop) one app, the subscribers, the messages (a fifth inbound, 1% with
the word "weekend", 1% failed, five seconds apart), and beside them the other
big logs: callback events and outbound calls (a fifth of the messages each)
and charges (a tenth). Then, as a logged-in superuser (Django's test Client in
this process, production settings, DEBUG off), it loads each page `--runs`
times after one warm-up and reports the median time and the statements
(CaptureQueriesContext). Pages are measured twice: once with a tenth of the
rows seeded, then with all of them, so a page whose statement count grows
with the rows shows it. Flagged: a page over 1 s, or whose statements grew.

    .venv/bin/python bench/admin_scale.py [--quick] [--messages 1000000]
        [--subscribers 200000] [--runs 5]

`--quick` seeds 50,000 messages and 10,000 subscribers and takes the median of 3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv
from bench.results import table, write

SLOW_MS = 1000


class World:
    """Seeds in stages; row n of every table is the same whichever stage wrote it."""

    def __init__(self, messages: int, subscribers: int):
        from telecom.models import ProviderApp

        self.messages, self.subscribers = messages, subscribers
        self.app = ProviderApp.objects.create(
            name="Admin bench", app_id="adminbench", app_secret="bench", shortcode="21587777"
        )
        self.seeded = {"subscribers": 0, "messages": 0}
        self.first_subscriber = None

    def seed_to(self, fraction: float) -> float:
        from bench.seed_sql import analyze, insert_series
        from subscribers.models import Subscriber
        from telecom.models import CallbackEvent, Charge, Message, OutboundCall

        started = time.perf_counter()
        app = self.app.pk
        subscribers = int(self.subscribers * fraction)
        start = self.seeded["subscribers"]
        insert_series(
            Subscriber,
            subscribers - start,
            start,
            {
                "app": str(app),
                "msisdn": "'+63917' || lpad(n::text, 7, '0')",
                "status": "CASE WHEN n % 10 = 9 THEN 'unsubscribed' ELSE 'active' END",
                "opt_in_channel": "'sms'",
                "first_opt_in_at": "now() - n * interval '1 minute'",
                "last_opt_in_at": "now() - n * interval '1 minute'",
            },
        )
        if self.first_subscriber is None:
            self.first_subscriber = Subscriber.objects.order_by("pk").values_list("pk")[0][0]
        self.seeded["subscribers"] = subscribers
        base = self.first_subscriber
        # Each message goes to one of the subscribers seeded so far.
        who = f"(n % {subscribers})"
        messages = int(self.messages * fraction)
        start = self.seeded["messages"]
        insert_series(
            Message,
            messages - start,
            start,
            {
                "app": str(app),
                "subscriber": f"{base} + {who}",
                "msisdn": f"'+63917' || lpad({who}::text, 7, '0')",
                "direction": "CASE WHEN n % 5 = 0 THEN 'in' ELSE 'out' END",
                "status": "CASE WHEN n % 5 = 0 THEN 'received' "
                "WHEN n % 100 = 1 THEN 'failed' ELSE 'sent' END",
                "source": "CASE WHEN n % 5 = 0 THEN 'platform' ELSE 'api' END",
                "text": "CASE WHEN n % 100 = 7 THEN 'Your weekend promo ' ELSE 'Hello ' END "
                "|| md5(n::text)",
                "encoding": "'GSM-7'",
                "client_correlator": "CASE WHEN n % 5 = 0 THEN '' ELSE md5(n::text) END",
                "platform_key": "CASE WHEN n % 5 = 0 THEN 'mo-' || n ELSE '' END",
                "attempts": "CASE WHEN n % 5 = 0 THEN 0 ELSE 1 END",
                "created_at": "now() - n * interval '5 seconds'",
                "finished_at": "now() - n * interval '5 seconds'",
            },
        )
        fifth, tenth = (start // 5, messages // 5), (start // 10, messages // 10)
        insert_series(
            CallbackEvent,
            fifth[1] - fifth[0],
            fifth[0],
            {
                "app": str(app),
                "kind": "CASE WHEN n % 3 = 0 THEN 'redirect' ELSE 'notify' END",
                "method": "'POST'",
                "content_type": "'application/json'",
                "status": "CASE WHEN n % 50 = 0 THEN 'rejected' ELSE 'processed' END",
                "received_at": "now() - n * interval '25 seconds'",
                "attempts": "1",
            },
        )
        insert_series(
            OutboundCall,
            fifth[1] - fifth[0],
            fifth[0],
            {
                "app": str(app),
                "provider": "'globe'",
                "operation": "'sms.send'",
                "method": "'POST'",
                "url": "'https://devapi.globelabs.com.ph/smsmessaging/v1/outbound/7777/requests'",
                "status_code": "201",
                "outcome": "'success'",
                "latency_ms": "40 + n % 60",
                "correlation": "md5(n::text)",
                "subject_type": "'telecom.message'",
                "subject_id": "n",
                "started_at": "now() - n * interval '25 seconds'",
            },
        )
        insert_series(
            Charge,
            tenth[1] - tenth[0],
            tenth[0],
            {
                "app": str(app),
                "subscriber": f"{base} + {who}",
                "msisdn": f"'+63917' || lpad({who}::text, 7, '0')",
                "amount": "1.00",
                "description": "'Bench charge'",
                "reference_code": "'7777' || (1000001 + n)",
                "status": "CASE WHEN n % 20 = 3 THEN 'failed' ELSE 'charged' END",
                "platform_status": "CASE WHEN n % 20 = 3 THEN 402 ELSE 201 END",
                "attempts": "1",
                "created_at": "now() - n * interval '50 seconds'",
            },
        )
        self.seeded["messages"] = messages
        analyze(Subscriber, Message, CallbackEvent, OutboundCall, Charge)
        return time.perf_counter() - started

    def roll_up(self) -> dict:
        """The console's figures (telecom.rollups): the whole history counted again
        (the first run's backfill: older rows were just seeded behind the watermark),
        then one beat run as it is every minute."""
        from telecom.models import TrafficWatermark
        from telecom.rollups import roll_up_traffic

        TrafficWatermark.objects.all().delete()
        started = time.perf_counter()
        roll_up_traffic()
        backfill = time.perf_counter() - started
        started = time.perf_counter()
        roll_up_traffic()
        return {"backfill_s": round(backfill, 2), "run_s": round(time.perf_counter() - started, 2)}


def pages(world: World) -> list[tuple[str, str]]:
    from django.urls import reverse

    subscriber = world.first_subscriber + 12345 % max(1, world.seeded["subscribers"])
    conversation = reverse("admin:telecom_message_conversation", args=[subscriber])
    from django.utils import timezone

    from telecom.models import Message

    today = timezone.localdate()
    month_ago, two_days = today - timedelta(days=29), today - timedelta(days=1)
    live = reverse("admin:live", args=["telecom", "message"])
    ids = ",".join(str(pk) for pk in Message.objects.values_list("pk", flat=True)[:100])
    return [
        ("messages", "/admin/telecom/message/"),
        ("messages, search a word", "/admin/telecom/message/?q=weekend"),
        ("messages, search a number", "/admin/telecom/message/?q=09170000123"),
        ("messages, filter failed", "/admin/telecom/message/?status__exact=failed"),
        ("messages, filter inbound", "/admin/telecom/message/?direction__exact=in"),
        ("messages, page 50", "/admin/telecom/message/?p=50"),
        ("subscribers", "/admin/subscribers/subscriber/"),
        ("subscribers, search", "/admin/subscribers/subscriber/?q=0917%20000%200123"),
        ("subscribers, filter", "/admin/subscribers/subscriber/?status__exact=unsubscribed"),
        ("subscriber change page", f"/admin/subscribers/subscriber/{subscriber}/change/"),
        ("conversation", conversation),
        ("callback events", "/admin/telecom/callbackevent/"),
        ("callback events, filter", "/admin/telecom/callbackevent/?status__exact=rejected"),
        ("charges", "/admin/telecom/charge/"),
        ("charges, filter failed", "/admin/telecom/charge/?status__exact=failed"),
        ("outbound calls", "/admin/telecom/outboundcall/"),
        ("home", "/admin/"),
        ("home, one app", f"/admin/?app={world.app.pk}"),
        ("reports, 30 days", f"{reverse('admin:reports')}?since={month_ago}"),
        ("reports, 2 days by hour", f"{reverse('admin:reports')}?since={two_days}&interval=hour"),
        ("live rows of messages (100)", f"{live}?ids={ids}"),
    ]


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, secure=True)  # warm-up
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    return {
        "ms": round(statistics.median(times) * 1000, 1),
        "queries": len(queries),
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 1),
        "slowest_query": slowest["sql"][:300],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 messages, 10,000 subscribers")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--subscribers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=None, help="5 (3 with --quick)")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.subscribers = 50_000, 10_000
    args.runs = args.runs or (3 if args.quick else 5)
    rows, seed_seconds, rollups = [], {}, {}
    with BenchEnv("admin-scale"):
        from django.contrib.auth import get_user_model
        from django.test import Client

        world = World(args.messages, args.subscribers)
        user = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for stage, fraction in (("10%", 0.1), ("100%", 1.0)):
            seed_seconds[stage] = round(world.seed_to(fraction), 1)
            print(f"seeded {stage} in {seed_seconds[stage]} s", flush=True)
            rollups[stage] = world.roll_up()
            print(f"rolled up {stage}: {rollups[stage]}", flush=True)
            for name, url in pages(world):
                measured = measure(client, url, args.runs)
                rows.append({"rows": stage, "page": name, "url": url, **measured})
    small = {r["page"]: r for r in rows if r["rows"] == "10%"}
    full = [r for r in rows if r["rows"] == "100%"]
    for row in full:
        row["queries_at_10%"] = small[row["page"]]["queries"]
        row["ms_at_10%"] = small[row["page"]]["ms"]
        flags = []
        if row["ms"] > SLOW_MS:
            flags.append("SLOW")
        if row["queries"] > row["queries_at_10%"]:
            flags.append("queries grow")
        row["flag"] = " ".join(flags)
    load = [round(x, 2) for x in os.getloadavg()]
    print(
        f"\nAdmin over {args.messages:,} messages and {args.subscribers:,} subscribers "
        f"(median of {args.runs}; load average {' '.join(map(str, load))})"
    )
    columns = ["page", "ms", "ms_at_10%", "queries", "queries_at_10%", "slowest_query_ms", "flag"]
    print(table(full, columns))
    print(f"\ntraffic roll-up (telecom.rollups): {rollups}")
    for row in full:
        if row["flag"]:
            print(f"\n{row['page']} ({row['flag']}): slowest statement {row['slowest_query']}")
    result = {
        "messages": args.messages,
        "subscribers": args.subscribers,
        "runs": args.runs,
        "seed_seconds": seed_seconds,
        "traffic_rollup": rollups,
        "load_average": load,
        "pages": full,
        "pages_at_10%": list(small.values()),
    }
    path = write("admin_scale-quick" if args.quick else "admin_scale", result)
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()

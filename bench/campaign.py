"""Campaign at scale: one text to 100,000 subscribers through the campaign service,
real Celery workers and the sandbox at zero latency.

Seeds the subscribers fast (their handsets and tokens in the sandbox with one
bulk control request per 10,000; Hatid's subscribers and encrypted tokens
with `bulk_create` in batches), then runs the campaign as the admin and the
API do (`create_campaign`, which publishes `build_campaign` on commit), in two
phases so that each is measured alone:

1. build: one worker takes the `build_campaign` task (routed, for this run
   only, to a queue of its own) and creates the messages and publishes their
   delivery tasks; the delivery workers are not running yet, so those wait in
   Redis. Timed from `create_campaign` to the last delivery task in Redis.
2. delivery: `--workers` worker processes drain the queue; timed from their
   start to the last message marked sent (the sandbox has then applied every
   one: it answers 201 after recording the delivery).

Reported: those times, each process's peak resident memory (VmHWM, and the
largest sampled sum over its tree), and database statements per 1,000
recipients for each phase, counted at the connection (see bench/counting.py;
pg_stat_statements is not preloaded on the shared server). Then the sandbox's
deliveries are matched against the campaign's clientCorrelators: nothing lost,
nothing delivered twice. No gunicorn: nothing in this path calls Hatid back.

    .venv/bin/python bench/campaign.py [--quick] [--recipients 100000]
        [--workers 2] [--threads 8]

`--quick` sends to 2,000.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.counting import MemoryWatch, counted_queries, start_counted_workers
from bench.harness import BenchEnv
from bench.results import table, write
from sandbox.client import wait_for

BUILD_QUEUE = "bench-build"
SEED_BATCH = 5000
GRANT_BATCH = 10_000
TEXT = "Hatid campaign benchmark: your weekend promo is here. Reply STOP to opt out."


def numbers(count: int) -> list[str]:
    return [f"+63917{n:07d}" for n in range(count)]


def seed(env, app, count: int) -> dict:
    """`count` consenting subscribers on both sides; the seconds each side took."""
    from django.utils import timezone

    from sandbox.client import SandboxControl
    from subscribers.models import AccessToken, Subscriber
    from subscribers.models.consent import token_digest

    control = SandboxControl(env.sandbox.url, timeout=300)
    wanted = numbers(count)
    started = time.perf_counter()
    tokens: dict[str, str] = {}
    for start in range(0, count, GRANT_BATCH):
        batch = wanted[start : start + GRANT_BATCH]
        tokens.update(control.grant_many(app.app_id, batch, balance="1000.00"))
    sandbox_seconds = time.perf_counter() - started
    started = time.perf_counter()
    now = timezone.now()
    for start in range(0, count, SEED_BATCH):
        batch = wanted[start : start + SEED_BATCH]
        created = Subscriber.objects.bulk_create(
            [
                Subscriber(
                    app=app,
                    msisdn=number,
                    status=Subscriber.Status.ACTIVE,
                    opt_in_channel=Subscriber.Channel.SMS,
                    first_opt_in_at=now,
                    last_opt_in_at=now,
                )
                for number in batch
            ]
        )
        AccessToken.objects.bulk_create(
            [
                AccessToken(
                    subscriber=subscriber,
                    token=tokens[subscriber.msisdn],
                    digest=token_digest(tokens[subscriber.msisdn]),
                    channel=Subscriber.Channel.SMS,
                    granted_at=now,
                )
                for subscriber in created
            ]
        )
    return {
        "seed_sandbox_s": round(sandbox_seconds, 1),
        "seed_hatid_s": round(time.perf_counter() - started, 1),
    }


def build_phase(env, app, count: int, threads: int, watch: MemoryWatch) -> tuple[object, dict]:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.world import wait_for_workers
    from config.celery import app as celery
    from telecom.models import Campaign
    from telecom.services.campaigns import create_campaign

    # This process publishes build_campaign; the worker it reaches only builds.
    celery.conf.task_routes = {
        **(celery.conf.task_routes or {}),
        "telecom.tasks.build_campaign": {"queue": BUILD_QUEUE},
    }
    import redis

    broker = redis.Redis.from_url(env.redis_url)
    expected_tasks = math.ceil(count / settings.MESSAGE_BATCH_SIZE)
    builder = start_counted_workers(env, "build", 1, threads, BUILD_QUEUE)
    watch.watch("build worker", [p.pid for p in builder])
    wait_for_workers(1)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as creating:
        campaign = create_campaign(
            app=app, name=f"Bench {count}", text=TEXT, segment={"status": "active"}
        )
    created = time.perf_counter()
    rows = Campaign.objects.filter(pk=campaign.pk)
    wait_for(
        lambda: rows.exclude(status=Campaign.Status.BUILDING).exists(),
        timeout=1800,
        what="built",
    )
    built = time.perf_counter()
    wait_for(lambda: broker.llen("default") >= expected_tasks, timeout=600, what="all published")
    enqueued = time.perf_counter()
    time.sleep(1)  # the build task's last statements, and the counter's next write
    watch.sample()
    env.stop(builder)
    campaign.refresh_from_db()
    queries = len(creating) + counted_queries(env, "build")
    return campaign, {
        "create_ms": round((created - started) * 1000, 1),
        "build_s": round(built - started, 2),
        "create_and_enqueue_s": round(enqueued - started, 2),
        "delivery_tasks": broker.llen("default"),
        "build_queries": queries,
        "build_queries_per_1000": round(queries * 1000 / count, 1),
    }


def delivery_phase(env, campaign, count: int, workers: int, threads: int, watch) -> dict:
    from django.db.models import Max

    from bench.world import wait_for_workers
    from telecom.models import Campaign, Message

    rows = Message.objects.filter(campaign=campaign)
    started_at = time.time()
    delivery = start_counted_workers(env, "deliver", workers, threads, "default")
    watch.watch("delivery workers", [p.pid for p in delivery])
    wait_for_workers(workers)
    unfinished = ["queued", "sending"]
    wait_for(
        lambda: not rows.filter(status__in=unfinished).exists(),
        timeout=3600,
        what="all delivered",
        interval=1.0,
    )
    last = rows.aggregate(last=Max("finished_at"))["last"].timestamp()
    time.sleep(1)  # the counter's next write
    watch.sample()
    env.stop(delivery)
    queries = counted_queries(env, "deliver")
    statuses = dict.fromkeys(("sent", "failed", "unknown"), 0)
    for status in rows.values_list("status", flat=True).iterator(chunk_size=10_000):
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "deliver_s": round(last - started_at, 2),
        "per_second": round(count / (last - started_at), 1),
        **{f"hatid_{k}": v for k, v in statuses.items()},
        "campaign_status": Campaign.objects.get(pk=campaign.pk).status,
        "delivery_queries": queries,
        "delivery_queries_per_1000": round(queries * 1000 / count, 1),
    }


def check_sandbox(env, app, campaign) -> dict:
    from sandbox.client import SandboxControl
    from telecom.models import Message

    control = SandboxControl(env.sandbox.url, timeout=600)
    correlators = set(Message.objects.filter(campaign=campaign).values_list("client_correlator"))
    correlators = {c for (c,) in correlators}
    deliveries = [
        d for d in control.deliveries("sms", app_id=app.app_id) if d["key"] in correlators
    ]
    delivered = [d["key"] for d in deliveries]
    return {
        "sandbox_delivered": len(set(delivered)),
        "resubmitted": sum(d["duplicate_submissions"] for d in deliveries),
        "delivered_twice": len(delivered) - len(set(delivered)),
        "lost": len(correlators - set(delivered)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 recipients")
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    count = 2000 if args.quick else args.recipients
    with BenchEnv("campaign") as env:
        sandbox = env.start_sandbox()
        watch = MemoryWatch()
        watch.watch("sandbox", [env.sandbox_process.process.pid])
        watch.start()
        from bench.world import app_with_subscribers

        app, _ = app_with_subscribers(sandbox, 0)
        result = {"recipients": count, "workers": args.workers, "threads": args.threads}
        result.update(seed(env, app, count))
        campaign, built = build_phase(env, app, count, args.threads, watch)
        result.update(built)
        result.update(delivery_phase(env, campaign, count, args.workers, args.threads, watch))
        watch.stop()
        result.update(check_sandbox(env, app, campaign))
        memory = [
            {"process": name, "peak_rss_mb": watch.own_peak.get(name), "tree_peak_mb": peak}
            for name, peak in watch.tree_peak.items()
        ]
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    rows = [
        ("seed sandbox (s)", result["seed_sandbox_s"]),
        ("seed Hatid (s)", result["seed_hatid_s"]),
        ("create_campaign (ms)", result["create_ms"]),
        ("create -> messages built (s)", result["build_s"]),
        ("create -> all delivery tasks enqueued (s)", result["create_and_enqueue_s"]),
        ("delivery: workers start -> last sent (s)", result["deliver_s"]),
        ("delivery rate (messages/s)", result["per_second"]),
        ("statements per 1,000 recipients, building", result["build_queries_per_1000"]),
        ("statements per 1,000 recipients, delivery", result["delivery_queries_per_1000"]),
        ("sent / failed / unknown in Hatid", "{hatid_sent} / {hatid_failed} / {hatid_unknown}"),
        ("campaign status", result["campaign_status"]),
        ("delivered by the sandbox", result["sandbox_delivered"]),
        ("lost / delivered twice / resubmitted", "{lost} / {delivered_twice} / {resubmitted}"),
        ("load average (1, 5, 15 min)", " ".join(map(str, result["load_average"]))),
    ]
    print(f"\nCampaign to {count:,} subscribers, {args.workers} worker(s) x {args.threads}")
    shown = [{"measure": k, "value": str(v).format(**result)} for k, v in rows]
    print(table(shown, ["measure", "value"]))
    print()
    print(table(memory, ["process", "peak_rss_mb", "tree_peak_mb"]))
    path = write("campaign-quick" if args.quick else "campaign", {**result, "memory": memory})
    print(f"\nwritten to {path}")
    if result["lost"] or result["delivered_twice"] or result["hatid_sent"] != count:
        sys.exit("a message was lost, not sent or delivered twice")


if __name__ == "__main__":
    main()

"""USSD and voice latency, measured from the platform's side.

USSD: sandbox handsets dial the app's code (`*120*<suffix>#`) and walk a live
three-step menu (dial -> menu, `1` -> menu, `2` -> the final flash screen).
Each step is the sandbox POSTing the USSD callback to Hatid (gunicorn as in
the README's production section), Hatid storing it and queueing the reply,
a Celery worker on the `ussd` queue sending the reply back to the sandbox.
The latency of a step is counted by the sandbox, from its callback going
out (`Callback.sent_at`) to the app's reply arriving (`Delivery.created_at`
of the same session's matching reply): request out -> reply in. The
handset's own view (its control call out -> the reply on its screen, seen
by polling its USSD screen, every 5 ms per handset: 5 ms alone, 50 ms for
each of 10; `--poll-full-state` polls its whole state instead, as before) is
reported beside it.

Voice: handsets call the app's demo line (voiceflows/demo.py: greeting and
an ask, then a branch, goodbye, hangup) and press 1. Each flow step is one
Tropo request from the sandbox to Hatid's voice webhook, answered
synchronously with the next Tropo document; its latency is the sandbox's
(`Callback.latency_ms`: request out -> answer in, whole milliseconds), with
the handset's control call (place the call / press) beside it.

Hatid's own share of a USSD step is read from its database after each
level: the callback stored (`CallbackEvent.received_at`) -> the reply's
request leaving (`OutboundCall.started_at`), and written to the results as
`hatid_share` (p50/p99 per concurrency), with its stages from the same rows
(`hatid_stages`: the web's handling, then commit -> publish -> broker ->
the worker's claim -> request out, and the sandbox's answer as Hatid saw
it). The CPU each process used per USSD step (`cpu`: the web's gunicorn
workers, the ussd worker, the sandbox, this process's polling handsets) is
written beside it: on a shared machine, latencies move with the load and
CPU per step much less. The sandbox runs on its own PostgreSQL database
(`<bench database>_sandbox`) unless --sandbox-sqlite.

Each at 1 concurrent handset and at 10 (each handset doing sessions or calls
one after another), with p50 and p99 and the ratio of 10 to 1.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatid_bench_inbound \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/11 \\
    .venv/bin/python bench/ussd_voice.py [--quick] [--sessions 1000] [--single-sessions 200]
        [--steps 1000] [--concurrency 1,10] [--sandbox-sqlite]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import BenchEnv
from bench.results import summary_ms, table, write
from sandbox.client import wait_for

POLL = 0.005  # per handset: the handsets together poll the sandbox 200 times a second


def ussd_menu(app):
    """A live menu: main (1, 2) -> more (2) -> the end screen.

    The second input is `2`, not `1` again: Hatid keys a USSD callback by its
    session, text and `datetime`, which has whole seconds, so the same input
    twice in one second of one session is taken for a repeat and never
    answered (see the report on issue 10); a handset driven this fast would
    hit that, a person reading the screen would not."""
    from telecom.models import UssdMenu, UssdOption, UssdScreen

    menu = UssdMenu.objects.create(app=app, name="Bench", is_live=True)
    main = UssdScreen.objects.create(menu=menu, key="main", kind="menu", text="Bench menu")
    more = UssdScreen.objects.create(menu=menu, key="more", kind="menu", text="More")
    done = UssdScreen.objects.create(menu=menu, key="done", kind="end", text="Thanks!")
    other = UssdScreen.objects.create(menu=menu, key="other", kind="end", text="Bye.")
    UssdOption.objects.create(screen=main, position=1, label="More", target=more)
    UssdOption.objects.create(screen=main, position=2, label="Leave", target=other)
    UssdOption.objects.create(screen=more, position=2, label="Done", target=done)
    menu.start_screen = main
    menu.save()
    return menu


def voice_line(app, sandbox) -> None:
    from voiceflows.demo import ensure_demo_voice

    voice = ensure_demo_voice(app)
    sandbox.register_app(app_id=app.app_id, voice_token=voice.voice_token.reveal())


def _handsets(numbers: list[str], work) -> tuple[list, float]:
    """Run `work(number, control)` on one thread per number; its lists joined, and the time."""
    from sandbox.client import SandboxControl

    results, errors = [], []

    def run(number):
        try:
            results.append(work(number, SandboxControl(URL[0])))
        except Exception as exc:  # reported, and the run fails
            errors.append(f"{number}: {exc!r}")

    threads = [threading.Thread(target=run, args=(n,)) for n in numbers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("a handset failed: " + "; ".join(errors[:3]))
    return [item for result in results for item in result], time.perf_counter() - started


URL = [""]  # the sandbox's URL, for the handset threads


def poll_screen(control, number: str) -> dict | None:
    """The handset's USSD session: its screen alone where the sandbox serves it
    (a few statements a poll), else from its full state (the handset's SMS,
    call and grants too: what the figures until 2026-12-06 polled)."""
    if not POLL_FULL_STATE[0]:
        try:
            return control.ussd_screen(number)
        except Exception:  # a sandbox without the route: 405
            POLL_FULL_STATE[0] = True
    return control.handset(number)["ussd"]


POLL_FULL_STATE = [False]


def ussd_run(numbers: list[str], code: str, sessions: int) -> tuple[list, list, float]:
    poll = POLL * len(numbers)
    """`sessions` three-step sessions spread over the handsets. Returns the
    session ids, the handset-side step latencies and the wall time."""
    per = [sessions // len(numbers) + (i < sessions % len(numbers)) for i in range(len(numbers))]
    share = dict(zip(numbers, per, strict=True))

    def work(number, control):
        done = []
        for _ in range(share[number]):
            session_id = None
            actions = (
                lambda: control.dial(number, code),
                lambda: control.ussd_input(number, "1"),
                lambda: control.ussd_input(number, "2"),
            )
            for step, send in enumerate(actions):
                t0 = time.perf_counter()
                answer = send()
                session_id = session_id or answer["session"]["session_id"]
                want = 2 * (step + 1)  # handset and app entries so far

                def shown(session_id=session_id, want=want):
                    ussd = poll_screen(control, number) or {}
                    return ussd.get("session_id") == session_id and len(ussd["transcript"]) >= want

                try:
                    wait_for(shown, timeout=30, what=f"the reply on {number}", interval=poll)
                except TimeoutError:
                    state = control.handset(number)["ussd"]
                    raise TimeoutError(
                        f"step {step}: no reply; the handset shows {state}"
                    ) from None
                done.append(("step", time.perf_counter() - t0))
            done.append(("session", session_id))
        return done

    items, wall = _handsets(numbers, work)
    return (
        [v for k, v in items if k == "session"],
        [v for k, v in items if k == "step"],
        wall,
    )


def ussd_platform_latencies(sandbox, app_id: str, session_ids: list[str]) -> list[float]:
    """Per step, the sandbox's callback `sent_at` -> the matching reply's arrival."""
    wanted = set(session_ids)
    out: dict[str, list] = {}
    for callback in sandbox.callbacks("ussd", app_id=app_id):
        [message] = callback["body"]["inboundUSSDMessageList"]["inboundUSSDMessage"]
        if message["sessionID"] in wanted and callback["duplicate_of"] is None:
            out.setdefault(message["sessionID"], [[], []])[0].append(callback["sent_at"])
    for delivery in sandbox.deliveries("ussd", app_id=app_id):
        session_id = str(delivery["request"].get("sessionID"))
        if session_id in wanted:
            out[session_id][1].append(delivery["created_at"])
    latencies = []
    for session_id, (sent, replied) in out.items():
        if len(sent) != 3 or len(replied) != 3:
            raise AssertionError(
                f"session {session_id}: {len(sent)} callbacks, {len(replied)} replies"
            )
        for a, b in zip(sent, replied, strict=True):
            latencies.append(
                (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()
            )
    return latencies


def hatid_shares(session_ids: list[str]) -> tuple[list[float], dict[str, list[float]]]:
    """Per step, Hatid's own share, read from its database: the callback stored
    (`CallbackEvent.received_at`, set as the request's row is built) -> the
    reply's request leaving (`OutboundCall.started_at`, set just before the
    HTTP call). What the sandbox and the network add is outside it.

    With it, its stages, from the same rows: the web's handling (received ->
    the reply's row written, `UssdExchange.created_at`; -> the callback marked
    processed just before the commit, `CallbackEvent.processed_at`), then the
    commit, the publish, the broker, the worker's claim and the request's
    building (processed -> request out), and the request itself as Hatid saw
    it (`OutboundCall.latency_ms`: the sandbox's answer, the network)."""
    from telecom.models import OutboundCall, UssdExchange

    steps = {
        pk: rest
        for pk, *rest in UssdExchange.objects.filter(session__session_id__in=session_ids)
        .exclude(input_key="push")
        .values_list("pk", "received_at", "created_at", "callback_event__processed_at")
    }
    first_request: dict[int, tuple] = {}
    for pk, started_at, latency in OutboundCall.objects.filter(
        subject_type="telecom.ussdexchange", subject_id__in=list(steps)
    ).values_list("subject_id", "started_at", "latency_ms"):
        if pk not in first_request or started_at < first_request[pk][0]:
            first_request[pk] = (started_at, latency)
    missing = set(steps) - set(first_request)
    if missing:
        raise AssertionError(f"{len(missing)} USSD steps have no reply request")
    stages: dict[str, list[float]] = {
        "received -> reply row written": [],
        "reply row written -> callback processed (before commit)": [],
        "processed -> reply request out (commit, publish, broker, claim)": [],
        "reply request -> sandbox's answer (as Hatid saw it)": [],
    }
    shares = []
    for pk, (received, written, processed) in steps.items():
        out, latency = first_request[pk]
        shares.append((out - received).total_seconds())
        values = (written - received, processed - written, out - processed)
        for name, value in zip(stages, values, strict=False):
            stages[name].append(value.total_seconds())
        stages["reply request -> sandbox's answer (as Hatid saw it)"].append(latency / 1000)
    return shares, stages


def cpu_seconds(roles: dict[str, int]) -> dict[str, float]:
    """User + system CPU seconds so far of each role's process and its children
    (the handsets: this process alone, whose children are the others)."""
    import psutil

    out = {}
    for role, pid in roles.items():
        process = psutil.Process(pid)
        tree = [process] if pid == os.getpid() else [process, *process.children(recursive=True)]
        out[role] = sum(sum(p.cpu_times()[:2]) for p in tree)
    return out


def voice_run(numbers: list[str], shortcode: str, steps: int) -> tuple[list, list, list, float]:
    """Calls until `steps` flow steps were answered. Returns the sandbox's per-step
    latencies (s), the handset's control-call latencies and the call ids, and the time."""
    lock = threading.Lock()
    counted = [0]

    def work(number, control):
        done = []
        while True:
            with lock:
                if counted[0] >= steps:
                    return done
            for action in (
                lambda: control.place_call(number, shortcode),
                lambda: control.press(number, "1"),
            ):
                t0 = time.perf_counter()
                answer = action()
                done.append(("handset", time.perf_counter() - t0))
                for callback in answer["callbacks"]:
                    if callback["kind"] != "voice":
                        continue
                    if callback["response_status"] != 200:
                        raise AssertionError(
                            f"the voice webhook answered {callback['response_status']}"
                        )
                    with lock:
                        if counted[0] >= steps:
                            continue
                        counted[0] += 1
                    done.append(("step", callback["latency_ms"] / 1000))
            call = answer["call"]
            if call["state"] != "ended":
                raise AssertionError(f"the call did not end: {call['state']} {call['waiting_for']}")
            done.append(("call", call["session_id"]))

    items, wall = _handsets(numbers, work)
    pick = lambda kind: [v for k, v in items if k == kind]  # noqa: E731
    return pick("step"), pick("handset"), pick("call"), wall


def _measured(flow: str, level: int, load: str, wall: float, latencies: dict) -> list[dict]:
    """One table row per measurement: `latencies` maps what was measured to its samples."""
    return [
        {
            "flow": flow,
            "handsets": level,
            "measured": measured,
            **summary_ms(samples),
            "per_second": round(len(samples) / wall, 1),
            "load": load,
        }
        for measured, samples in latencies.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="25 sessions and 25 steps")
    parser.add_argument("--sessions", type=int, default=1000, help="USSD sessions per level")
    parser.add_argument(
        "--single-sessions",
        type=int,
        default=200,
        help="USSD sessions with 1 handset (one after another: 1,000 alone take ~6 minutes)",
    )
    parser.add_argument("--steps", type=int, default=1000, help="voice-flow steps per level")
    parser.add_argument("--concurrency", default="1,10")
    parser.add_argument("--web-workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=8, help="per Celery worker")
    parser.add_argument(
        "--poll-full-state",
        action="store_true",
        help="handsets poll their whole state, as before 2026-12-06 (the sandbox's cost per poll)",
    )
    parser.add_argument(
        "--sandbox-sqlite",
        action="store_true",
        help="the sandbox on its SQLite file, as `make run` has it (default: on PostgreSQL)",
    )
    args = parser.parse_args()
    if args.quick:
        args.sessions = args.steps = args.single_sessions = 25
    levels = [int(x) for x in args.concurrency.split(",")]
    POLL_FULL_STATE[0] = args.poll_full_state
    rows, hatid_share, hatid_stages, cpu = [], [], [], []
    with BenchEnv("ussd_voice") as env:
        sandbox = env.start_sandbox(postgres=not args.sandbox_sqlite)
        URL[0] = sandbox.url
        env.start_web(args.web_workers)
        web = env.processes[-1]
        from bench.world import app_with_subscribers, wait_for_workers

        app, subscribers = app_with_subscribers(sandbox, max(levels))
        ussd_menu(app)
        voice_line(app, sandbox)
        # As the Procfile runs them: one worker for the default queue, one
        # dedicated to the ussd queue.
        env.start_workers(1, threads=args.threads, queues="default")
        [ussd_worker] = env.start_workers(1, threads=args.threads, queues="ussd")
        wait_for_workers(2)
        roles = {
            "web": web.pid,
            "ussd_worker": ussd_worker.pid,
            "sandbox": env.sandbox_process.process.pid,
            "handsets": os.getpid(),
        }
        numbers = [s.msisdn for s in subscribers]
        code = f"*120*{app.shortcode_suffix}#"
        # warm-up: every gunicorn worker and the Celery worker's connections
        ussd_run(numbers[:5], code, 5)
        voice_run(numbers[:5], app.shortcode, 10)
        for level in levels:
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            count = args.single_sessions if level == 1 else args.sessions
            before = cpu_seconds(roles)
            sessions, handset, wall = ussd_run(numbers[:level], code, count)
            used = cpu_seconds(roles)
            cpu.append(
                {
                    "concurrency": level,
                    **{
                        f"{role}_cpu_ms_per_step": round(
                            (used[role] - before[role]) * 1000 / len(handset), 2
                        )
                        for role in roles
                    },
                    "load": load,
                }
            )
            print(table(cpu[-1:], list(cpu[-1])), flush=True)
            platform = ussd_platform_latencies(sandbox, app.app_id, sessions)
            share, stages = hatid_shares(sessions)
            hatid_share.append({"concurrency": level, **summary_ms(share)})
            hatid_stages += [
                {"concurrency": level, "stage": name, **summary_ms(samples)}
                for name, samples in stages.items()
            ]
            print(table(hatid_stages[-len(stages) :], list(hatid_stages[-1])), flush=True)
            measured = {
                "hatid: callback stored -> reply request out": share,
                "sandbox: callback out -> reply in": platform,
                "handset: input -> reply on screen": handset,
            }
            rows += _measured("ussd", level, load, wall, measured)
            print(table(rows[-3:], list(rows[-1])), flush=True)
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            steps, handset, _calls, wall = voice_run(numbers[:level], app.shortcode, args.steps)
            measured = {
                "sandbox: Tropo request out -> answer in": steps,
                "handset: place call / press -> call state back": handset,
            }
            rows += _measured("voice", level, load, wall, measured)
            print(table(rows[-2:], list(rows[-1])), flush=True)
    comparisons = []
    if len(levels) > 1:
        low, high = levels[0], levels[-1]
        for row in rows:
            if row["handsets"] != high:
                continue
            base = next(
                r
                for r in rows
                if r["handsets"] == low
                and r["flow"] == row["flow"]
                and r["measured"] == row["measured"]
            )
            comparisons.append(
                {
                    "comparison": f"{row['flow']} {high} handsets / {low}",
                    "measured": row["measured"],
                    "p50_ms": row["p50_ms"],
                    "p99_ms": row["p99_ms"],
                    "ratio": round(row["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None,
                    "p99_ratio": round(row["p99_ms"] / base["p99_ms"], 2)
                    if base["p99_ms"]
                    else None,
                    "throughput_ratio": round(row["per_second"] / base["per_second"], 2),
                }
            )
    columns = ["flow", "handsets", "measured", "p50_ms", "p99_ms", "mean_ms", "count"]
    print()
    print(table(rows, [*columns, "per_second", "load"]))
    if comparisons:
        print()
        print(table(comparisons, list(comparisons[0])))
    path = write(
        "ussd_voice",
        {
            "quick": args.quick,
            "settings": vars(args),
            "hatid_share": hatid_share,
            "hatid_stages": hatid_stages,
            "cpu": cpu,
            "rows": rows,
            "comparisons": comparisons,
        },
    )
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()

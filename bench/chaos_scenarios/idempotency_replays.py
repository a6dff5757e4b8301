"""Scenario 6: one Idempotency-Key replayed 1,000 times at once on the partner API.

`POST /api/v1/messages/` with the same key and body, 1,000 times (200 with
--quick) from 64 threads released together, against gunicorn with a key made
by `manage.py create_api_key`. One message must be created; every answer is
either the original 201 or its replay (the same status and body, marked
`Idempotent-Replayed: true`), or, while the first request is still running,
a 409. Then the key is replayed once more, after everything settled.

Counted: requests, answers by status, replays, distinct bodies, messages
created.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

from bench.chaos_scenarios.common import ROOT, Outcome, hammer, status_counts


def api_key(env, app) -> str:
    done = subprocess.run(
        [
            *(sys.executable, "manage.py", "create_api_key", "Chaos partner"),
            *("--scopes", "sms:send,sms:read", "--app", app.name),
        ],
        cwd=ROOT,
        env=env.env,
        check=True,
        capture_output=True,
        text=True,
    )
    from telecom.models import ApiKey

    # The default limit (6,000 a minute) is not what is measured here.
    ApiKey.objects.filter(partner__name="Chaos partner").update(rate_per_minute=1_000_000)
    return done.stdout.strip().splitlines()[-1]


def run(env, *, quick: bool, rng, redis) -> Outcome:
    from bench.world import app_with_subscribers
    from telecom.models import Message

    outcome = Outcome("idempotency_replays")
    times = 200 if quick else 1000
    app, subscribers = app_with_subscribers(env.sandbox, 1, shortcode="21580601")
    key = api_key(env, app)
    text = f"idempotent {uuid.uuid4().hex}"
    body = json.dumps({"to": subscribers[0].msisdn, "text": text})
    headers = {
        "Authorization": f"Api-Key {key}",
        "Content-Type": "application/json",
        "Idempotency-Key": f"chaos-{uuid.uuid4().hex}",
    }
    url = f"{env.web_url}/api/v1/messages/"
    answers = hammer(lambda s: s.post(url, data=body, headers=headers, timeout=60), times)
    late = hammer(lambda s: s.post(url, data=body, headers=headers, timeout=60), 1)[0]
    statuses = status_counts(answers)
    created = [a for a in answers if getattr(a, "status_code", None) == 201]
    texts = {a.text for a in created} | ({late.text} if late.status_code == 201 else set())
    replayed = sum(1 for a in created if a.headers.get("Idempotent-Replayed") == "true")
    messages = Message.objects.filter(app=app, text=text).count()
    counts = {
        "requests": times,
        "answers": statuses,
        "replayed": replayed,
        "refused_in_flight": statuses.get("409", 0),
        "distinct_bodies": len(texts),
        "late_replay": late.status_code,
        "messages_created": messages,
    }
    outcome.check(set(statuses) <= {"201", "409"}, f"answers other than 201 and 409: {statuses}")
    outcome.check(messages == 1, f"{messages} messages created")
    outcome.check(len(texts) == 1, f"{len(texts)} different 201 bodies (byte for byte)")
    outcome.check(
        replayed == len(created) - 1, f"{replayed} of {len(created)} 201s marked replayed"
    )
    outcome.check(
        late.status_code == 201 and late.headers.get("Idempotent-Replayed") == "true",
        f"the late replay got {late.status_code}",
    )
    if statuses.get("409"):
        refused = next(a for a in answers if getattr(a, "status_code", None) == 409)
        counts["refusal"] = refused.json()
    outcome.count(**counts)
    return outcome

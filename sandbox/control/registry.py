"""Control: health, apps, subscribers, grants, knobs, reset.

- `GET /_sandbox/health`: 200 when the sandbox answers (the harness waits on it),
  with the background work still `pending` and whether a job is `busy`.
- `GET|POST /_sandbox/apps`, `GET /_sandbox/apps/<app_id>` (with the wallet ledger).
- `GET|POST /_sandbox/subscribers`.
- `GET|POST /_sandbox/grants`: read tokens, or grant one directly (no callback),
  for tests that do not need to act out the consent.
- `POST /_sandbox/grants/bulk` (`{"app_id", "numbers": [...], "balance"}`): grant
  many numbers at once, creating their handsets; `{"tokens": {number: token}}`.
- `GET|POST /_sandbox/settings`: the knobs of `sandbox.conf`.
- `POST /_sandbox/reset`: empty every sandbox table, clear faults and knobs,
  drop pending background work, then register the `--seed` apps again
  (`{"seed": false}` to skip that).
"""

import os

from django.apps import apps as django_apps
from django.core.management.color import no_style
from django.db import connections
from django.http import JsonResponse
from django.utils import timezone

from sandbox import callbacks, conf, faults, tokens, worker
from sandbox.control.common import (
    ControlError,
    app_json,
    body,
    control_view,
    number_of,
    subscriber_json,
)
from sandbox.models import App, Grant, Subscriber
from sandbox.router import SANDBOX_DB
from sandbox.services import accounts, consent, handsets

# Set by `manage.py globe_sandbox --seed`: registered again after each reset.
seed_file = None


@control_view("GET")
def health(request):
    return JsonResponse(
        {"status": "ok", "pid": os.getpid(), "pending": worker.pending(), "busy": worker.busy()}
    )


@control_view("GET", "POST")
def apps(request):
    if request.method == "POST":
        app, created = accounts.register_app(body(request))
        return JsonResponse(app_json(app), status=201 if created else 200)
    return JsonResponse({"apps": [app_json(app) for app in App.objects.all()]})


@control_view("GET")
def app_detail(request, app_id: str):
    app = App.objects.filter(app_id=app_id).first()
    if app is None:
        raise ControlError(404, f"no app {app_id!r}")
    ledger = [
        {"amount": -d.charged, "reason": f"{d.kind} #{d.pk}", "created_at": d.created_at}
        for d in app.deliveries.filter(charged__gt=0)
    ] + [
        {"amount": e.amount, "reason": e.reason, "created_at": e.created_at}
        for e in app.wallet_entries.all()
    ]
    ledger.sort(key=lambda entry: entry["created_at"])
    wallet = [
        {**e, "amount": f"{e['amount']:.2f}", "created_at": e["created_at"].isoformat()}
        for e in ledger
    ]
    return JsonResponse({**app_json(app), "wallet": wallet})


@control_view("GET", "POST")
def subscribers(request):
    if request.method == "POST":
        subscriber, created = accounts.upsert_subscriber(body(request))
        return JsonResponse(subscriber_json(subscriber), status=201 if created else 200)
    return JsonResponse({"subscribers": [subscriber_json(s) for s in Subscriber.objects.all()]})


def _grant_json(grant: Grant) -> dict:
    return {
        "app_id": grant.app.app_id,
        "number": grant.subscriber.number,
        "subscriber_number": consent.national(grant.subscriber.number),
        "access_token": grant.access_token,
        "source": grant.source,
        "active": grant.active,
    }


@control_view("GET", "POST")
def grants(request):
    if request.method == "POST":
        data = body(request)
        app = App.objects.filter(app_id=data.get("app_id") or "").first()
        if app is None:
            raise ControlError(404, f"no app {data.get('app_id')!r}")
        subscriber = handsets.subscriber_for(number_of(data.get("number") or ""))
        grant = consent.issue_token(app, subscriber, Grant.Source.CONTROL)
        return JsonResponse(_grant_json(grant), status=201)
    found = Grant.objects.select_related("app", "subscriber")
    if request.GET.get("app_id"):
        found = found.filter(app__app_id=request.GET["app_id"])
    if request.GET.get("number"):
        found = found.filter(subscriber__number=number_of(request.GET["number"]))
    return JsonResponse({"grants": [_grant_json(grant) for grant in found]})


MAX_BULK = 200_000


@control_view("POST")
def bulk_grants(request):
    data = body(request)
    app = App.objects.filter(app_id=data.get("app_id") or "").first()
    if app is None:
        raise ControlError(404, f"no app {data.get('app_id')!r}")
    numbers = data.get("numbers")
    if not isinstance(numbers, list) or not 0 < len(numbers) <= MAX_BULK:
        raise ControlError(400, f"numbers must be a list of 1 to {MAX_BULK} numbers")
    balance = None
    if "balance" in data:
        balance = accounts.amount(data["balance"], "balance")
    normalized = list(dict.fromkeys(number_of(str(number)) for number in numbers))
    issued = consent.issue_tokens(app, normalized, balance)
    return JsonResponse({"tokens": issued}, status=201)


@control_view("POST")
def revoke_grants(request):
    """The platform ends an app's grants for a number without telling the app
    (as when its unsubscribe callback is lost): the next API call gets a 401."""
    data = body(request)
    app = App.objects.filter(app_id=data.get("app_id") or "").first()
    if app is None:
        raise ControlError(404, f"no app {data.get('app_id')!r}")
    number = number_of(data.get("number") or "")
    revoked = Grant.objects.filter(app=app, subscriber__number=number, active=True).update(
        active=False, revoked_at=timezone.now()
    )
    tokens.forget()
    return JsonResponse({"revoked": revoked})


@control_view("GET", "POST")
def settings(request):
    if request.method == "POST":
        return JsonResponse(conf.update(body(request)))
    return JsonResponse(conf.options())


def wipe() -> None:
    """Empty every sandbox table (Hatid's database is another alias, untouched)."""
    connection = connections[SANDBOX_DB]
    tables = [model._meta.db_table for model in django_apps.get_app_config("sandbox").get_models()]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)


@control_view("POST")
def reset(request):
    data = body(request)
    worker.reset()
    callbacks.reset()
    faults.clear()
    conf.reset()
    wipe()
    tokens.forget()
    seeded = []
    if seed_file is not None and data.get("seed", True):
        seeded = [app.app_id for app in accounts.load_seed(seed_file)]
    return JsonResponse({"status": "reset", "seeded": seeded})

"""Everything the platform sends to apps: one session, each request recorded.

`send()` records a `Callback` row, then delivers it through one pooled
`requests.Session` with (connect, read) timeouts, and records the answer.
By default it returns after delivery, so a control call that made the
platform call an app can report what the app answered. `later=` delivers
on the background worker instead (the Load API's status callback). The
`callbacks` fault makes the platform send a callback twice, or hold
callbacks back and send them newest first.

The platform expects "an HTTP Status Code 200 response from your URIs for
every HTTP request sent" (Getting Started) and documents no retries, so a
callback the app does not accept is recorded, not retried.

The Hoiio twin sends its notifications through here too (to a Hoiio account:
Hoiio posts form bodies, not JSON), several at once for a bulk SMS (`send_all`).
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import requests
from django.db import connections, transaction
from django.utils import timezone
from requests.adapters import HTTPAdapter

from sandbox import conf, faults, worker
from sandbox.models import App, Callback
from sandbox.router import SANDBOX_DB

logger = logging.getLogger("sandbox.callbacks")

_session: requests.Session | None = None
_session_lock = threading.Lock()
_held: list[int] = []
_held_lock = threading.Lock()
# A duplicate follows its original after this long.
DUPLICATE_DELAY = 0.05
# Callbacks whose answer the platform waits for (a Tropo session or result is
# answered with the next document): never held back, answer kept whole.
SYNCHRONOUS_KINDS = {Callback.Kind.VOICE}
RESPONSE_LIMIT = 2000


def session() -> requests.Session:
    global _session
    with _session_lock:
        if _session is None:
            _session = requests.Session()
            adapter = HTTPAdapter(pool_connections=8, pool_maxsize=32, max_retries=0)
            _session.mount("http://", adapter)
            _session.mount("https://", adapter)
            _session.headers["User-Agent"] = "GlobeLabsSandbox/1.0"
        return _session


def with_query(url: str, params: dict | None) -> str:
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def _row(owner, kind: str, url: str, *, method: str = "POST", body=None, params=None) -> Callback:
    """A callback not yet saved, from the platform to an `App` (a JSON body) or
    from the Hoiio twin to a `HoiioAccount`'s notify_url (a form body, as Hoiio posts)."""
    hoiio = not isinstance(owner, App)
    return Callback(
        app=None if hoiio else owner,
        hoiio_account=owner if hoiio else None,
        form=hoiio,
        kind=kind,
        method=method,
        url=with_query(url, params) if url else "",
        body=body,
    )


def send(owner, kind: str, url: str, *, later: float | None = None, **request) -> Callback:
    """Record and deliver one callback to `owner` (see `_row`; `request`: its
    `method`, `body`, `params`); returns its row as it stands afterwards."""
    callback = _row(owner, kind, url, **request)
    if not url:
        callback.status = Callback.Status.SKIPPED
        callback.error = f"the app has no URI for {Callback.Kind(kind).label}"
        callback.save()
        return callback
    decision = faults.take(faults.CALLBACKS)
    latency = decision.latency if decision else 0.0
    callback.save()
    if decision and decision.out_of_order and kind not in SYNCHRONOUS_KINDS:
        _hold(callback.pk, decision.window)
    elif later is not None:
        worker.schedule(later, deliver, callback.pk, latency)
    else:
        deliver(callback.pk, latency)
    if decision and decision.duplicate:
        copy = _row(owner, kind, url, **request)
        copy.duplicate_of = callback
        copy.save()
        worker.schedule((later or 0.0) + DUPLICATE_DELAY, deliver, copy.pk, 0.0)
    callback.refresh_from_db()
    return callback


def _post(callback: Callback) -> dict:
    """Send one callback over HTTP; the outcome's fields (never raises)."""
    timeout = (conf.option("callback_connect_timeout"), conf.option("callback_read_timeout"))
    started = time.perf_counter()
    outcome: dict = {"sent_at": timezone.now()}
    try:
        sends_body = callback.method != "GET"
        response = session().request(
            callback.method,
            callback.url,
            json=callback.body if sends_body and not callback.form else None,
            data=callback.body if sends_body and callback.form else None,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        outcome.update(status=Callback.Status.FAILED, error=str(exc)[:300])
    else:
        ok = 200 <= response.status_code < 300
        whole = callback.kind in SYNCHRONOUS_KINDS
        outcome.update(
            status=Callback.Status.DELIVERED if ok else Callback.Status.REJECTED,
            response_status=response.status_code,
            response_body=response.text if whole else response.text[:RESPONSE_LIMIT],
        )
    outcome["latency_ms"] = round((time.perf_counter() - started) * 1000)
    return outcome


def deliver(callback_id: int, latency: float = 0.0) -> None:
    """Send a pending callback and record the outcome; never raises."""
    callback = Callback.objects.filter(pk=callback_id, status=Callback.Status.PENDING).first()
    if callback is None:
        return  # sent already, or the sandbox was reset meanwhile
    if latency:
        time.sleep(latency)
    outcome = _post(callback)
    Callback.objects.filter(pk=callback_id).update(**outcome)
    logger.info("callback %s #%s -> %s", callback.kind, callback_id, outcome.get("response_status"))


def send_all(callbacks: list[dict], workers: int = 8) -> None:
    """Many callbacks (a bulk SMS's notifications; each `send`'s arguments), several at a time.

    With a `callbacks` fault set, each goes through `send` (duplicates,
    out-of-order, latency). Otherwise the rows are written in one
    statement, the requests made in parallel, and the outcomes written in one
    transaction: a thousand notifications cost the app's answers, not a
    thousand small SQLite transactions.
    """
    if faults.active():
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_send_and_close, callbacks))
        return
    rows = Callback.objects.bulk_create([_row(**each) for each in callbacks])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(_post, rows))
    for row, outcome in zip(rows, outcomes, strict=True):
        for name, value in outcome.items():
            setattr(row, name, value)
    fields = ["sent_at", "status", "response_status", "response_body", "error", "latency_ms"]
    with transaction.atomic(using=SANDBOX_DB):
        Callback.objects.bulk_update(rows, fields, batch_size=500)


def _send_and_close(arguments: dict) -> None:
    try:
        send(**arguments)
    finally:
        connections.close_all()


def _hold(callback_id: int, window: float) -> None:
    with _held_lock:
        first = not _held
        _held.append(callback_id)
    if first:
        worker.schedule(window, _flush_held)


def _flush_held() -> None:
    """Send the held callbacks newest first: the out-of-order fault."""
    with _held_lock:
        batch = list(reversed(_held))
        _held.clear()
    for callback_id in batch:
        deliver(callback_id)


def reset() -> None:
    with _held_lock:
        _held.clear()

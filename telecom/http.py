"""The one way Hatid talks HTTP to a provider: `ProviderClient`.

It owns what every provider call needs and no provider should write again:
one pooled `requests.Session` per client class per process (its adapter
called directly: `_send`), the (connect, read) timeouts from settings, the
mapping of transport failures onto `telecom.errors`, and an `OutboundCall`
row per request with secrets redacted.

A subclass sets `provider`, builds URLs and bodies, and implements
`classify_error(response, operation)` to turn a non-success answer into the
provider's `ProviderError`. A provider that reports errors inside a 200 (Hoiio's
`"status": "error_..."`, a Voicent page without a request id) also implements
`check_answer(response, operation)`, so that the logged outcome is what the
provider said, not what HTTP said. Body fields named in `omitted_fields`
(a fax's base64 document) are logged by size only. It knows the wire format
and nothing else.

A client whose URLs a person or a callback supplied (a partner's webhook, a
fax document) sets `guard_urls`: its requests obey `telecom.outbound_urls`
(the form checked before sending, every address checked when connecting, no
proxy, no redirect followed), and a refusal is logged and raised as
`OutboundUrlRefused`.
"""

from __future__ import annotations

import contextlib
import contextvars
import json as jsonlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode
from urllib.request import getproxies

import requests
from django.conf import settings
from django.utils import timezone
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest
from requests.sessions import merge_setting
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from telecom.bulk_sql import insert_all
from telecom.errors import (
    OutcomeUnknown,
    PermanentError,
    ProviderError,
    RateLimited,
    TokenRevoked,
    TransientError,
)
from telecom.outbound_urls import GuardedAdapter, OutboundUrlRefused, check_syntax
from telecom.redaction import redact_body, redact_data, redact_url

logger = logging.getLogger("telecom.http")

_sessions: dict[type, tuple[int, requests.Session]] = {}
_sessions_lock = threading.Lock()
# When set, OutboundCall rows are collected here instead of inserted one by
# one, for the caller to save with the outcome in one transaction.
_collector: contextvars.ContextVar[list | None] = contextvars.ContextVar("calls", default=None)


@contextlib.contextmanager
def collect_calls():
    """Collect the OutboundCall rows made inside; the caller saves them with
    `save_calls` (in the transaction that records the outcome: one commit)."""
    calls: list = []
    token = _collector.set(calls)
    try:
        yield calls
    finally:
        _collector.reset(token)


def save_calls(calls: list) -> None:
    insert_all(calls)


@dataclass
class ProviderResponse:
    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    def json(self):
        """The body as JSON, or None when it is not JSON."""
        try:
            return jsonlib.loads(self.text) if self.text else None
        except ValueError:
            return None


def _send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    json,
    data,
    headers: dict | None,
    timeout: tuple[float, float],
) -> requests.Response:
    """What `session.request(..., allow_redirects=False)` sends, by the session's
    own adapter, without the parts of `Session.request` Hatid has no use for.

    The request is prepared by requests' own steps (method, URL, headers,
    body), so the bytes on the wire are what `Session.request` would send; left
    out are the cookie jar (a provider's Set-Cookie is never sent back: one
    session serves every app of the provider), auth, hooks and the environment
    lookups (`trust_env` is off), which cost a quarter of the client's CPU per
    call (bench/README.md). `requests` still raises its own exceptions, and
    `responses` (the wire-format tests) still sees the call."""
    prepared = PreparedRequest()
    prepared.prepare_method(method)
    prepared.prepare_url(url, None)
    # Session's own merge (a header given as None drops the session's default);
    # prepare_headers copies the result, so the session's headers stay as they are.
    prepared.prepare_headers(merge_setting(headers, session.headers, CaseInsensitiveDict))
    prepared.prepare_body(data, None, json)
    adapter = session.get_adapter(prepared.url)
    return adapter.send(
        prepared, timeout=timeout, verify=session.verify, cert=session.cert, proxies=session.proxies
    )


def _outcome_of(error: ProviderError | None) -> str:
    from telecom.models.outbound_call import OutboundCall

    kinds = [
        (RateLimited, OutboundCall.Outcome.RATE_LIMITED),
        (TransientError, OutboundCall.Outcome.TRANSIENT),
        (OutcomeUnknown, OutboundCall.Outcome.UNKNOWN),
        (TokenRevoked, OutboundCall.Outcome.REVOKED),
        (PermanentError, OutboundCall.Outcome.PERMANENT),
    ]
    if error is None:
        return OutboundCall.Outcome.SUCCESS
    return next((outcome for kind, outcome in kinds if isinstance(error, kind)), "permanent")


_TEXTUAL = ("json", "text", "xml", "form", "javascript")


def _response(raw: requests.Response) -> ProviderResponse:
    """The answer as Hatid keeps it: a binary document (a fax) is not decoded as text."""
    content_type = raw.headers.get("Content-Type", "")
    textual = not content_type or any(kind in content_type for kind in _TEXTUAL)
    text = raw.text if textual else f"[{len(raw.content)} bytes of {content_type}]"
    return ProviderResponse(raw.status_code, text, dict(raw.headers), raw.content)


def _never_sent(exc: requests.ConnectionError) -> bool:
    """True when the connection failed before the request left this machine."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _redirect_refused(response: ProviderResponse, provider: str) -> OutboundUrlRefused:
    """A redirect from a supplied URL is not followed: the next hop was never checked."""
    location = redact_url(response.headers.get("Location", ""))[:200]
    return OutboundUrlRefused(
        f"redirects are not followed (HTTP {response.status} to {location or 'nowhere'})",
        provider=provider,
        status=response.status,
        body=response.text,
    )


class ProviderClient:
    """Base of every provider client; see the module docstring for the contract."""

    provider = ""
    success_statuses: tuple[int, ...] = (200, 201)
    pool_size = 20
    omitted_fields: tuple[str, ...] = ()
    # True when the URLs are supplied by a person or a callback (module docstring).
    guard_urls = False

    def __init__(self, app=None):
        self.app = app

    # --- session --------------------------------------------------------

    @classmethod
    def session(cls) -> requests.Session:
        """This process's session for this client (a new one after a fork)."""
        pid = os.getpid()
        cached = _sessions.get(cls)
        if cached and cached[0] == pid:
            return cached[1]
        with _sessions_lock:
            cached = _sessions.get(cls)
            if cached and cached[0] == pid:
                return cached[1]
            session = requests.Session()
            session.trust_env = False
            # No retries below us: a retry is a decision about idempotency,
            # taken by the outbox with its key, never by the transport.
            if cls.guard_urls:
                # No proxy: it would resolve the host, unchecked.
                adapter = GuardedAdapter(
                    pool_connections=4, pool_maxsize=cls.pool_size, max_retries=0
                )
            else:
                # Read the environment's proxy settings once, not on every request
                # (requests would scan os.environ each time: measurable at 500/s).
                session.proxies.update(getproxies())
                adapter = HTTPAdapter(pool_connections=4, pool_maxsize=cls.pool_size, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = "Hatid/1.0"
            _sessions[cls] = (pid, session)
            return session

    @property
    def timeout(self) -> tuple[float, float]:
        return (settings.PROVIDER_CONNECT_TIMEOUT, settings.PROVIDER_READ_TIMEOUT)

    # --- the call -------------------------------------------------------

    def call(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        params: dict | None = None,
        json: dict | list | None = None,
        data: dict | bytes | None = None,
        headers: dict | None = None,
        correlation: str = "",
        subject=None,
    ) -> ProviderResponse:
        """Make one request; return the response or raise a `ProviderError`.

        Success is any status in `success_statuses`; anything else goes
        through `classify_error`. Every attempt is logged as an OutboundCall.
        """
        full_url = f"{url}?{urlencode(params)}" if params else url
        started_at, started = timezone.now(), time.perf_counter()
        response: ProviderResponse | None = None
        error: ProviderError | None = None
        try:
            if self.guard_urls:
                check_syntax(full_url)
            raw = _send(
                self.session(),
                method,
                full_url,
                json=json,
                data=data,
                headers=headers,
                timeout=self.timeout,
            )
            response = _response(raw)
        except OutboundUrlRefused as exc:
            exc.provider = self.provider
            error = exc
        except requests.ConnectTimeout as exc:
            error = TransientError(f"could not connect: {exc}", provider=self.provider)
        except requests.ReadTimeout:
            error = OutcomeUnknown("no answer before the read timeout", provider=self.provider)
        except requests.ConnectionError as exc:
            if _never_sent(exc):
                error = TransientError(f"could not connect: {exc}", provider=self.provider)
            else:
                error = OutcomeUnknown(
                    f"connection lost after sending: {exc}", provider=self.provider
                )
        except requests.RequestException as exc:
            error = OutcomeUnknown(f"request failed: {exc}", provider=self.provider)

        if response is not None and self.guard_urls and 300 <= response.status < 400:
            error = _redirect_refused(response, self.provider)
        elif response is not None and response.status not in self.success_statuses:
            error = self.classify_error(response, operation)
        elif response is not None:
            error = self.check_answer(response, operation)
        latency_ms = round((time.perf_counter() - started) * 1000)
        self._log(
            operation=operation,
            method=method,
            url=full_url,
            request_body=json if json is not None else data,
            response=response,
            error=error,
            latency_ms=latency_ms,
            started_at=started_at,
            correlation=correlation,
            subject=subject,
        )
        if error is not None:
            raise error
        return response

    def classify_error(self, response: ProviderResponse, operation: str) -> ProviderError:
        """Map a non-success response to an error. Subclasses refine this."""
        status, body = response.status, response.text
        kwargs = {"provider": self.provider, "status": status, "body": body}
        if status == 429:
            retry_after = response.headers.get("Retry-After", "")
            return RateLimited(
                "rate limited",
                retry_after=float(retry_after) if retry_after.isdigit() else 60.0,
                **kwargs,
            )
        if status in (502, 503, 504):
            return TransientError("provider busy or down", **kwargs)
        if status >= 500:
            return OutcomeUnknown("provider error", **kwargs)
        return PermanentError(f"refused: {body[:200]}", **kwargs)

    def check_answer(self, response: ProviderResponse, operation: str) -> ProviderError | None:
        """The error a success status still carries in its body, if any (default: none)."""
        return None

    def _loggable(self, body):
        if not self.omitted_fields or not isinstance(body, dict):
            return body
        return {
            key: f"[{len(str(value))} characters omitted]"
            if key in self.omitted_fields and value
            else value
            for key, value in body.items()
        }

    # --- the log ----------------------------------------------------------

    def _log(
        self,
        *,
        operation,
        method,
        url,
        request_body,
        response,
        error,
        latency_ms,
        started_at,
        correlation,
        subject,
    ) -> None:
        from telecom.models.outbound_call import OutboundCall

        limit = settings.OUTBOUND_CALL_BODY_LIMIT
        request_body = self._loggable(request_body)
        if isinstance(request_body, (dict, list)):
            # What redact_body makes of its JSON text, without writing and parsing it first.
            body_text = jsonlib.dumps(redact_data(request_body), ensure_ascii=False)
        elif isinstance(request_body, (bytes, str)):
            body_text = redact_body(request_body)
        elif request_body:
            body_text = redact_body(urlencode(request_body), "application/x-www-form-urlencoded")
        else:
            body_text = ""
        response_text = ""
        if response is not None:
            response_text = redact_body(response.text, response.headers.get("Content-Type", ""))[
                :limit
            ]
        call = OutboundCall(
            app=self.app,
            provider=self.provider,
            operation=operation,
            method=method,
            url=redact_url(url),
            request_body=body_text[:limit],
            status_code=response.status if response is not None else None,
            response_body=response_text,
            outcome=_outcome_of(error),
            error=str(error)[:300] if error else "",
            latency_ms=latency_ms,
            correlation=correlation[:64],
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=subject.pk if subject is not None else None,
            started_at=started_at,
        )
        collected = _collector.get()
        if collected is None:
            call.save()
        else:
            collected.append(call)
        if logger.isEnabledFor(logging.INFO):  # not redacting the URL again for nothing
            logger.info(
                "%s %s %s -> %s in %d ms",
                self.provider,
                operation,
                call.url,
                response.status if response is not None else type(error).__name__,
                latency_ms,
            )

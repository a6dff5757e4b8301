"""Hoiio's answers, mapped onto `telecom.errors`.

Hoiio reports the result of every call in the JSON body: `"status":
"success_ok"`, or an error code such as `error_invalid_http_method`,
`error_insufficient_credit`, `error_rate_limit_exceeded`, whatever the HTTP
status. The mapping, by what certainly happened:

- `error_rate_limit_exceeded`: refused before anything was done, so it is
  rate limited (retried later, which is safe);
- `error_internal_server_error` (and any other code naming an internal
  failure): the request reached Hoiio and failed inside it, so it may have
  been applied in part: outcome unknown;
- every other error code (missing or invalid parameters, credentials,
  credit, method, unknown txn_ref...): refused, permanently;
- no JSON status at all on a 200: the request was answered but the answer is
  unreadable, so whether it was applied is unknown;
- HTTP 5xx, whatever the number (a 503 from a proxy in front of Hoiio may
  still have passed the request on), a read timeout or a connection lost after
  sending: outcome unknown. Hoiio has no idempotency key, so the callers never
  resend such a request blindly; they ask `query_status` or the history;
- a connection refused or a connect timeout: the request never left, so it is
  transient (`telecom.http` decides that from the socket error).

The published SDK gets this wrong: it raises `HoiioException` while building
its `Response`, after the request went out, so a caller that retries on that
exception sends the SMS (or makes the call) twice.
"""

from telecom.errors import OutcomeUnknown, PermanentError, ProviderError, RateLimited

PROVIDER = "hoiio"
SUCCESS = "success_ok"
RATE_LIMITED = "error_rate_limit_exceeded"
# Hoiio gives no Retry-After; a rate-limited call waits this long.
RATE_LIMIT_RETRY_SECONDS = 10.0


def classify_status(code: str, *, status: int, body: str) -> ProviderError:
    """The ProviderError for a Hoiio error code (`code` is the body's `status`)."""
    kwargs = {"provider": PROVIDER, "status": status, "body": body}
    if code == RATE_LIMITED:
        return RateLimited(code, retry_after=RATE_LIMIT_RETRY_SECONDS, **kwargs)
    if "internal" in code:
        return OutcomeUnknown(code, **kwargs)
    return PermanentError(code, **kwargs)


def classify_http(status: int, code: str | None, body: str) -> ProviderError:
    """The ProviderError for a non-200 HTTP answer (with the body's code, if any)."""
    if status >= 500:
        return OutcomeUnknown(
            code or "Hoiio answered a server error", provider=PROVIDER, status=status, body=body
        )
    if code and code != SUCCESS:
        return classify_status(code, status=status, body=body)
    if status == 429:
        return RateLimited(
            "rate limited",
            retry_after=RATE_LIMIT_RETRY_SECONDS,
            provider=PROVIDER,
            status=status,
            body=body,
        )
    return PermanentError(f"refused ({status})", provider=PROVIDER, status=status, body=body)


def unreadable(status: int, body: str) -> ProviderError:
    return OutcomeUnknown(
        "Hoiio's answer has no status", provider=PROVIDER, status=status, body=body
    )

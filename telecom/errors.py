"""Hatid's deliberate exceptions, in three families.

`ServiceError`: a service refusing its input, in words an operator or partner
can act on. The partner API renders it as its JSON error envelope; admin
forms show it as a form error on `field`.

`RejectedPayload`: a provider's callback whose content does not validate; the
callback is kept `rejected` and answered 400 naming the fields.

What can go wrong talking to a provider, in the few kinds that tasks act on:

    ProviderError
    ├── TransientError       the provider certainly did not act: retry, same key
    │   ├── RateLimited      ... after `retry_after` seconds
    │   └── NotYetApplied    no request made: what the row needs is stored here,
    │                        not yet applied (a callback in its lane); retry soon
    ├── OutcomeUnknown       the request may have been applied (read timeout,
    │                        connection lost after sending): never retried
    │                        blindly; each outbox decides (SMS: resend with the
    │                        same clientCorrelator; charge: ask getLastRefCode;
    │                        reward: wait for the callback)
    └── PermanentError       the provider refused: fail with its reason
        └── TokenRevoked     the subscriber's access token is no longer valid

`ProviderConfigurationError` sits outside the hierarchy on purpose, so that no
`except ProviderError` can swallow a missing credential.
"""


class ServiceError(Exception):
    def __init__(
        self, message: str, *, field: str | None = None, code: str = "invalid", status: int = 400
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.status = status

    @property
    def fields(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}


class RejectedPayload(Exception):
    """The callback's content is invalid. `fields` maps each field to its problems."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ProviderError(Exception):
    """A provider call that did not succeed. `str()` carries status and body."""

    def __init__(
        self,
        reason: str,
        *,
        provider: str = "",
        status: int | None = None,
        body: str = "",
    ):
        super().__init__(reason)
        self.reason = reason
        self.provider = provider
        self.status = status
        self.body = body

    def __str__(self) -> str:
        parts = [self.reason]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.provider:
            parts.append(f"from {self.provider}")
        return " ".join(parts)


class TransientError(ProviderError):
    """The provider did not act (busy, down, unreachable): retrying is safe.
    `retry_after`: the seconds to wait first, where the cause says (else the
    outbox's backoff)."""

    def __init__(self, reason: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(reason, **kwargs)
        self.retry_after = retry_after


class RateLimited(TransientError):
    def __init__(self, reason: str, *, retry_after: float = 60.0, **kwargs):
        super().__init__(reason, retry_after=retry_after, **kwargs)


class NotYetApplied(TransientError):
    """No request was made: the row needs something Hatid has stored and not
    yet applied (an opt-in waiting in its subscriber's lane, answered before
    it is processed). Retried after `retry_after` seconds, to the deadline."""


class OutcomeUnknown(ProviderError):
    """The request went out and no answer came back: it may have been applied."""


class PermanentError(ProviderError):
    """The provider refused the request; repeating it would be refused again."""


class TokenRevoked(PermanentError):
    """The subscriber's access token was rejected: their consent has ended."""


class ProviderConfigurationError(Exception):
    """A provider app lacks what a call needs (a credential, a URL)."""


class HeldBack(Exception):
    """Not to be sent now (a campaign in its app's quiet hours, or paused), and
    nothing has left: the sender's `on_held_back` puts the row back."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

"""The registry of callback handlers, one per callback kind.

Each app declares its handlers in a `callback_handlers` module (discovered at
start-up) by subclassing `CallbackHandler` and decorating it with `@register`.

A handler subclass provides:
- `provider`: whose callbacks it takes (`globe` unless it says otherwise;
  Hoiio's handlers say `hoiio`), the provider segment of the URI;
- `kind`: the last path segment of the callback URI (`notify`, `redirect`...);
- `methods`: the HTTP methods the platform uses for it;
- `handle(event)`: validate `event` (a stored `CallbackEvent`) and apply it.
  It runs inside the transaction that marks the event processed, so it must
  be idempotent on the provider's natural key: a repeated callback finds its
  effect already there and changes nothing. It raises `RejectedPayload` for
  input that does not validate, and returns a `HandlerResult`.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


class RejectedPayload(Exception):
    """The callback's content is invalid. `fields` maps each field to its problems."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def json_body(event):
    """The callback's body as JSON, or a RejectedPayload saying it is not JSON."""
    try:
        return event.json()
    except ValueError:
        raise RejectedPayload("the body is not JSON", {"body": ["expected JSON"]}) from None


@dataclass
class HandlerResult:
    """What processing did (`note`, for the log) and what to answer: a JSON
    `body` with `status`, or a whole `response` for callbacks a person's
    browser makes (the web-form consent redirect)."""

    note: str = ""
    body: dict = field(default_factory=lambda: {"status": "ok"})
    status: int = 200
    response: object = None


class CallbackHandler:
    provider: str = "globe"
    kind: str = ""
    methods: tuple[str, ...] = ("POST",)

    def handle(self, event) -> HandlerResult:
        raise NotImplementedError


_handlers: dict[tuple[str, str], CallbackHandler] = {}


def register(handler_class: type[CallbackHandler]) -> type[CallbackHandler]:
    if not handler_class.kind:
        raise ValueError(f"{handler_class.__name__} declares no kind")
    _handlers[(handler_class.provider, handler_class.kind)] = handler_class()
    return handler_class


def unregister(kind: str, provider: str = "globe") -> None:
    _handlers.pop((provider, kind), None)


def handler_for(kind: str, provider: str = "globe") -> CallbackHandler | None:
    return _handlers.get((provider, kind))


def autodiscover() -> None:
    autodiscover_modules("callback_handlers")

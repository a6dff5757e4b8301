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
  effect already there and changes nothing. It raises `RejectedPayload`
  (`telecom.errors`) for input that does not validate, and returns a `HandlerResult`;
- optionally `lane_key(event)`: for a callback whose answer does not depend on
  processing it, the key its order is kept by (the subscriber's number): the
  request is then answered once the event is stored, and a worker processes it
  later in its lane (`telecom.callbacks.lanes`). It sees the event before it
  is saved, may raise `RejectedPayload` (answered 400, kept `rejected`) and
  returns None for a request that must be processed before it is answered;
- optionally `prepare_batch(events)`: called by the lane worker with the
  events of this kind in a batch before each is handled, in the same
  transaction (to insert their rows in bulk);
- optionally `batch_key(event)` and `handle_batch(events)`: for an event
  that can be applied together with others of its kind, its `lane_key`
  (None for one that must be handled alone); the lane worker then gives
  such events, in order, to `handle_batch` in one savepoint, which returns a
  `HandlerResult` for each. If it raises, each is handled again alone, so
  `handle_batch` must have the effects `handle` would have, event by event.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

from telecom.errors import RejectedPayload


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

    def lane_key(self, event) -> str | None:
        return None

    def prepare_batch(self, events) -> None:
        return None

    def batch_key(self, event) -> str | None:
        return None

    def handle_batch(self, events) -> list[HandlerResult]:
        raise NotImplementedError


_handlers: dict[tuple[str, str], CallbackHandler] = {}


def register(handler_class: type[CallbackHandler]) -> type[CallbackHandler]:
    """Class decorator: register one instance of `handler_class`."""
    add_handler(handler_class())
    return handler_class


def add_handler(handler: CallbackHandler) -> None:
    """Register a handler instance (for handlers that differ only in their data)."""
    if not handler.kind:
        raise ValueError(f"{type(handler).__name__} declares no kind")
    _handlers[(handler.provider, handler.kind)] = handler


def unregister(kind: str, provider: str = "globe") -> None:
    _handlers.pop((provider, kind), None)


def handler_for(kind: str, provider: str = "globe") -> CallbackHandler | None:
    return _handlers.get((provider, kind))


def autodiscover() -> None:
    autodiscover_modules("callback_handlers")

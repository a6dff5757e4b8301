"""Faults: the misbehaviour the control API can switch on, per endpoint.

`POST /_sandbox/faults` sets one fault per endpoint (a later one replaces
it); `DELETE /_sandbox/faults` clears them all, or one with `?endpoint=`.
The endpoints are the platform API areas below (Globe Labs', then the Hoiio
and Voicent twins'), `callbacks` (what the platform sends to apps, Hoiio's
notifications included) and `*` (every API area that has no fault of its own).

Knobs of an API endpoint's fault:
- `status` + `probability`: answer that error (502, 503, 500, the charging
  702...) instead of applying the request, with that probability;
- `latency_ms`: wait before handling the request;
- `after_apply`: apply the request, then `timeout` (hold the connection
  `hold_seconds`, past the client's read timeout, and close it unanswered),
  `reset` (close the socket with a TCP reset, unanswered) or `error` (answer
  `status`, default 500): the cases where the client cannot know it worked;
- `times`: how many requests the fault applies to before it removes itself;
- `mix`: several misbehaviours at once, as a list of `{"probability", "status"}`
  and `{"probability", "after_apply", "status"?}` items: one roll per request
  picks at most one of them (their probabilities add up to at most 1), e.g.
  30% 503, 10% timeouts after apply and 5% resets.
Knobs of the `callbacks` fault: `duplicate` (each callback is sent a second
time, soon after), `out_of_order` (callbacks are held for `window_ms` and
sent newest first), `latency_ms`, `times`.

The sandbox is one process, so the faults live in memory here, behind a lock.
"""

import random
import threading
from dataclasses import asdict, dataclass, fields

API_ENDPOINTS = (
    "sms",
    "binary",
    "charge",
    "refcode",
    "optin",
    "reward",
    "ussd",
    "location",
    "balance",
    "wallet",
    "oauth",
    "voice",
    # The Hoiio twin, per SDK service, and the Voicent gateway twin.
    "hoiio_sms",
    "hoiio_voice",
    "hoiio_ivr",
    "hoiio_fax",
    "hoiio_number",
    "hoiio_account",
    "voicent",
)
CALLBACKS = "callbacks"
ANY = "*"
ENDPOINTS = (*API_ENDPOINTS, CALLBACKS, ANY)
AFTER_APPLY = ("timeout", "reset", "error")


class FaultError(ValueError):
    """A fault description that does not make sense; the message says why."""


@dataclass
class Fault:
    endpoint: str
    status: int | None = None
    probability: float = 1.0
    latency_ms: int = 0
    after_apply: str | None = None
    hold_seconds: float = 30.0
    times: int | None = None
    message: str | None = None
    duplicate: bool = False
    out_of_order: bool = False
    window_ms: int = 300
    mix: list | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    """What one request gets from its fault, decided once (dice included)."""

    latency: float = 0.0
    error_status: int | None = None
    after_apply: str | None = None
    after_status: int = 500
    hold_seconds: float = 30.0
    message: str | None = None
    duplicate: bool = False
    out_of_order: bool = False
    window: float = 0.3


_lock = threading.Lock()
_faults: dict[str, Fault] = {}
_random = random.SystemRandom()


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise FaultError(message)


def parse(body: dict) -> Fault:
    """A `Fault` from a control API body; FaultError when it does not make sense."""
    _check(isinstance(body, dict), "a fault is a JSON object")
    known = {f.name for f in fields(Fault)}
    unknown = sorted(set(body) - known)
    _check(not unknown, f"unknown fault knobs: {', '.join(unknown)}")
    endpoint = body.get("endpoint")
    _check(endpoint in ENDPOINTS, f"endpoint must be one of {', '.join(ENDPOINTS)}")
    fault = Fault(**body)
    number = (int, float)
    _check(
        isinstance(fault.probability, number) and 0 <= fault.probability <= 1,
        "probability must be between 0 and 1",
    )
    _check(
        isinstance(fault.latency_ms, int) and 0 <= fault.latency_ms <= 120_000,
        "latency_ms must be an integer between 0 and 120000",
    )
    _check(
        isinstance(fault.hold_seconds, number) and 0 <= fault.hold_seconds <= 600,
        "hold_seconds must be between 0 and 600",
    )
    _check(
        fault.times is None or (isinstance(fault.times, int) and fault.times > 0),
        "times must be a positive integer (or absent: for ever)",
    )
    _check(
        fault.status is None or (isinstance(fault.status, int) and 400 <= fault.status <= 799),
        "status must be an error status between 400 and 799",
    )
    _check(fault.message is None or isinstance(fault.message, str), "message must be text")
    if fault.mix is not None:
        _check(endpoint != CALLBACKS, "mix is a knob of API endpoints")
        fault.mix = [_parse_mix_item(item) for item in _listed(fault.mix)]
        _check(
            sum(item["probability"] for item in fault.mix) <= 1.000001,
            "the probabilities of a mix add up to at most 1",
        )
    if endpoint == CALLBACKS:
        _check(
            fault.status is None and fault.after_apply is None,
            "a callbacks fault takes duplicate, out_of_order, window_ms, latency_ms, times",
        )
        _check(
            isinstance(fault.window_ms, int) and 0 < fault.window_ms <= 60_000,
            "window_ms must be an integer between 1 and 60000",
        )
    else:
        _check(
            not (fault.duplicate or fault.out_of_order),
            "duplicate and out_of_order are knobs of the callbacks fault",
        )
        _check(
            fault.after_apply is None or fault.after_apply in AFTER_APPLY,
            f"after_apply must be one of {', '.join(AFTER_APPLY)}",
        )
        _check(
            fault.status is not None or fault.after_apply or fault.latency_ms or fault.mix,
            "the fault does nothing: give status, after_apply, mix or latency_ms",
        )
    return fault


def _listed(value) -> list:
    _check(isinstance(value, list) and value, "mix is a non-empty list")
    return value


def _parse_mix_item(item) -> dict:
    _check(isinstance(item, dict), "each mix item is an object")
    unknown = sorted(set(item) - {"probability", "status", "after_apply"})
    _check(not unknown, f"unknown mix knobs: {', '.join(unknown)}")
    probability = item.get("probability")
    _check(
        isinstance(probability, (int, float)) and 0 <= probability <= 1,
        "each mix item needs a probability between 0 and 1",
    )
    status, after_apply = item.get("status"), item.get("after_apply")
    _check(
        status is None or (isinstance(status, int) and 400 <= status <= 799),
        "a mix status is an error status between 400 and 799",
    )
    _check(
        after_apply is None or after_apply in AFTER_APPLY,
        f"a mix after_apply is one of {', '.join(AFTER_APPLY)}",
    )
    _check(status is not None or after_apply, "each mix item needs status or after_apply")
    return {"probability": probability, "status": status, "after_apply": after_apply}


def set_fault(fault: Fault) -> None:
    with _lock:
        _faults[fault.endpoint] = fault


def clear(endpoint: str | None = None) -> None:
    with _lock:
        if endpoint is None:
            _faults.clear()
        else:
            _faults.pop(endpoint, None)


def active() -> list[dict]:
    with _lock:
        return [fault.as_dict() for fault in _faults.values()]


def take(endpoint: str) -> Decision | None:
    """The decision for one request to `endpoint`, or None when nothing misbehaves.

    Counts the request against the fault's `times`.
    """
    if not _faults:  # the common case, without the lock
        return None
    with _lock:
        fault = _faults.get(endpoint)
        if fault is None and endpoint != CALLBACKS:
            fault = _faults.get(ANY)
        if fault is None:
            return None
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                del _faults[fault.endpoint]
    if fault.mix:
        return _mixed(fault)
    fires = fault.probability >= 1 or _random.random() < fault.probability
    return Decision(
        latency=fault.latency_ms / 1000,
        error_status=fault.status if fires and not fault.after_apply else None,
        after_apply=fault.after_apply if fires else None,
        after_status=fault.status or 500,
        hold_seconds=fault.hold_seconds,
        message=fault.message,
        duplicate=fault.duplicate and fires,
        out_of_order=fault.out_of_order and fires,
        window=fault.window_ms / 1000,
    )


def _mixed(fault: Fault) -> Decision:
    """One roll picks at most one item of the mix."""
    roll, threshold = _random.random(), 0.0
    for item in fault.mix:
        threshold += item["probability"]
        if roll < threshold:
            return Decision(
                latency=fault.latency_ms / 1000,
                error_status=item["status"] if not item["after_apply"] else None,
                after_apply=item["after_apply"],
                after_status=item["status"] or 500,
                hold_seconds=fault.hold_seconds,
                message=fault.message,
            )
    return Decision(latency=fault.latency_ms / 1000)

"""The session object: what the platform posts to the Voice URI when a call starts.

Two kinds of start reach the app (Tropo WebAPI reference, "session" object):

- an incoming call: `from` is the caller, `to` the app's number, `callId` set,
  `headers` carries the SIP headers;
- a session the app triggered itself with
  `GET /1.0/sessions?action=create&token=<voice token>&<name>=<value>...`
  (Globe Labs voice docs, "call trigger endpoint"): no call yet, `userType`
  `NONE`, and the query string comes back in `parameters`, token included.

`parse_session` turns either into a `Session`, tolerating missing optional
fields and numbers sent as strings (or strings sent as numbers), and raises
TropoError for anything that is not a session. The token is kept out of
`parameters` and out of `repr`, so logging a session never logs it.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import TropoError
from .options import describe
from .payload import decode_json, mapping, text, text_map


@dataclass(frozen=True)
class Party:
    """One end of the call: `id` is the number or SIP user (for `from`, the
    caller ID), `channel` is VOICE or TEXT, `network` PSTN, SIP, SMS..."""

    id: str | None
    name: str | None = None
    channel: str | None = None
    network: str | None = None


@dataclass(frozen=True)
class Session:
    id: str
    call_id: str | None = None
    account_id: str | None = None
    timestamp: datetime | None = None
    user_type: str | None = None
    initial_text: str | None = None
    caller: Party | None = None
    callee: Party | None = None
    headers: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    token: str | None = field(default=None, repr=False)

    @property
    def caller_number(self) -> str | None:
        return self.caller.id if self.caller else None

    @property
    def callee_number(self) -> str | None:
        return self.callee.id if self.callee else None

    @property
    def triggered(self) -> bool:
        """Started by the app through the session API rather than by a caller."""
        return self.token is not None or self.parameters.get("action") == "create"


def _party(value: Any, key: str) -> Party | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TropoError("session", f"must be an object, not {describe(value)}", option=key)
    where = f"session.{key}"
    return Party(
        id=text(value.get("id"), where, "id"),
        name=text(value.get("name"), where, "name"),
        channel=text(value.get("channel"), where, "channel"),
        network=text(value.get("network"), where, "network"),
    )


def _timestamp(value: str | None) -> datetime | None:
    """`2010-09-20T21:30:16.315Z` as aware UTC; None when absent or unreadable
    (a timestamp is worth keeping, not worth failing a call over)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_session(body: Any) -> Session:
    """A Session from the posted body (bytes, text, or already-parsed JSON)."""
    data = mapping(decode_json(body, "session body"), "session body")
    if "session" not in data:
        raise TropoError("session body", f'must be {{"session": {{...}}}}, not {describe(data)}')
    session = mapping(data["session"], "session")
    session_id = text(session.get("id"), "session", "id")
    if not session_id:
        raise TropoError("session", "is required", option="id")
    parameters = text_map(session.get("parameters"), "session", "parameters")
    token = parameters.pop("token", None)
    return Session(
        id=session_id,
        call_id=text(session.get("callId"), "session", "callId"),
        account_id=text(session.get("accountId"), "session", "accountId"),
        timestamp=_timestamp(text(session.get("timestamp"), "session", "timestamp")),
        user_type=text(session.get("userType"), "session", "userType"),
        initial_text=text(session.get("initialText"), "session", "initialText"),
        caller=_party(session.get("from"), "from"),
        callee=_party(session.get("to"), "to"),
        headers=text_map(session.get("headers"), "session", "headers"),
        parameters=parameters,
        token=token,
    )

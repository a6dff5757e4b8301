"""The result object: what the platform posts to an `on` handler's `next` URL.

Tropo WebAPI reference, "result" object: `sessionId`, `callId`, `state`,
`sessionDuration`, `sequence`, `complete`, `error`, and `actions`, "an Array
or an Object ... an array if multiple inputs were requested, an object if only
one". Each action has `name`, `attempts`, `disposition` (SUCCESS, TIMEOUT,
NOMATCH, FAILED, BUSY, REJECTED, EXTERNAL_EVENT...; the older reference writes
them in lower case), `confidence`, `interpretation` (what was understood,
`"52521"`), `utterance` (what was heard, `"5 2 5 2 1"`; the reference misspells
it `utterrance`), `value` (the grammar's result; a record's recording URL),
`concept` and `xml`. Verbs add their own (a transfer's `duration`, a record's
`uploadStatus`); they stay in `Action.raw`.

`parse_result` tolerates `actions` as an object, a list or absent, missing
optional fields and numbers as strings, and raises TropoError for the rest.
"""

from dataclasses import dataclass, field
from typing import Any

from .errors import TropoError
from .options import describe
from .payload import decode_json, flag, mapping, number, text, whole


@dataclass(frozen=True)
class Action:
    name: str | None = None
    attempts: int | None = None
    disposition: str | None = None
    confidence: float | None = None
    interpretation: str | None = None
    utterance: str | None = None
    value: str | None = None
    concept: str | None = None
    xml: str | None = field(default=None, repr=False)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def succeeded(self) -> bool:
        return self.disposition == "SUCCESS"


@dataclass(frozen=True)
class Result:
    session_id: str
    call_id: str | None = None
    state: str | None = None
    session_duration: int | None = None
    sequence: int | None = None
    complete: bool | None = None
    error: str | None = None
    actions: tuple[Action, ...] = ()

    def action(self, name: str | None = None) -> Action | None:
        """The action named `name` (an ask's or record's `name`), or the first one."""
        for action in self.actions:
            if name is None or action.name == name:
                return action
        return None


def _action(value: Any, where: str) -> Action:
    data = mapping(value, where)
    disposition = text(data.get("disposition"), where, "disposition")
    utterance = data.get("utterance", data.get("utterrance"))
    return Action(
        name=text(data.get("name"), where, "name"),
        attempts=whole(data.get("attempts"), where, "attempts"),
        disposition=disposition.strip().upper() if disposition else None,
        confidence=number(data.get("confidence"), where, "confidence"),
        interpretation=text(data.get("interpretation"), where, "interpretation"),
        utterance=text(utterance, where, "utterance"),
        value=text(data.get("value"), where, "value"),
        concept=text(data.get("concept"), where, "concept"),
        xml=text(data.get("xml"), where, "xml"),
        raw=data,
    )


def _actions(value: Any) -> tuple[Action, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(_action(item, f"result.actions[{i}]") for i, item in enumerate(value))
    if isinstance(value, dict):
        return (_action(value, "result.actions"),)
    raise TropoError(
        "result", f"must be an object or a list, not {describe(value)}", option="actions"
    )


def parse_result(body: Any) -> Result:
    """A Result from the posted body (bytes, text, or already-parsed JSON)."""
    data = mapping(decode_json(body, "result body"), "result body")
    if "result" not in data:
        raise TropoError("result body", f'must be {{"result": {{...}}}}, not {describe(data)}')
    result = mapping(data["result"], "result")
    session_id = text(result.get("sessionId"), "result", "sessionId")
    if not session_id:
        raise TropoError("result", "is required", option="sessionId")
    return Result(
        session_id=session_id,
        call_id=text(result.get("callId"), "result", "callId"),
        state=text(result.get("state"), "result", "state"),
        session_duration=whole(result.get("sessionDuration"), "result", "sessionDuration"),
        sequence=whole(result.get("sequence"), "result", "sequence"),
        complete=flag(result.get("complete"), "result", "complete"),
        error=text(result.get("error"), "result", "error"),
        actions=_actions(result.get("actions")),
    )

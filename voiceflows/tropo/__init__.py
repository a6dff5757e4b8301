"""The Tropo WebAPI wire format, both ways, as the Globe Labs voice platform speaks it.

Out (the app's answers): verbs built in Python (`verbs`, `prompts`), validated
on construction, rendered to the exact `{"tropo": [...]}` document
(`document.render`), and loaded back from one (`document.load`) so flows can
be stored as data. In (the platform's requests): `parse_session` for the
start of a call, `parse_result` for what an `on` handler's `next` URL
receives. Everything that is not right raises `TropoError`.

No Django here: the package is plain Python so it can be used anywhere.

    >>> render([Say("Hello"), Hangup()])
    {'tropo': [{'say': {'value': 'Hello'}}, {'hangup': {}}]}
"""

from .document import load, render, render_json
from .errors import TropoError
from .options import Verb
from .prompts import Choices, ConferencePrompt, MachineDetection, Say, Transcription
from .result import Action, Result, parse_result
from .session import Party, Session, parse_session
from .verbs import (
    VERBS,
    Ask,
    Call,
    Conference,
    Hangup,
    Message,
    On,
    Record,
    Redirect,
    Reject,
    StartRecording,
    StopRecording,
    Transfer,
    Wait,
)

__all__ = [
    "VERBS",
    "Action",
    "Ask",
    "Call",
    "Choices",
    "Conference",
    "ConferencePrompt",
    "Hangup",
    "MachineDetection",
    "Message",
    "On",
    "Party",
    "Record",
    "Redirect",
    "Reject",
    "Result",
    "Say",
    "Session",
    "StartRecording",
    "StopRecording",
    "Transcription",
    "Transfer",
    "TropoError",
    "Verb",
    "Wait",
    "load",
    "parse_result",
    "parse_session",
    "render",
    "render_json",
]

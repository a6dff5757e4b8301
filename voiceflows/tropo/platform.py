"""The platform's side of a WebAPI call: how Tropo runs the documents an app
answers with, what the caller hears, and what it posts back.

`PlatformCall` holds one call's state (JSON-serialisable, so the sandbox can
keep it in a database row between requests) and moves it forward:

- `play(document, url, read=...)`: the app answered `url` with `document`;
  read it with `read` and run it. The sandbox gives its own reader
  (`sandbox.tropo_document.read`, written from the documents apart
  from this package, so that the twin catches what Hatid renders wrong); the
  admin's simulator uses `read_rendered`, this package's own `load`;
- `give(kind, text)`: the caller keyed, spoke, stayed silent, hung up,
  answered (or not) a ringing outbound call.

Each returns a `Step`: `waiting` (for the caller: an ask, a record, a
conference, a ringing phone), `post` (send `body` to `url`, then `play` the
answer) or `ended`. The driver does the HTTP: the sandbox over the wire,
the admin's simulator straight into Hatid's flow engine.

Behaviour, from the Tropo WebAPI reference ("on", "ask", "record", "call",
"transfer", "result"):
- the `on` handlers of a document apply to the whole document; running its
  verbs in order, an ask, record, call or transfer that fails fires
  `incomplete`; reaching the end fires `continue`. "If an event has no
  handler, then the continue event is fired"; a handler with a `say` plays
  it, then posts to its `next`, or, without one, fires `continue`; without
  a `continue` that has a `next` the call is hung up and `hangup` fires;
- the result posted carries the actions of the current document (an object
  for one, a list for several), `sequence` counting the results of the
  session, `state` ANSWERED, DISCONNECTED after a hang-up, FAILED when an
  outbound call did not connect;
- an ask retries up to `attempts`; before each retry the prompt tied to the
  event (`nomatch:N`, `nomatch`, `timeout`) plays, then the question again
  (the reference leaves open whether the question repeats; it does here);
- `call` rings the number and waits for an answer (the driver times it
  out); a failed call fails with disposition TIMEOUT, REJECTED or BUSY and
  its action is named after the verb's `name` or "call";
- a transfer connects at once (the sandbox has no far end to refuse it) and
  its `ring` and `connect` handlers are noted in the transcript;
- a record ends with the terminator key (or speech); its `value` is the URL
  the recording is stored at: the record's `url`, `/`, the session id and
  the format's extension, as in the reference's result example. The audio
  itself is not uploaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from .document import load
from .grammar import match

WAITING, POST, ENDED = "waiting", "post", "ended"
INPUTS = ("keys", "speech", "timeout", "hangup", "answer", "no_answer", "busy", "decline")
EXTENSIONS = {"audio/wav": "wav", "audio/mp3": "mp3", "audio/au": "au"}


# A document -> its verbs as [name, options] pairs, in the one form the
# player runs; a ValueError when the platform would not run it.
Reader = Callable[[Any], list]


def read_rendered(document: Any) -> list:
    """The document as this package's `load` reads it (the simulator's reader)."""
    load(document)
    return [[name, options or {}] for item in document["tropo"] for name, options in item.items()]


@dataclass(frozen=True)
class Step:
    kind: str  # waiting, post, ended
    waiting_for: str = ""  # ask, record, conference, answer
    url: str = ""
    body: dict | None = None
    reason: str = ""


class CallError(ValueError):
    """Input the call cannot take now (keys while nothing listens, a second answer...)."""


def _listed(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _prompts(options: dict) -> list[dict]:
    return [p for p in _listed(options.get("say")) if isinstance(p, dict)]


def _question(options: dict) -> str:
    return " ".join(p["value"] for p in _prompts(options) if not p.get("event"))


def _event_prompt(options: dict, event: str, count: int) -> str | None:
    """The prompt tied to `timeout`, `nomatch:<count>` or (failing that) `nomatch`."""
    wanted = [f"{event}:{count}", event]
    for name in wanted:
        for prompt in _prompts(options):
            if name in str(prompt.get("event", "")).split():
                return prompt["value"]
    return None


def _said(value: str) -> dict:
    return {"play": value} if value.startswith(("http://", "https://")) else {"say": value}


@dataclass
class PlatformCall:
    session_id: str
    call_id: str | None = None
    answered: bool = False
    ended: bool = False
    end_reason: str = ""
    url: str = ""
    verbs: list = field(default_factory=list)  # [[name, options], ...]
    position: int = 0
    handlers: dict = field(default_factory=dict)
    actions: list = field(default_factory=list)
    waiting: dict | None = None
    sequence: int = 0
    started_at: float = field(default_factory=time.time)
    transcript: list = field(default_factory=list)
    failed: bool = False

    # --- state ------------------------------------------------------------

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict) -> PlatformCall:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def note(self, **entry) -> None:
        self.transcript.append(entry)

    # --- the app's documents ------------------------------------------------

    def play(self, document: Any, url: str, read: Reader | None = None) -> Step:
        """Run the document the app answered `url` with, as `read` reads it."""
        if self.ended:
            return Step(ENDED, reason=self.end_reason)
        try:
            verbs = (read or read_rendered)(document)
        except ValueError as error:  # TropoError, or the reader's own
            return self.hang_up(f"the app's answer is not a Tropo document: {error}")
        self.url = url
        self.verbs = verbs
        self.position = 0
        self.actions = []
        self.waiting = None
        self.handlers = {}
        for name, options in self.verbs:
            if name == "on" and options["event"] not in self.handlers:
                self.handlers[options["event"]] = options
        return self._run()

    def app_failed(self, reason: str) -> Step:
        """The app's URL did not answer with a document."""
        return self.hang_up(reason)

    def hang_up(self, reason: str) -> Step:
        """End the call because the app failed it (the reason goes in the transcript)."""
        self.note(error=reason)
        self.ended, self.end_reason, self.waiting = True, reason, None
        return Step(ENDED, reason=reason)

    def _run(self) -> Step:
        while self.position < len(self.verbs):
            name, options = self.verbs[self.position]
            self.position += 1
            step = getattr(self, f"_{name}")(options)
            if step is not None:
                return step
        return self._fire("continue")

    # --- events -----------------------------------------------------------

    def _fire(self, event: str) -> Step:
        handler = self.handlers.get(event)
        if handler is None:
            if event == "continue":
                return self._platform_hangs_up()
            return self._fire("continue")
        for prompt in _listed(handler.get("say")):
            self.note(**_said(prompt["value"]))
        if handler.get("next"):
            return self._post(handler["next"], "ANSWERED" if not self.failed else "FAILED")
        if event == "continue":
            return self._platform_hangs_up()
        return self._fire("continue")

    def _platform_hangs_up(self) -> Step:
        """No `continue` with a `next`: the call is hung up and `hangup` fires."""
        self.note(hangup="platform")
        self.ended, self.end_reason = True, "the document ended"
        handler = self.handlers.get("hangup")
        if handler and handler.get("next"):
            return self._post(handler["next"], "DISCONNECTED")
        return Step(ENDED, reason=self.end_reason)

    def _post(self, next_url: str, state: str) -> Step:
        self.sequence += 1
        result: dict[str, Any] = {
            "sessionId": self.session_id,
            "callId": self.call_id,
            "state": state,
            "sessionDuration": max(0, round(time.time() - self.started_at)),
            "sequence": self.sequence,
            "complete": True,
            "error": None,
        }
        if self.actions:
            result["actions"] = self.actions[0] if len(self.actions) == 1 else list(self.actions)
        url = urljoin(self.url, next_url)
        self.note(request=url)
        self.waiting = None
        return Step(POST, url=url, body={"result": result})

    # --- the caller -------------------------------------------------------------

    def give(self, kind: str, text: str = "") -> Step:
        """The caller's input (see INPUTS)."""
        if kind not in INPUTS:
            raise CallError(f"input must be one of {', '.join(INPUTS)}")
        if self.ended:
            raise CallError("the call has ended")
        if kind == "hangup":
            return self._caller_hangs_up()
        waiting = self.waiting or {}
        if kind in ("answer", "no_answer", "busy", "decline"):
            if waiting.get("kind") != "answer":
                raise CallError("no call is ringing on this handset")
            return self._answer(kind)
        if waiting.get("kind") == "ask":
            return self._ask_input(kind, text)
        if waiting.get("kind") == "record":
            return self._record_input(kind, text)
        if waiting.get("kind") == "conference":
            return self._conference_input(kind, text)
        raise CallError("the call is not waiting for input")

    def _caller_hangs_up(self) -> Step:
        self.note(hangup="caller")
        self.ended, self.end_reason = True, "hung up by the caller"
        handler = self.handlers.get("hangup")
        self.waiting = None
        if handler and handler.get("next"):
            return self._post(handler["next"], "DISCONNECTED")
        return Step(ENDED, reason=self.end_reason)

    def _answer(self, kind: str) -> Step:
        options = self.waiting["options"]
        if kind == "answer":
            self.answered, self.waiting = True, None
            self.note(answered=self.waiting_to(options))
            return self._run()
        disposition = {"no_answer": "TIMEOUT", "busy": "BUSY", "decline": "REJECTED"}[kind]
        self.note(not_answered=self.waiting_to(options), disposition=disposition)
        self.actions.append(
            {"name": options.get("name") or "call", "attempts": 1, "disposition": disposition}
        )
        self.failed, self.waiting = True, None
        step = self._fire("incomplete")
        self.ended, self.end_reason = True, f"the call was not answered ({disposition})"
        return step if step.kind == POST else Step(ENDED, reason=self.end_reason)

    @staticmethod
    def waiting_to(options: dict) -> str:
        return _listed(options.get("to"))[0]

    # --- verbs (each returns a Step to stop, or None to go on) -----------------

    def _say(self, options: dict) -> None:
        self.note(**_said(options["value"]))

    def _on(self, options: dict) -> None:
        return None  # handlers were read when the document was loaded

    def _wait(self, options: dict) -> None:
        self.note(wait=options["milliseconds"])

    def _hangup(self, options: dict) -> Step:
        self.note(hangup="app")
        self.ended, self.end_reason, self.waiting = True, "hung up by the app", None
        return Step(ENDED, reason=self.end_reason)

    def _reject(self, options: dict) -> Step:
        self.note(reject=True)
        self.ended, self.end_reason = True, "rejected by the app"
        return Step(ENDED, reason=self.end_reason)

    def _redirect(self, options: dict) -> Step:
        self.note(redirect=options["to"])
        self.ended, self.end_reason = True, f"redirected to {options['to']}"
        return Step(ENDED, reason=self.end_reason)

    def _message(self, options: dict) -> None:
        text = " ".join(p["value"] for p in _prompts(options))
        self.note(message=text, to=_listed(options["to"]))

    def _startRecording(self, options: dict) -> None:
        self.note(start_recording=options["url"])

    def _stopRecording(self, options: dict) -> None:
        self.note(stop_recording=True)

    def _call(self, options: dict) -> Step:
        if self.answered:
            self.note(error="call: only valid when the session has no call yet")
            return self._fire("error")
        to = self.waiting_to(options)
        self.note(call=to)
        self.waiting = {"kind": "answer", "options": options}
        return Step(WAITING, waiting_for="answer")

    def _transfer(self, options: dict) -> None:
        to = _listed(options["to"])
        self.note(transfer=to[0] if len(to) == 1 else to)
        for handler in _listed(options.get("on")):
            if handler["event"] == "ring":
                for prompt in _listed(handler.get("say")):
                    self.note(ringback=prompt["value"])
            elif handler["event"] == "connect":
                whisper = handler.get("ask") and _question(handler["ask"])
                for prompt in _listed(handler.get("say")):
                    whisper = prompt["value"]
                if whisper:
                    self.note(whisper=whisper)
        self.actions.append(
            {
                "name": options.get("name") or "transfer",
                "duration": 0,
                "connectedDuration": 0,
                "disposition": "SUCCESS",
            }
        )

    def _conference(self, options: dict) -> Step:
        self.note(conference=options["id"])
        self.waiting = {"kind": "conference", "options": options}
        return Step(WAITING, waiting_for="conference")

    def _ask(self, options: dict) -> Step:
        self.note(ask=_question(options), choices=options["choices"]["value"])
        self.waiting = {"kind": "ask", "options": options, "attempt": 1, "nomatches": 0}
        return Step(WAITING, waiting_for="ask")

    def _record(self, options: dict) -> Step:
        self.note(record=_question(options))
        self.waiting = {"kind": "record", "options": options, "attempt": 1, "nomatches": 0}
        return Step(WAITING, waiting_for="record")

    # --- input to a waiting verb ----------------------------------------------------

    @staticmethod
    def _keys(text: str, terminator: str | None) -> str:
        """The keys before the terminator (`#` unless the choices name another)."""
        terminator = terminator or "#"
        return text.split(terminator, 1)[0] if terminator in text else text

    def _retry_or_fail(self, event: str, disposition: str) -> Step:
        waiting = self.waiting
        options = waiting["options"]
        if event == "nomatch":
            waiting["nomatches"] += 1
        attempts = options.get("attempts") or 1
        if waiting["attempt"] < attempts:
            waiting["attempt"] += 1
            count = waiting["nomatches"] if event == "nomatch" else waiting["attempt"] - 1
            prompt = _event_prompt(options, event, count)
            if prompt:
                self.note(**_said(prompt))
            self.note(**{waiting["kind"]: _question(options)})
            return Step(WAITING, waiting_for=waiting["kind"])
        self.actions.append(
            {
                "name": options.get("name") or waiting["kind"],
                "attempts": waiting["attempt"],
                "disposition": disposition,
                "confidence": None,
                "interpretation": None,
                "utterance": None,
                "value": None,
            }
        )
        self.waiting = None
        return self._fire("incomplete")

    def _ask_input(self, kind: str, text: str) -> Step:
        options = self.waiting["options"]
        if kind == "timeout":
            self.note(heard=None)
            return self._retry_or_fail("timeout", "TIMEOUT")
        choices = options["choices"]
        said = self._keys(text, choices.get("terminator")) if kind == "keys" else text
        self.note(heard=said)
        found = match(choices["value"], said)
        if found is None:
            return self._retry_or_fail("nomatch", "NOMATCH")
        utterance = " ".join(found.utterance) if kind == "keys" else found.utterance
        self.actions.append(
            {
                "name": options.get("name") or "ask",
                "attempts": self.waiting["attempt"],
                "disposition": "SUCCESS",
                "confidence": 100,
                "interpretation": found.interpretation,
                "utterance": utterance,
                "value": found.interpretation,
                "concept": found.interpretation,
            }
        )
        self.waiting = None
        return self._run()

    def _record_input(self, kind: str, text: str) -> Step:
        options = self.waiting["options"]
        if kind == "timeout":
            self.note(heard=None)
            return self._retry_or_fail("timeout", "TIMEOUT")
        extension = EXTENSIONS.get(options.get("format") or "audio/wav", "wav")
        recording = f"{options['url'].rstrip('/')}/{self.session_id}.{extension}"
        self.note(recorded=recording, heard=text)
        self.actions.append(
            {
                "name": options.get("name") or "record",
                "attempts": self.waiting["attempt"],
                "disposition": "SUCCESS",
                "confidence": 100,
                "interpretation": text,
                "utterance": text,
                "value": recording,
                "uploadStatus": "success",
            }
        )
        self.waiting = None
        return self._run()

    def _conference_input(self, kind: str, text: str) -> Step:
        options = self.waiting["options"]
        terminator = options.get("terminator")
        if kind == "keys" and terminator and terminator in text:
            self.note(left_conference=options["id"])
            self.actions.append(
                {"name": options.get("name") or "conference", "disposition": "SUCCESS"}
            )
            self.waiting = None
            return self._run()
        self.note(heard=text or None)
        return Step(WAITING, waiting_for="conference")

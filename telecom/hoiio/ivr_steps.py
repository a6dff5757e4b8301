"""IVR steps: the blocks a Hoiio IVR session runs after its dial, as data, and
how Hatid's voice flows (Tropo's verbs) map onto them.

A plan is a list of steps, each a dict with a `kind` and the block's own
parameters (Hoiio's names):

    play      msg                                          (middle block)
    gather    msg, max_digits, timeout, attempts, name,    (middle block)
              choices: {"1": [steps...], ...}
    record    msg, max_duration, name                      (middle block)
    monitor   msg                                          (middle block)
    transfer  dest (a number or room:<id>), msg, caller_id,
              on_failure ("continue" by default, so a failed transfer
              goes on with the next step)                   (end block)
    hangup    msg                                          (end block)

`name` keys what the caller did (digits, a recording's URL) in the
session's results. A gather's `choices` are steps run next when those
digits were keyed (the rest of the plan follows them). A plan that does not
end with an end block gets a `hangup`.

From Tropo's verbs (`voiceflows.tropo.verbs`), where they map:

    Say(value)                    -> play(msg=value)
    Ask(say, choices, attempts,   -> gather(msg=the say's text, attempts,
        timeout, name)                timeout, name; max_digits from a
                                      "[N DIGITS]" choices value, or the
                                      longest choice made of keys)
    Record(say, max_time, name)   -> record(msg, max_duration=max_time, name)
    Transfer(to)                  -> transfer(dest=to, on_failure=continue)
    Hangup()                      -> hangup
    StartRecording(...)           -> monitor (records from there on)

Tropo verbs with no Hoiio block (Call, Conference, Message, Wait, On,
Redirect, Reject) are refused by `from_tropo`. `block_from_tropo` maps one
verb (voice flows run on Hoiio one step, so one block, at a time).
"""

from __future__ import annotations

import re

STEP_KINDS = ("play", "gather", "record", "monitor", "transfer", "hangup")
END_KINDS = ("transfer", "hangup")
_PARAMS = {
    "play": {"msg"},
    "gather": {"msg", "max_digits", "timeout", "attempts", "name", "choices"},
    "record": {"msg", "max_duration", "name"},
    "monitor": {"msg"},
    "transfer": {"dest", "msg", "caller_id", "on_failure"},
    "hangup": {"msg"},
}
_INTEGERS = {
    "max_digits": (1, 32),
    "timeout": (1, 600),
    "attempts": (1, 10),
    "max_duration": (1, 3600),
}
MAX_STEPS = 50


class PlanError(ValueError):
    """A plan that cannot run; the message says which step and why."""


def _step(step, where: str, depth: int) -> dict:
    if not isinstance(step, dict):
        raise PlanError(f"{where}: a step is an object with a kind")
    kind = step.get("kind")
    if kind not in STEP_KINDS:
        raise PlanError(f"{where}: kind must be one of {', '.join(STEP_KINDS)}")
    unknown = sorted(set(step) - _PARAMS[kind] - {"kind"})
    if unknown:
        raise PlanError(f"{where}: {kind} takes no {', '.join(unknown)}")
    clean: dict = {"kind": kind}
    for name, value in step.items():
        if name in ("kind", "choices"):
            continue
        if name in _INTEGERS:
            low, high = _INTEGERS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise PlanError(f"{where}: {name} must be a whole number from {low} to {high}")
        elif not isinstance(value, str) or len(value) > 1000:
            raise PlanError(f"{where}: {name} must be text")
        clean[name] = value
    if kind == "play" and not clean.get("msg"):
        raise PlanError(f"{where}: play needs a msg")
    if kind == "transfer":
        if not clean.get("dest"):
            raise PlanError(f"{where}: transfer needs a dest")
        clean.setdefault("on_failure", "continue")
        if clean["on_failure"] not in ("", "continue"):
            raise PlanError(f"{where}: on_failure is continue or empty")
    if "choices" in step:
        choices = step["choices"]
        if depth > 2 or not isinstance(choices, dict):
            raise PlanError(f"{where}: choices map keys to lists of steps (two levels at most)")
        clean["choices"] = {}
        for digits, steps in choices.items():
            if not re.fullmatch(r"[0-9*#]{1,32}", str(digits)):
                raise PlanError(f"{where}: choice {digits!r} is not keypad keys")
            clean["choices"][str(digits)] = _plan(steps, f"{where}.choices[{digits}]", depth + 1)
    return clean


def _plan(steps, where: str, depth: int) -> list[dict]:
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise PlanError(f"{where}: a plan is a list of at most {MAX_STEPS} steps")
    return [_step(step, f"{where}[{i}]", depth) for i, step in enumerate(steps)]


def validate_plan(steps) -> list[dict]:
    """The plan, checked and completed (an end block at the end)."""
    plan = _plan(steps, "steps", 0)
    if not plan or plan[-1]["kind"] not in END_KINDS:
        plan.append({"kind": "hangup"})
    return plan


def next_after_gather(step: dict, digits: str | None) -> list[dict]:
    """The steps a gather's answer leads to (none when no choice matches)."""
    return list((step.get("choices") or {}).get(digits or "", []))


def send_step(client, *, session: str, step: dict, tag: str, notify_url: str, subject=None):
    """Send one step as its Hoiio block."""
    kind = step["kind"]
    common = {"session": session, "tag": tag, "notify_url": notify_url, "subject": subject}
    params = {k: v for k, v in step.items() if k not in ("kind", "name", "choices")}
    method = {
        "play": client.ivr_play,
        "gather": client.ivr_gather,
        "record": client.ivr_record,
        "monitor": client.ivr_monitor,
        "transfer": client.ivr_transfer,
        "hangup": client.ivr_hangup,
    }[kind]
    return method(**params, **common)


# --- from Tropo's verbs ---------------------------------------------------------------

_DIGITS = re.compile(r"\[(\d+)(?:-(\d+))?\s+DIGITS?\]", re.IGNORECASE)
_KEYS = re.compile(r"[0-9*#]{1,32}")


def _say_text(say) -> str:
    """The text of a Tropo `say` option: one Say or several. Prompts tied to
    an event (a nomatch's, a timeout's) are not the question: left out."""
    says = say if isinstance(say, tuple) else (say,)
    return " ".join(
        str(getattr(s, "value", ""))
        for s in says
        if s is not None and not getattr(s, "event", None)
    ).strip()


def max_digits(grammar: str) -> int | None:
    """The most keys an answer to a `choices` grammar takes: `[N DIGITS]`'s N
    (or M of `[N-M DIGITS]`), else the longest choice (or synonym) made of keys."""
    match = _DIGITS.search(grammar or "")
    if match:
        return int(match.group(2) or match.group(1))
    words = re.split(r"[,()]", grammar or "")
    keyed = [len(w.strip()) for w in words if _KEYS.fullmatch(w.strip())]
    return max(keyed) if keyed else None


def block_from_tropo(verb, say: str = "") -> dict:
    """One Tropo verb as one Hoiio block (PlanError for a verb with none);
    `say` is spoken first (a route's words on the way)."""
    name = type(verb).__name__
    if name == "Say":
        step = {"kind": "play", "msg": _say_text(verb)}
    elif name == "Ask":
        step = {"kind": "gather", "msg": _say_text(verb.say)}
        digits = max_digits(str(getattr(verb.choices, "value", "") or ""))
        if digits:
            step["max_digits"] = digits
        if getattr(verb, "attempts", None):
            step["attempts"] = int(verb.attempts)
        if getattr(verb, "timeout", None):
            step["timeout"] = max(1, round(float(verb.timeout)))
        if getattr(verb, "name", None):
            step["name"] = verb.name
    elif name == "Record":
        step = {"kind": "record", "msg": _say_text(getattr(verb, "say", None))}
        if getattr(verb, "max_time", None):
            step["max_duration"] = max(1, round(float(verb.max_time)))
        if getattr(verb, "name", None):
            step["name"] = verb.name
    elif name == "StartRecording":
        step = {"kind": "monitor"}
    elif name == "Transfer":
        to = verb.to[0] if isinstance(verb.to, tuple) else verb.to
        step = {"kind": "transfer", "dest": str(to).removeprefix("tel:")}
    elif name == "Hangup":
        step = {"kind": "hangup"}
    else:
        raise PlanError(f"Tropo's {name} has no Hoiio IVR block")
    if say.strip():
        step["msg"] = f"{say.strip()} {step.get('msg', '')}".strip()
    return {k: v for k, v in step.items() if v not in ("", None)}


def check_block(step: dict) -> dict:
    """One block, checked as a plan's step is (choices aside)."""
    return _step(step, "step", 3)


def from_tropo(verbs) -> list[dict]:
    """A plan from Tropo verbs (voiceflows.tropo.verbs); PlanError for a verb with
    no Hoiio block."""
    return validate_plan([block_from_tropo(verb) for verb in verbs])

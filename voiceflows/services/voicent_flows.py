"""Voice flows played by a Voicent gateway: a flow that only speaks text or
plays one audio file becomes one Voicent call (`telecom.services.voicent`,
sent once by a worker like every other call of the gateway).

The gateway's callText and callAudio speak one text or play one WAV and
report nothing back but "made" or "failed" (Voicent gateway API: "Call
Request", "Call Status"): no keys, no speech, no step reached. So only a
flow whose path from its start is `say` steps (then, optionally, a
`hangup`) can run there; any other step (an ask, a record, a transfer...),
a step with an action, or a route that depends on the caller is refused,
naming the step. Several text says are spoken as one text; an audio say
(a `.wav` value) must be the flow's only say, since a call plays text or
audio, not both.
"""

from telecom.errors import ServiceError
from telecom.models import ProviderApp, VoicentCall
from telecom.services import voicent
from telecom.steps.templating import render
from telecom.voicent.client import CALL_REQUEST, audio_call, text_call
from voiceflows.engine import FlowSpec, StepSpec
from voiceflows.models import VoiceFlow

AUDIO_SUFFIXES = (".wav",)
ENDS = ("hangup",)


def _refuse(step: StepSpec, why: str):
    raise ServiceError(
        f"the Voicent gateway only speaks text or plays audio: step {step.key!r} {why}",
        field="flow",
    )


def _say_value(step: StepSpec) -> str:
    value = step.options.get("value")
    if not isinstance(value, str) or not value.strip():
        _refuse(step, "says no text (a list of says or an empty one)")
    return value.strip()


def _path(flow: FlowSpec) -> list[StepSpec]:
    """The steps a call goes through from the start, each refused if the gateway cannot play it."""
    path: list[StepSpec] = []
    key = flow.start
    while key:
        step = flow.step(key)
        if step in path:
            _refuse(step, "is reached again (a loop)")
        path.append(step)
        if step.action:
            _refuse(step, f"acts when reached ({step.action}), which the gateway cannot report")
        if step.verb in ENDS:
            break
        if step.verb != "say":
            _refuse(step, f"is {step.verb!r}, which needs more than one text or audio file")
        following = [r for r in step.routes if r.on not in ("hangup", "error")]
        if any(r.on != "continue" or r.url for r in following):
            _refuse(step, "has routes that depend on the caller or leave for another URL")
        key = following[0].goto if following else ""
    return path


def voicent_call_content(flow: VoiceFlow, variables: dict) -> dict:
    """`{"text": ...}` or `{"audio_file": ...}`: what the gateway is given for `flow`."""
    says = [_say_value(step) for step in _path(FlowSpec.load(flow)) if step.verb == "say"]
    if not says:
        raise ServiceError(f"the flow {flow.slug} says nothing", field="flow")
    audio = [value for value in says if value.lower().endswith(AUDIO_SUFFIXES)]
    if audio and len(says) > 1:
        raise ServiceError(
            "the Voicent gateway plays one audio file or speaks text, not both: "
            f"the flow {flow.slug} has {len(says)} says",
            field="flow",
        )
    if audio:
        return {"audio_file": render(audio[0], variables)}
    return {"text": " ".join(render(value, variables) for value in says)}


def start_voicent_flow_call(
    *,
    app: ProviderApp,
    to: str,
    flow: VoiceFlow,
    variables: dict,
    source: str,
    partner=None,
    campaign=None,
) -> VoicentCall:
    """Queue the Voicent call that plays `flow` to `to` (one call, sent by a worker)."""
    if campaign is not None:
        raise ServiceError("call campaigns run on Globe Labs apps", field="app")
    content = voicent_call_content(flow, {"callee": to, **variables})
    return voicent.place_voicent_call(
        app=app, to=to, flow=flow.slug, source=source, partner=partner, **content
    )


def gateway_request(flow: VoiceFlow, *, to: str, variables: dict) -> dict:
    """What the gateway would receive for a call that plays `flow` to `to`: the
    handler and the form posted (a ServiceError naming the step if it cannot)."""
    content = voicent_call_content(flow, {"callee": to, **variables})
    if "text" in content:
        return {"handler": CALL_REQUEST, "form": text_call(to, content["text"], False)}
    return {"handler": CALL_REQUEST, "form": audio_call(to, content["audio_file"], False)}

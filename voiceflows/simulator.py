"""The walk-through simulator: a call through a flow with nobody on the phone.

The operator plays the caller (keys, words, silence, hanging up); the
platform is `voiceflows.tropo.platform.PlatformCall`, the same model the
sandbox runs; Hatid's side is the flow engine, with the same `turn` and
`render` as the voice webhook. Nothing is stored and no step acts: actions
are named, not run. The walk's state is plain JSON the page carries from
one request to the next.

Each exchange shows what the platform would post (the session, then each
result) to which URL, and the Tropo JSON Hatid would answer.

A flow of another provider's app is not walked (nobody answers a Tropo
document there): `provider_request` shows what that provider would receive
for an outbound call that plays it, or why it cannot (`voiceflows.services.outbound`'s
starters).
"""

import json
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qs, urlsplit

from telecom.errors import ServiceError
from telecom.models import ProviderApp
from voiceflows import engine
from voiceflows.models import VoiceFlow
from voiceflows.services.calls import urls_for
from voiceflows.tropo import parse_result
from voiceflows.tropo.platform import POST, PlatformCall

SESSION_ID = "simulated0000000000000000000000"


@dataclass
class Walk:
    platform: dict
    variables: dict
    awaiting: list = field(default_factory=list)
    exchanges: list = field(default_factory=list)
    waiting_for: str = ""
    ended: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Walk":
        return cls(**json.loads(text))

    @property
    def transcript(self) -> list:
        return self.platform.get("transcript", [])


def _actions(spec: engine.FlowSpec, steps: list[str]) -> list[str]:
    return [f"{key}: {spec.steps[key].action}" for key in steps if spec.steps[key].action]


def start(flow: VoiceFlow, *, caller: str) -> Walk:
    """An incoming call from `caller` reaches the flow's start step."""
    spec = engine.FlowSpec.load(flow)
    url_for = urls_for(flow.app, flow)
    url = url_for(spec.start, None).rsplit("/", 2)[0] + "/"
    variables = {"caller": caller, "callee": flow.app.shortcode}
    session = {
        "session": {
            "id": SESSION_ID,
            "userType": "HUMAN",
            "from": {"id": caller, "channel": "VOICE", "network": "PSTN"},
            "to": {"id": flow.app.shortcode, "channel": "VOICE", "network": "PSTN"},
        }
    }
    platform = PlatformCall(session_id=SESSION_ID, answered=True)
    walk = Walk(platform={}, variables=variables)
    document, steps = _answer(
        spec, walk, lambda: engine.render(spec, spec.start, variables, url_for)
    )
    walk.exchanges.append(
        {
            "url": url,
            "posted": session,
            "answered": document,
            "steps": steps,
            "actions": _actions(spec, steps),
        }
    )
    return _follow(spec, url_for, walk, platform, platform.play(document, url))


def give(flow: VoiceFlow, walk: Walk, kind: str, text: str = "") -> Walk:
    """The caller's input; CallError when the call cannot take it now."""
    spec = engine.FlowSpec.load(flow)
    platform = PlatformCall.from_dict(walk.platform)
    step = platform.give(kind, text)
    return _follow(spec, urls_for(flow.app, flow), walk, platform, step)


def _answer(spec, walk: Walk, render) -> tuple[dict, list[str]]:
    try:
        document = render()
    except engine.FlowError as error:
        walk.ended = str(error)
        return json.loads(engine.farewell(f"(error: {error})").json()), []
    walk.awaiting = document.steps
    return json.loads(document.json()), document.steps


def _route(spec: engine.FlowSpec, url: str) -> tuple[str, str | None] | None:
    """(step, event) of one of this flow's URLs; None for another app's URL."""
    parts = urlsplit(url)
    segments = parts.path.strip("/").split("/")
    if len(segments) != 4 or segments[0] != "voice" or segments[2] != spec.slug:
        return None
    return segments[3], parse_qs(parts.query).get("on", [None])[0]


def _follow(spec, url_for, walk: Walk, platform: PlatformCall, step) -> Walk:
    while step.kind == POST:
        exchange = {
            "url": step.url,
            "posted": step.body,
            "answered": None,
            "steps": [],
            "actions": [],
        }
        walk.exchanges.append(exchange)
        route = _route(spec, step.url)
        if route is None:
            walk.ended = f"handed over to {step.url}"
            platform.ended, platform.end_reason = True, walk.ended
            break
        key, event = route
        result = parse_result(step.body)
        walk.variables.update(engine.capture(spec, walk.awaiting, result))
        turn = engine.turn(spec, key, event, result, walk.variables)
        if turn.goto and not turn.hung_up:
            document, steps = _answer(
                spec,
                walk,
                lambda turn=turn: engine.render(
                    spec, turn.goto, walk.variables, url_for, say=turn.say
                ),
            )
        elif turn.url:
            document, steps = {"tropo": [{"on": {"event": "continue", "next": turn.url}}]}, []
        else:
            document, steps = json.loads(engine.farewell("").json()), []
            walk.ended = walk.ended or turn.ends
        exchange.update(answered=document, steps=steps, actions=_actions(spec, steps))
        if turn.hung_up and turn.goto:
            exchange["actions"] = _actions(spec, [turn.goto])
        step = platform.play(document, step.url)
    walk.platform = platform.to_dict()
    walk.waiting_for = (platform.waiting or {}).get("kind", "")
    if platform.ended and not walk.ended:
        walk.ended = platform.end_reason
    return walk


def provider_request(flow: VoiceFlow, *, to: str) -> dict:
    """For a flow of a Voicent or Hoiio app: `provider`, and either `handler` and
    `form` (what the provider is posted for a call to `to`) or `problem`."""
    from voiceflows.services.voicent_flows import gateway_request

    app = flow.app
    shown = {"provider": app.get_provider_display(), "handler": "", "form": "", "problem": ""}
    if app.provider == ProviderApp.Provider.HOIIO:
        return {**shown, **_hoiio_request(flow, to=to)}
    try:
        request = gateway_request(flow, to=to, variables={})
    except ServiceError as error:
        return {**shown, "problem": str(error)}
    return {**shown, "handler": request["handler"], "form": json.dumps(request["form"], indent=2)}


def _hoiio_request(flow: VoiceFlow, *, to: str) -> dict:
    """What Hoiio is asked for a call to `to`: the dial (`ivr/start/dial`),
    then, once answered, the flow's first step as its IVR block."""
    from voiceflows.services.hoiio_calls import block_for, hoiio_problems

    problems = hoiio_problems(flow)
    if problems:
        return {"problem": f"{flow.slug} cannot run on Hoiio: " + "; ".join(problems)}
    spec = engine.FlowSpec.load(flow)
    try:
        first = block_for(spec, spec.start, {})
    except engine.FlowError as error:
        return {"problem": str(error)}
    request = {"dial": {"dest": to}, "once answered": first}
    return {"handler": "ivr/start/dial", "form": json.dumps(request, indent=2)}

"""A voice flow as a graph for its change page: each step a node (its key, its
verb and what it says), each route an edge labelled with the answer or event
it is for, a route to another app's URL an exit. What ends a call on purpose
is the engine's: a `hangup`, `reject` or `redirect` (`engine.TERMINAL`); any
other step whose routes go nowhere but on the caller's hang-up is a dead end
(the call just stops after it). Drawn by `telecom.steps.graph_svg`."""

from django.urls import reverse

from telecom.steps.graph import Edge, Graph, Node
from telecom.steps.graph_svg import draw
from voiceflows import engine
from voiceflows.models import Route, Step, VoiceFlow

EVENT_LABELS = {
    "continue": "",
    "timeout": "timeout",
    "nomatch": "no match",
    "incomplete": "incomplete",
    "hangup": "caller hangs up",
    "error": "error",
}


def _say(value) -> str:
    if isinstance(value, dict):
        return str(value.get("value", ""))
    if isinstance(value, list):
        plain = [v for v in value if isinstance(v, dict) and not v.get("event")]
        return _say((plain or value)[0]) if value else ""
    return str(value) if isinstance(value, str) else ""


def step_text(verb: str, options) -> str:
    """A line of what the step says or does, from its Tropo options."""
    if not isinstance(options, dict):
        return ""
    if isinstance(options.get("value"), str):
        return options["value"]
    if options.get("say"):
        return _say(options["say"])
    to = options.get("to")
    if to:
        return "to " + (", ".join(map(str, to)) if isinstance(to, list) else str(to))
    if verb == "conference" and options.get("id"):
        return f"room {options['id']}"
    if verb == "wait" and options.get("milliseconds"):
        return f"{options['milliseconds']} ms"
    return ""


def route_label(route: Route, verb: str) -> str:
    if route.on == Route.On.ANSWER:
        return f"“{route.value}”"
    if route.on == Route.On.CONTINUE and verb in engine.ANSWERING:
        return "any other answer"
    return EVENT_LABELS.get(route.on, route.on)


def flow_graph(flow: VoiceFlow) -> Graph:
    """The flow's steps and routes, read in two queries whatever their number."""
    steps = list(Step.objects.filter(flow=flow).prefetch_related("routes"))
    keys = {step.pk: step.key for step in steps}
    nodes, edges, exits = [], [], {}
    for step in steps:
        nodes.append(
            Node(
                key=step.key,
                text=step_text(step.verb, step.options),
                kind=step.verb + (f" · {step.action}" if step.action else ""),
                url=reverse("admin:voiceflows_step_change", args=[step.pk]),
                terminal=step.verb in engine.TERMINAL,
                note=step.get_action_display() if step.action else "",
            )
        )
        for route in sorted(step.routes.all(), key=lambda r: (r.position, r.pk)):
            target = keys.get(route.goto_id, "")
            if not target and route.url:
                target = exits.setdefault(route.url, f"→ {route.url}")
            if target:
                edges.append(
                    Edge(
                        step.key,
                        target,
                        route_label(route, step.verb),
                        leads_on=route.on != Route.On.HANGUP,
                    )
                )
    nodes += [Node(key, text="another app", kind="URL", exit=True) for key in exits.values()]
    start = keys.get(flow.start_step_id) or (steps[0].key if steps else "")
    return Graph(nodes, edges, start=start)


def flow_graph_html(flow: VoiceFlow) -> str:
    return draw(flow_graph(flow))

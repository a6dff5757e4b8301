"""The voice flow engine: which Tropo document answers a call at a step, and
where a result sends the call. Pure: no database writes, no provider calls,
so real calls, the admin's previews and its walk-through simulator all run
the same code.

A document is built from a chain of steps. A step's verb comes first, with
its options' `{variables}` filled in (`telecom.steps.templating`, the
syntax USSD screens use too) (an ask or record without a `name`
gets the step's key, so its answer can be found in the result). After a
say, wait, call or message whose only route is a plain "continue" to a step
that does not act, that step joins the same document; otherwise the routes
become `on` handlers at the end of the document:

- an event with one plain route (continue, incomplete, hangup, error) sends
  the platform straight to the target: `next` is the target step's URL (or
  the route's own URL), with the route's say and `required`;
- an event whose routes depend on the answer (`answer` values, timeout
  versus nomatch) sends the result back to the step's own URL with `?on=`
  the event, and `resolve` picks the route when it arrives.

`url_for(step, event)` builds those URLs: the target step's URL when
`event` is None, the URL that reports the step's result otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telecom.steps import templating
from voiceflows.tropo import Call, Hangup, On, Result, Say, TropoError, load, render_json
from voiceflows.tropo.options import Verb

# Verbs after which the next step may play in the same document: nothing
# they produce needs Hatid's attention.
CHAINABLE = frozenset({"say", "wait", "call", "message", "startRecording", "stopRecording"})
TERMINAL = frozenset({"hangup", "reject", "redirect"})
# Verbs whose answer is kept as a variable under their `name`.
ANSWERING = frozenset({"ask", "record"})
STEP_VERBS = (
    "say",
    "ask",
    "record",
    "transfer",
    "conference",
    "wait",
    "call",
    "message",
    "hangup",
    "reject",
    "redirect",
    "startRecording",
    "stopRecording",
)
# The Tropo event each kind of route listens to.
EVENT_OF = {
    "answer": "continue",
    "continue": "continue",
    "timeout": "incomplete",
    "nomatch": "incomplete",
    "incomplete": "incomplete",
    "hangup": "hangup",
    "error": "error",
}
EVENTS = ("continue", "incomplete", "hangup", "error")

UrlFor = Callable[[str, str | None], str]


class FlowError(ValueError):
    """The flow cannot answer (an unknown step, a variable that leaves an option empty)."""


# --- variables -------------------------------------------------------------


def same_answer(expected: str, given: str | None) -> bool:
    return given is not None and " ".join(expected.lower().split()) == " ".join(
        str(given).lower().split()
    )


# --- the flow as the engine sees it ------------------------------------------------


@dataclass(frozen=True)
class RouteSpec:
    on: str
    goto: str = ""
    url: str = ""
    value: str = ""
    say: str = ""
    required: bool = False
    same_document: bool = True

    @property
    def event(self) -> str:
        return EVENT_OF[self.on]

    @property
    def plain(self) -> bool:
        """Listens to a whole Tropo event, whatever the answer."""
        return self.on in EVENTS


@dataclass(frozen=True)
class StepSpec:
    key: str
    verb: str
    options: dict = field(default_factory=dict)
    routes: tuple[RouteSpec, ...] = ()
    action: str = ""

    @property
    def variable(self) -> str:
        """Where the step's answer is kept: its `name` option, else its key."""
        name = self.options.get("name")
        return name if isinstance(name, str) and name else self.key

    def groups(self) -> dict[str, list[RouteSpec]]:
        grouped: dict[str, list[RouteSpec]] = {}
        for route in self.routes:
            grouped.setdefault(route.event, []).append(route)
        return grouped


@dataclass(frozen=True)
class FlowSpec:
    slug: str
    start: str
    steps: dict[str, StepSpec]
    report_hangups: bool = True

    @classmethod
    def load(cls, flow) -> FlowSpec:
        """A saved VoiceFlow's steps and routes, in two queries."""
        steps = list(flow.steps.prefetch_related("routes__goto"))
        specs = {
            step.key: StepSpec(
                key=step.key,
                verb=step.verb,
                options=step.options if isinstance(step.options, dict) else {},
                routes=tuple(
                    RouteSpec(
                        on=route.on,
                        goto=route.goto.key if route.goto_id else "",
                        url=route.url,
                        value=route.value,
                        say=route.say,
                        required=route.required,
                        same_document=route.same_document,
                    )
                    for route in sorted(route_list(step), key=lambda r: (r.position, r.pk))
                ),
                action=step.action,
            )
            for step in steps
        }
        start = next((s.key for s in steps if s.pk == flow.start_step_id), "")
        return cls(
            slug=flow.slug,
            start=start or (steps[0].key if steps else ""),
            steps=specs,
            report_hangups=flow.report_hangups,
        )

    def step(self, key: str) -> StepSpec:
        try:
            return self.steps[key]
        except KeyError:
            raise FlowError(f"the flow {self.slug} has no step {key!r}") from None


def route_list(step) -> list:
    return list(step.routes.all())


# --- checking what operators enter -----------------------------------------------


def options_problem(verb: str, options: Any) -> str | None:
    """Why these options cannot make the verb ("" / None when they can)."""
    if verb not in STEP_VERBS:
        return f"{verb!r} is not a step verb ({', '.join(STEP_VERBS)})"
    if not isinstance(options, dict):
        return 'must be an object of Tropo options, like {"value": "Hello"}'
    try:
        load({"tropo": [{verb: options}]})
    except TropoError as error:
        return str(error).removeprefix("tropo[0].")
    return None


def flow_problems(flow: FlowSpec) -> list[str]:
    """What is wrong with the flow as a whole (each step checked its own options)."""
    problems = []
    if flow.steps and flow.start not in flow.steps:
        problems.append(f"the start step {flow.start!r} does not exist")
    for step in flow.steps.values():
        for event, routes in step.groups().items():
            if any(r.url for r in routes) and len(routes) > 1:
                problems.append(
                    f"{step.key}: a route to a URL must be the only route for '{event}'"
                )
            for route in routes:
                if route.goto and route.goto not in flow.steps:
                    problems.append(f"{step.key}: no step {route.goto!r} to go to")
        if step.verb in TERMINAL and step.routes:
            problems.append(f"{step.key}: a {step.verb} ends the call; its routes never apply")
    return problems


# --- rendering --------------------------------------------------------------------


@dataclass
class Document:
    """A Tropo document and what it stands for: the steps played, whether the
    call comes back to Hatid after it."""

    verbs: list[Verb]
    steps: list[str]
    ends: bool

    def json(self) -> str:
        return render_json(self.verbs)


def step_verb(step: StepSpec, variables: dict) -> Verb:
    options = templating.render_all(step.options, variables)
    if step.verb in ANSWERING and not options.get("name"):
        options = {**options, "name": step.key}
    try:
        [verb] = load({"tropo": [{step.verb: options}]})
    except TropoError as error:
        raise FlowError(f"step {step.key}: {str(error).removeprefix('tropo[0].')}") from None
    return verb


def _handler(step: StepSpec, event: str, routes: list[RouteSpec], variables, url_for) -> On:
    if len(routes) == 1 and routes[0].plain:
        route = routes[0]
        say = Say(templating.render(route.say, variables)) if route.say.strip() else None
        target = templating.render(route.url, variables) if route.url else url_for(route.goto, None)
        return On(event, next=target, say=say, required=True if route.required else None)
    return On(event, next=url_for(step.key, event))


def _chained(flow: FlowSpec, step: StepSpec, chain: list[str], taken: set[str]) -> str | None:
    """The step that joins this document after `step`, if one may."""
    if step.verb not in CHAINABLE:
        return None
    routes = step.groups().get("continue", [])
    if len(routes) != 1:
        return None
    route = routes[0]
    if route.on != "continue" or route.url or route.say or route.required:
        return None
    if not route.same_document or route.goto in chain:
        return None
    target = flow.steps.get(route.goto)
    if target is None or target.action:
        return None
    if set(target.groups()) & taken:
        return None  # two handlers for one event in one document
    return route.goto


def render(
    flow: FlowSpec, key: str, variables: dict, url_for: UrlFor, *, say: str = ""
) -> Document:
    """The document that plays step `key` (and the steps that join it)."""
    verbs: list[Verb] = [Say(templating.render(say, variables))] if say.strip() else []
    handlers: list[On] = []
    chain: list[str] = []
    comes_back = False
    current: str | None = key
    while current is not None:
        step = flow.step(current)
        chain.append(current)
        verbs.append(step_verb(step, variables))
        if step.verb in TERMINAL:
            break
        taken = {handler.event for handler in handlers}
        following = _chained(flow, step, chain, taken | set(step.groups()) - {"continue"})
        for event, routes in step.groups().items():
            if event == "continue" and following:
                continue
            handlers.append(_handler(step, event, routes, variables, url_for))
            if event != "hangup" and not (len(routes) == 1 and routes[0].url):
                comes_back = True
        current = following
    hangs_up = flow.steps[chain[-1]].verb in TERMINAL
    if flow.report_hangups and not hangs_up and not any(h.event == "hangup" for h in handlers):
        handlers.append(On("hangup", next=url_for(chain[-1], "hangup")))
    return Document(verbs + handlers, chain, ends=not comes_back)


def dial(to: str, *, caller_id: str, timeout: float, url_for: UrlFor, start: str) -> Document:
    """The first document of an outbound call: ring `to`, then come back to
    Hatid either way (connected: `continue`; not answered: `incomplete`)."""
    call = Call(to, from_=caller_id or None, timeout=timeout)
    return Document(
        [
            call,
            On("continue", next=url_for(start, None)),
            On("incomplete", next=url_for(start, "incomplete")),
        ],
        [],
        ends=False,
    )


def farewell(message: str) -> Document:
    """Say `message` (when there is one) and hang up: how a call that cannot go on ends."""
    verbs: list[Verb] = [Say(message)] if message.strip() else []
    return Document([*verbs, Hangup()], [], ends=True)


# --- results -------------------------------------------------------------------------


def resolve(flow: FlowSpec, key: str, event: str, result: Result, variables: dict):
    """The route step `key` takes for this result of `event`; None when none applies."""
    step = flow.step(key)
    if event in ("hangup", "error"):
        return next((r for r in step.routes if r.on == event), None)
    action = result.action(step.variable) or (result.actions[0] if result.actions else None)
    disposition = action.disposition if action else None
    if disposition in (None, "SUCCESS"):
        answers = (action.interpretation, action.value) if action else ()
        for route in step.routes:
            if route.on == "answer" and any(
                same_answer(templating.render(route.value, variables), given) for given in answers
            ):
                return route
        wanted = ["continue"]
    elif disposition == "TIMEOUT":
        wanted = ["timeout", "incomplete", "continue"]
    elif disposition == "NOMATCH":
        wanted = ["nomatch", "incomplete", "continue"]
    else:
        wanted = ["incomplete", "continue"]
    for on in wanted:
        found = next((r for r in step.routes if r.on == on), None)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Turn:
    """Where a result sends the call: a step to play (with words said on the
    way), another app's URL, or nowhere (`ends` says why)."""

    goto: str = ""
    say: str = ""
    url: str = ""
    hung_up: bool = False
    ends: str = ""


def turn(flow: FlowSpec, key: str, event: str | None, result: Result, variables: dict) -> Turn:
    """The turn a result posted to step `key`'s URL (`?on=event`) makes.

    A hang-up (the `hangup` event, or a result whose state is DISCONNECTED)
    ends the call; a `hangup` route's step may still act, silently. With an
    event, the step's routes decide; without one, the URL names the step.
    """
    if event == "hangup" or (result.state or "").upper() == "DISCONNECTED":
        route = resolve(flow, key, "hangup", result, variables) if key in flow.steps else None
        return Turn(goto=route.goto if route else "", hung_up=True, ends="the caller hung up")
    if event in EVENTS:
        route = resolve(flow, key, event, result, variables)
        if route is None:
            return Turn(ends=f"no route of {key} for this answer")
        if route.url:
            url = templating.render(route.url, variables)
            return Turn(url=url, ends=f"handed over to {route.url}")
        return Turn(goto=route.goto, say=route.say)
    return Turn(goto=key)


def capture(flow: FlowSpec, keys: list[str], result: Result) -> dict:
    """The answers in a result, as variables: each ask's interpretation and
    each record's recording URL, under the verb's `name`."""
    named = {}
    for key in keys:
        step = flow.steps.get(key)
        if step is not None and step.verb in ANSWERING:
            named[step.variable] = step
    found = {}
    for action in result.actions:
        step = named.get(action.name or "")
        if step is None or not action.succeeded:
            continue
        value = action.value if step.verb == "record" else action.interpretation or action.value
        if value is not None:
            found[step.variable] = value
    return found

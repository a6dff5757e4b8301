"""Flows as data, in and out: `import_flow` builds (or rebuilds) a flow from
a plain dict, `export_flow` writes one back out, in the same shape:

    {"slug": "welcome", "name": "Welcome", "start": "greet", "report_hangups": true,
     "steps": [{"key": "greet", "verb": "say", "options": {"value": "Hello"},
                "action": "", "action_text": "",
                "routes": [{"on": "continue", "goto": "menu"}]}, ...]}

A step's keys are the `Step` model's fields (`routes` aside, and
`action_partner` naming the partner by name); a route's are the `Route`
model's, with `goto` naming a step by its key. The demo flow,
the escalation flow and the tests' flows are written this way; `say_step`
writes the commonest step, a say that goes on to another, and `ask_step` an ask.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from telecom.errors import ServiceError
from telecom.models import Partner, ProviderApp
from telecom.steps.forms import ACTION_FIELDS
from voiceflows.engine import FlowSpec, flow_problems
from voiceflows.models import Route, Step, VoiceFlow

STEP_FIELDS = ("verb", "options", *ACTION_FIELDS)
ROUTE_FIELDS = ("on", "value", "url", "say", "required", "same_document")


def say_step(key: str, text: str, then: str = "", **fields) -> dict:
    """A step (in `import_flow`'s shape) that says `text`, then goes to step
    `then` (when given); `fields` add an action or other routes."""
    step = {"key": key, "verb": "say", "options": {"value": text}, **fields}
    if then:
        step["routes"] = [{"on": "continue", "goto": then}, *step.get("routes", [])]
    return step


def ask_step(key: str, *, routes: list[dict], **options) -> dict:
    """A step (in `import_flow`'s shape) that asks (`options`: Tropo's `ask`
    options, `choices`, `say`, `attempts`...) and goes where `routes` say."""
    return {"key": key, "verb": "ask", "options": options, "routes": routes}


def _partner(value) -> Partner | None:
    if value is None or isinstance(value, Partner):
        return value
    found = Partner.objects.filter(name=value).first()
    if found is None:
        raise ServiceError(f"no partner named {value!r}", field="steps")
    return found


def _valid(instance, where: str) -> None:
    try:
        instance.full_clean(exclude=["flow", "step", "goto", "start_step", "app"])
    except ValidationError as exc:
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items()
        )
        raise ServiceError(f"{where}: {problems}", field="steps") from None


@transaction.atomic
def import_flow(*, app: ProviderApp, data: dict) -> VoiceFlow:
    """Create the flow `data["slug"]` of this app, replacing one of that slug."""
    if not isinstance(data, dict) or not data.get("slug") or not data.get("steps"):
        raise ServiceError("a flow needs a slug and steps", field="steps")
    flow, _ = VoiceFlow.objects.update_or_create(
        app=app,
        slug=data["slug"],
        defaults={
            "name": data.get("name") or data["slug"],
            "report_hangups": data.get("report_hangups", True),
            "is_active": data.get("is_active", True),
            "start_step": None,
        },
    )
    flow.steps.all().delete()
    steps = {}
    for position, item in enumerate(data["steps"]):
        step = Step(
            flow=flow,
            key=item.get("key", ""),
            position=position,
            action_partner=_partner(item.get("action_partner")),
            **{name: item[name] for name in STEP_FIELDS if name in item},
        )
        _valid(step, f"step {step.key or position}")
        if step.key in steps:
            raise ServiceError(f"two steps are called {step.key!r}", field="steps")
        step.save()
        steps[step.key] = step
    for item in data["steps"]:
        for position, route_data in enumerate(item.get("routes", [])):
            goto = route_data.get("goto")
            if goto and goto not in steps:
                raise ServiceError(f"step {item['key']}: no step {goto!r} to go to", field="steps")
            route = Route(
                step=steps[item["key"]],
                position=position,
                goto=steps.get(goto) if goto else None,
                **{name: route_data[name] for name in ROUTE_FIELDS if name in route_data},
            )
            _valid(route, f"step {item['key']}, route {position + 1}")
            route.save()
    start = data.get("start") or data["steps"][0]["key"]
    if start not in steps:
        raise ServiceError(f"no step {start!r} to start with", field="start")
    flow.start_step = steps[start]
    flow.save(update_fields=["start_step"])
    problems = flow_problems(FlowSpec.load(flow))
    if problems:
        raise ServiceError("; ".join(problems), field="steps")
    return flow


def export_flow(flow: VoiceFlow) -> dict:
    steps = []
    for step in flow.steps.prefetch_related("routes__goto"):
        item = {"key": step.key}
        item.update({name: getattr(step, name) for name in STEP_FIELDS if getattr(step, name)})
        if step.action_partner_id:
            item["action_partner"] = step.action_partner.name
        routes = []
        for route in step.routes.all():
            data = {"on": route.on}
            if route.goto_id:
                data["goto"] = route.goto.key
            data.update(
                {
                    name: getattr(route, name)
                    for name in ROUTE_FIELDS
                    if name != "on"
                    and getattr(route, name) != Route._meta.get_field(name).default
                    and getattr(route, name) != ""
                }
            )
            routes.append(data)
        if routes:
            item["routes"] = routes
        steps.append(item)
    return {
        "slug": flow.slug,
        "name": flow.name,
        "start": flow.start_step.key if flow.start_step_id else (steps[0]["key"] if steps else ""),
        "report_hangups": flow.report_hangups,
        "steps": steps,
    }

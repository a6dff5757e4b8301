"""How a voice step reads in the console: its one-line summary (what the
caller hears, what it acts, where the call goes next) and the fieldsets of its
form (the verb's option fields row by row, the action's, then the JSON)."""

from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from telecom.steps.forms import ACTION_FIELDSET
from voiceflows import step_options
from voiceflows.engine import STEP_VERBS
from voiceflows.models import Step

SUMMARY_LENGTH = 90


def verb_rows() -> list[tuple[str, ...]]:
    """Every verb's option fields, row by row (the page's script shows the chosen verb's)."""
    return [
        tuple(step_options.field_name(verb, option) for option in row)
        for verb in STEP_VERBS
        for row in step_options.VERB_FIELDS[verb]
    ]


EDIT_FIELDS = [("key", "verb", "position"), *verb_rows(), *ACTION_FIELDSET]
JSON_FIELDSET = (
    "Advanced: options as Tropo JSON",
    {"classes": ["collapse"], "fields": ["options", "preview"]},
)


def _said(step: Step) -> str:
    """What the step says or does, in a few words: its first field's text."""
    options = step.options if isinstance(step.options, dict) else {}
    rows = step_options.VERB_FIELDS.get(step.verb, [])
    if not rows:
        return ""
    text = step_options.read(options, rows[0][0])
    return Truncator(str(text)).chars(SUMMARY_LENGTH) if text not in (None, "") else ""


def _route(route) -> tuple[str, str]:
    """A route as the summary says it: `1 → promo`, `then menu`, `incomplete → bye`."""
    target = route.goto.key if route.goto_id else route.url
    if route.on == "continue":
        return ("then", target)
    return (f"{route.value} →" if route.on == "answer" else f"{route.on} →", target)


def _detail(step: Step) -> str:
    options = step.options if isinstance(step.options, dict) else {}
    choices = options.get("choices")
    if step.verb == "ask" and isinstance(choices, dict) and choices.get("value"):
        return f"choices {choices['value']}"
    return ""


def _action(step: Step):
    if not step.action:
        return ""
    return format_html(' <span class="step-action">· {}</span>', step.get_action_display().lower())


def summary(step: Step | None):
    """One line: the verb, what it says, its action, its routes."""
    if step is None or not step.pk:
        return "New step: fill in its fields below."
    routes = format_html_join(", ", "{} {}", (_route(r) for r in step.routes.all()))
    said = _said(step)
    return format_html(
        '<span class="step-summary"><b class="step-verb">{}</b>{}{}{}'
        '<span class="step-routes">{}</span></span>',
        Step.Verb(step.verb).label.split(" (")[0] if step.verb in Step.Verb.values else step.verb,
        format_html(" “{}”", said) if said else "",
        format_html(' <span class="step-detail">{}</span>', _detail(step)) if _detail(step) else "",
        format_html(
            ' <span class="step-action">· then: {}</span>', step.get_action_display().lower()
        )
        if step.action
        else "",
        routes or "the call ends here",
    )

"""Filling message templates: one subscriber's text, a preview, the length
the part counter shows, and finding a template the API or a form names.

A variable's value, first found wins: what the sender gives for this message
(the API's `variables`, a USSD session's or a call's variables, a keyword
reply's `{text}`), then the subscriber's attribute of that name, then the
template's default. A value that is missing everywhere is the default, which
may be empty: a template never sends `{first_name}` as typed. Rendering is
`telecom.steps.templating.render`, the syntax of screens and steps.

Without a subscriber (the compose page before a number is known, a campaign's
estimate), the counter fills each variable with its longest plausible value:
`{number}` a full Philippine E.164 number, any other variable the longer of
its default and `PLAUSIBLE_WIDTH` characters.
"""

from __future__ import annotations

from subscribers.models import Subscriber
from telecom.errors import ServiceError
from telecom.models import ProviderApp
from telecom.models.message_template import BUILT_IN, MessageTemplate
from telecom.sms_length import SmsLength, measure
from telecom.steps.templating import names, render

PLAUSIBLE_NUMBER = "+639171234567"
PLAUSIBLE_WIDTH = 20


def values_for(
    defaults: dict, *, number: str, attributes: dict | None, given: dict | None = None
) -> dict:
    """The variables of one message: `given`, then `attributes`, then `defaults`."""
    given, attributes = given or {}, attributes or {}
    values = {}
    for name, default in defaults.items():
        chosen = given.get(name)
        if chosen in (None, ""):
            chosen = attributes.get(name)
        values[name] = default if chosen in (None, "") else chosen
    values["number"] = number
    return values


def fill(
    text: str,
    defaults: dict,
    *,
    number: str,
    attributes: dict | None = None,
    given: dict | None = None,
) -> str:
    """`text` filled for one subscriber (their number and attributes)."""
    return render(text, values_for(defaults, number=number, attributes=attributes, given=given))


def fill_for(template: MessageTemplate, subscriber: Subscriber, given: dict | None = None) -> str:
    return fill(
        template.text,
        template.defaults,
        number=subscriber.msisdn,
        attributes=subscriber.attributes,
        given=given,
    )


def plausible_fill(text: str, defaults: dict) -> str:
    """`text` filled with the longest plausible value of each variable."""
    widest = {
        name: max(str(value), "X" * PLAUSIBLE_WIDTH, key=len) for name, value in defaults.items()
    }
    return fill(text, defaults, number=PLAUSIBLE_NUMBER, given=widest)


def find_template(app: ProviderApp, ref, field: str = "template") -> MessageTemplate:
    """The app's template named `ref` (its id, or its name); a ServiceError on `field`."""
    ref = str(ref if ref is not None else "").strip()
    if not ref:
        raise ServiceError("name a template (its id or its name)", field=field)
    found = MessageTemplate.objects.filter(app=app)
    template = (found.filter(pk=int(ref)) if ref.isdigit() else found.filter(name=ref)).first()
    if template is None:
        raise ServiceError(f"no template “{ref[:100]}” for the app {app}", field=field)
    return template


def check_given(template: MessageTemplate, given, field: str = "variables") -> dict:
    """Values the sender gives: an object of texts, naming only declared variables."""
    if given is None:
        return {}
    if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
        raise ServiceError("variables are an object of names and texts", field=field)
    unknown = [name for name in given if name not in template.defaults]
    if unknown:
        shown = ", ".join(sorted(unknown)[:10])
        raise ServiceError(
            f"the template {template.name} has no variable {shown} "
            f"(it has: {', '.join(sorted([*BUILT_IN, *template.defaults]))})",
            field=field,
        )
    return given


def preview(template: MessageTemplate, subscriber: Subscriber | None) -> dict:
    """What the template says to `subscriber` (the longest plausible fill without
    one), with its length."""
    if subscriber is not None and subscriber.app_id != template.app_id:
        raise ServiceError("this subscriber belongs to another app", field="subscriber")
    text = (
        fill_for(template, subscriber)
        if subscriber is not None
        else plausible_fill(template.text, template.defaults)
    )
    return {"text": text, "basis": basis(subscriber), **measure(text).as_dict()}


def basis(subscriber: Subscriber | None) -> str:
    if subscriber is None:
        return "the longest plausible values"
    return f"{subscriber.msisdn}'s values"


def estimate(text: str, defaults: dict | None) -> SmsLength:
    """The length the counter shows: `text` as is, or filled plausibly when it is a
    template's (`defaults` not None)."""
    if defaults is None:
        return measure(text)
    return measure(plausible_fill(text, defaults))


def explain(template: MessageTemplate, subscriber: Subscriber | None) -> list[dict]:
    """Each variable the text uses, the value it takes for `subscriber` and where
    that value comes from (for the console's preview)."""
    attributes = subscriber.attributes if subscriber is not None else {}
    rows = []
    for name in names(template.text):
        if name == "number":
            value = subscriber.msisdn if subscriber is not None else PLAUSIBLE_NUMBER
            rows.append({"name": name, "value": value, "source": "number"})
        elif attributes.get(name) not in (None, ""):
            rows.append({"name": name, "value": str(attributes[name]), "source": "attribute"})
        else:
            value = template.defaults.get(name, "")
            rows.append({"name": name, "value": value, "source": "default"})
    return rows

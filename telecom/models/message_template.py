"""`MessageTemplate`: a named SMS text of one app whose variables are filled
for each subscriber it goes to.

The syntax is the one of screens and steps (`telecom.steps.templating`):
`{number}` is always known (the subscriber's number); every other variable
the text uses is declared in `defaults` with the value it takes when the
subscriber has no attribute of that name (`{"first_name": "there"}`). A text
naming a variable it does not declare is refused when saved, so a typo
cannot go out as a hole. Filling is `telecom.services.message_templates`.

Per app, like keyword rules and USSD menus: a partner's key reaches only its
apps' rows, and a template names its app's offers and short code.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models

from telecom.models.bases import Timestamped
from telecom.models.provider_app import ProviderApp
from telecom.steps.templating import NAME, names

# Filled by Hatid for every subscriber; a template need not declare them.
BUILT_IN = ("number",)
MAX_DEFAULTS = 50
MAX_DEFAULT_LENGTH = 200


def undeclared(text: str, declared) -> list[str]:
    """The variables `text` uses that are neither built in nor in `declared`."""
    return [name for name in names(text) if name not in BUILT_IN and name not in declared]


class MessageTemplate(Timestamped):
    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="message_templates")
    name = models.CharField(max_length=100, help_text="How operators and the API name it.")
    text = models.TextField(
        help_text="The SMS. {number} is the subscriber's number; {first_name} or any "
        "other variable must be declared below. {{ and }} write a brace."
    )
    defaults = models.JSONField(
        default=dict,
        blank=True,
        help_text="The variables it uses besides {number}, each with its value when the "
        'subscriber has no attribute of that name: {"first_name": "there"}.',
    )

    class Meta:
        ordering = ["app", "name"]
        constraints = [
            models.UniqueConstraint(fields=["app", "name"], name="one_template_name_per_app")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if not (self.name or "").strip():
            errors["name"] = "Give the template a name."
        elif self.name.strip().isdigit():
            errors["name"] = "A name is not only digits (the API takes an id or a name)."
        if not (self.text or "").strip():
            errors["text"] = "The template's text is empty."
        problem = defaults_problem(self.defaults)
        if problem:
            errors["defaults"] = problem
        elif missing := undeclared(self.text or "", self.defaults):
            errors["text"] = (
                f"Unknown variable{'s' if len(missing) > 1 else ''}: "
                + ", ".join("{" + name + "}" for name in missing)
                + ". Declare it under defaults, or use {number}."
            )
        if errors:
            raise ValidationError(errors)


def defaults_problem(defaults) -> str:
    """What is wrong with a template's `defaults` ("" when nothing is)."""
    if not isinstance(defaults, dict):
        return 'Defaults are an object of names and texts: {"first_name": "there"}.'
    if len(defaults) > MAX_DEFAULTS:
        return f"At most {MAX_DEFAULTS} variables."
    for name, value in defaults.items():
        if not re.fullmatch(NAME, name):
            return f"“{name[:40]}” is not a variable name (letters, digits, _)."
        if name in BUILT_IN:
            return f"{{{name}}} is filled by Hatid; it has no default."
        if not isinstance(value, str) or len(value) > MAX_DEFAULT_LENGTH:
            return f"The default of {{{name}}} must be a text of at most {MAX_DEFAULT_LENGTH}."
    return ""

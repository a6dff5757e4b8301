"""The action a step takes when it is reached, defined once: `StepAction` is
the abstract model `UssdScreen` (an end screen acts) and the voice flows'
`Step` (any step may act) both inherit, with its choices, its fields and
their validation. `telecom.steps.runner` takes the action.

Also what the two kinds of walk through steps share: the steps' graph (a
USSD menu, a voice flow: `StepGraph`), the session walking it (a USSD
session, a call: `StepSession`, with its indexes, `session_indexes`). Their
optional links (to a start screen, the next step...) are
`telecom.models.bases.optional_link`.
"""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from telecom.models.bases import Timestamped, optional_link


def session_indexes(prefix: str, *, by: str, open_when: Q, open_name: str) -> list:
    """The indexes of a session walking steps: newest first (the console's
    list), the open ones by last activity (the expiry sweep), and by `by`
    (its menu or flow) and status (the statistics)."""
    return [
        models.Index(fields=["-started_at"], name=f"{prefix}_started_desc"),
        models.Index(fields=["last_activity_at"], name=open_name, condition=open_when),
        models.Index(fields=[by, "status"]),
    ]


class StepGraph(Timestamped):
    """Steps an operator builds as data for one app: a USSD menu, a voice flow.
    A subclass declares its `app` (with its own reverse name) and the link to
    its start."""

    name = models.CharField(max_length=100)

    class Meta:
        abstract = True
        ordering = ["app", "name"]


class StepSession(models.Model):
    """Someone walking a `StepGraph`: a USSD session, a call. A subclass
    declares its app, status, `started_at` and `last_activity_at` (whose
    defaults differ), and takes its indexes from `session_indexes`."""

    variables = models.JSONField(default=dict, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["-started_at"]


class StepAction(models.Model):
    """What a step does when it is reached, through the same services as the
    rest of Hatid. A subclass may narrow `ACTIONS` (the kinds its steps can
    take) and must call `super().clean()` from its own `clean`."""

    class Action(models.TextChoices):
        NONE = "", "No action"
        SMS = "sms", "Send an SMS"
        CHARGE = "charge", "Charge the subscriber"
        REWARD = "reward", "Send a reward"
        TAG = "tag", "Tag the subscriber"
        WEBHOOK = "webhook", "Call a partner's webhook"
        CONFIRM = "confirm", "Confirm the escalation this call belongs to"

    ACTIONS: ClassVar[tuple[str, ...]] = tuple(Action.values)
    # The fields each action reads (`telecom.steps.runner`); the console shows
    # only the chosen action's, and a form keeps no other (`StepActionForm`).
    USES: ClassVar[dict[str, tuple[str, ...]]] = {
        Action.SMS: ("action_text",),
        Action.CHARGE: ("action_amount", "action_description"),
        Action.REWARD: ("action_promo",),
        Action.TAG: ("action_tag",),
        Action.WEBHOOK: ("action_partner",),
    }
    # What each action needs filled in, and what to say when it is not.
    REQUIRED: ClassVar[dict[str, tuple[str, str]]] = {
        Action.SMS: ("action_text", "An SMS action needs a text or a template."),
        Action.CHARGE: ("action_amount", "A charge needs an amount."),
        Action.REWARD: ("action_promo", "A reward needs a promo."),
        Action.TAG: ("action_tag", "Tagging needs a tag."),
        Action.WEBHOOK: ("action_partner", "Choose the partner whose webhook to call."),
    }

    action = models.CharField(max_length=8, choices=Action.choices, blank=True)
    action_text = models.TextField(blank=True, help_text="SMS text (variables allowed).")
    action_template = optional_link(
        "telecom.MessageTemplate",
        "Or send this template, filled with the session's variables, then the "
        "subscriber's attributes, then its defaults.",
    )
    action_amount = models.CharField(
        max_length=20, blank=True, help_text="Charge amount, e.g. 1.00, or {variable}."
    )
    action_description = models.CharField(max_length=100, blank=True)
    action_promo = models.CharField(max_length=50, blank=True)
    action_tag = models.SlugField(max_length=50, blank=True)
    action_partner = optional_link("telecom.Partner")

    class Meta:
        abstract = True

    @classmethod
    def action_choices(cls) -> list[tuple[str, str]]:
        """The choices this kind of step offers (for its admin form)."""
        return [(value, label) for value, label in cls.Action.choices if value in cls.ACTIONS]

    def clean(self):
        super().clean()
        if self.action in self.Action.values and self.action not in self.ACTIONS:
            label = self.Action(self.action).label.lower()
            raise ValidationError({"action": f"A {self._meta.verbose_name} cannot {label}."})
        field, problem = self.REQUIRED.get(self.action, ("", ""))
        if self.action == self.Action.SMS and self.action_template_id:
            if self.action_text.strip():
                raise ValidationError({"action_template": "Send a text or a template, not both."})
            field = ""
        if field and not str(getattr(self, self._meta.get_field(field).attname) or "").strip():
            raise ValidationError({field: problem})

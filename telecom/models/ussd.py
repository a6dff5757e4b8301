"""USSD: menus operators build as data, and the sessions subscribers walk.

A menu is a set of screens. A `menu` screen lists numbered options, each
leading to another screen; an `input` screen asks for free text (validated)
and stores it in a variable; an `end` screen closes the session and may act
(send an SMS, charge, reward, tag, call a partner's webhook: a
`telecom.steps.StepAction`, as voice steps do). Texts may name variables
collected earlier as `{name}` (`telecom.steps.templating`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from telecom.models.bases import number_field, optional_link
from telecom.models.callback_event import CallbackEvent
from telecom.models.live_token_claim import ClaimedWithLiveToken
from telecom.models.provider_app import ProviderApp
from telecom.outbox import OutboxRow
from telecom.steps.models import StepAction, StepGraph, StepSession, session_indexes


class UssdMenu(StepGraph):
    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="ussd_menus")
    start_screen = optional_link("UssdScreen", "Where a dial starts.")
    is_live = models.BooleanField(
        default=False, help_text="The app's live menu answers dials (one per app)."
    )

    class Meta(StepGraph.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["app"], condition=Q(is_live=True), name="one_live_ussd_menu_per_app"
            )
        ]
        verbose_name = "USSD menu"

    def __str__(self) -> str:
        return f"{self.name}{' (live)' if self.is_live else ''}"


class UssdScreen(StepAction):
    class Kind(models.TextChoices):
        MENU = "menu", "Menu (numbered options)"
        INPUT = "input", "Free input"
        END = "end", "End (closes the session)"

    class Validation(models.TextChoices):
        ANY = "any", "Any text"
        DIGITS = "digits", "Digits only"
        AMOUNT = "amount", "An amount (e.g. 50 or 12.50)"

    # An end screen acts as a voice step does, but has no escalation to confirm.
    ACTIONS = tuple(a for a in StepAction.ACTIONS if a != StepAction.Action.CONFIRM)

    menu = models.ForeignKey(UssdMenu, on_delete=models.CASCADE, related_name="screens")
    key = models.SlugField(max_length=40, help_text="A short name, unique in the menu.")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.MENU)
    text = models.TextField(
        help_text="What the handset shows. Variables: {name}; a literal brace: {{ or }}."
    )
    # input screens
    variable = models.SlugField(
        max_length=40, blank=True, help_text="Input screens: where the answer is kept."
    )
    validation = models.CharField(max_length=8, choices=Validation.choices, default=Validation.ANY)
    min_length = models.PositiveSmallIntegerField(default=1)
    max_length = models.PositiveSmallIntegerField(default=20)
    next_screen = optional_link("self", "Input screens: where to go next.")
    # end screens: the action fields of StepAction

    class Meta:
        ordering = ["menu", "pk"]
        constraints = [models.UniqueConstraint(fields=["menu", "key"], name="unique_screen_key")]
        verbose_name = "USSD screen"

    def __str__(self) -> str:
        return f"{self.menu.name} / {self.key}"

    def clean(self):
        limit = settings.USSD_SCREEN_LIMIT
        if len(self.text) > limit:
            raise ValidationError(
                {"text": f"{len(self.text)} characters; a USSD screen holds {limit}."}
            )
        if self.kind == self.Kind.INPUT and not self.variable:
            raise ValidationError({"variable": "An input screen keeps the answer in a variable."})
        if self.min_length > self.max_length:
            raise ValidationError({"min_length": "The minimum is above the maximum."})
        if self.kind != self.Kind.END and self.action:
            raise ValidationError({"action": "Only end screens act."})
        super().clean()


class UssdOption(models.Model):
    screen = models.ForeignKey(UssdScreen, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(help_text="The number the subscriber presses.")
    label = models.CharField(max_length=60)
    target = models.ForeignKey(UssdScreen, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "USSD option"
        verbose_name_plural = "USSD options"
        ordering = ["screen", "position"]
        constraints = [
            models.UniqueConstraint(fields=["screen", "position"], name="unique_option_number")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"


class UssdSession(StepSession):
    """A subscriber walking a menu, one dial: the screen shown and the answers
    given so far (its `variables`)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TIMED_OUT = "timed_out", "Timed out"
        CANCELLED = "cancelled", "Cancelled"
        ERROR = "error", "Error"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="ussd_sessions")
    session_id = models.CharField(max_length=64, help_text="The platform's sessionID.")
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="ussd_sessions"
    )
    msisdn = number_field()
    menu = optional_link(UssdMenu, related_name="sessions")
    screen = optional_link(UssdScreen, "The screen being shown.")
    network_initiated = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)

    class Meta(StepSession.Meta):
        constraints = [
            models.UniqueConstraint(fields=["app", "session_id"], name="one_ussd_session_per_id")
        ]
        indexes = session_indexes(
            "ussdsession", by="menu", open_when=Q(status="active"), open_name="ussdsession_active"
        )
        verbose_name = "USSD session"
        permissions = [("push_ussd", "Can send network-initiated USSD")]

    def __str__(self) -> str:
        return f"USSD {self.session_id} {self.msisdn} ({self.status})"


class UssdExchange(ClaimedWithLiveToken, OutboxRow):
    """One step: what the subscriber sent and the screen Hatid answered with.

    The reply is an outbox row on the latency-critical `ussd` queue; the time
    from the callback's arrival to the platform accepting the reply is kept.
    """

    claim_related = ("session__app", "session__subscriber")
    subscriber_path = "session__subscriber"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    session = models.ForeignKey(UssdSession, on_delete=models.CASCADE, related_name="exchanges")
    sequence = models.PositiveIntegerField(help_text="The step's number in its session, from 1.")
    input = models.CharField(max_length=200, blank=True, help_text="What the subscriber sent.")
    input_key = models.CharField(max_length=64, help_text="Identifies a repeated callback.")
    reply = models.TextField()
    flash = models.BooleanField(help_text="True: the last screen; the session ends.")
    screen = optional_link(UssdScreen)
    received_at = models.DateTimeField(help_text="When the platform's callback arrived.")
    reply_sent_at = models.DateTimeField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text="Callback received to reply accepted."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    callback_event = optional_link(CallbackEvent)

    class Meta:
        verbose_name = "USSD exchange"
        verbose_name_plural = "USSD exchanges"
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "input_key"], name="one_reply_per_step"),
        ]
        indexes = OutboxRow.outbox_indexes("ussdexchange")

    def __str__(self) -> str:
        return f"{self.session.session_id} #{self.sequence}"

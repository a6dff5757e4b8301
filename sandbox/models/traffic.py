"""Traffic: what the platform accepted from apps, what handsets saw, USSD sessions."""

from django.db import models

from sandbox.models.accounts import App, Subscriber
from sandbox.rows import SandboxRow


class Delivery(SandboxRow):
    """One request the platform accepted and applied (SMS, charge, reward, USSD...).

    `key` is the app's idempotency key where the API has one (the SMS
    `clientCorrelator`, the charge `referenceCode`). The unique constraint on
    (app, kind, key) is what makes a repeat, even a concurrent one, find the
    original instead of being applied twice; the repeat is counted in
    `duplicate_submissions` and answered with `response`.
    """

    shown_as = "{kind} #{pk}"

    class Kind(models.TextChoices):
        SMS = "sms", "SMS MT"
        BINARY = "binary", "Binary SMS"
        CHARGE = "charge", "Charge"
        REWARD = "reward", "Reward (Load API)"
        USSD = "ussd", "USSD message"
        LOCATION = "location", "Location query"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, null=True, on_delete=models.CASCADE)
    # NULL, not "": requests without a key must never collide in the constraint.
    key = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001
    request = models.JSONField(default=dict)
    status_code = models.PositiveSmallIntegerField()
    # The body as it was sent, byte for byte: a repeat is answered with exactly
    # this text (a JSON column could reorder the keys, as PostgreSQL's jsonb does).
    response = models.TextField(blank=True, help_text="The JSON body answered.")
    parts = models.JSONField(default=list, help_text="The parts as delivered (SMS).")
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Charged or rewarded."
    )
    charged = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="Taken from the app's wallet."
    )
    duplicate_submissions = models.PositiveIntegerField(default=0)

    class Meta(SandboxRow.Meta):
        verbose_name = "delivery"
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["app", "kind", "key"], name="sandbox_delivery_idempotency_key"
            )
        ]


class HandsetMessage(SandboxRow):
    """An SMS a handset received or sent, as its screen would list it."""

    shown_as = "{direction} {peer}: {text:.30}"

    class Direction(models.TextChoices):
        RECEIVED = "received"
        SENT = "sent"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    peer = models.CharField(max_length=32, help_text="The short code it came from or went to.")
    text = models.TextField()
    parts = models.PositiveSmallIntegerField(default=1)
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL)


class UssdSession(SandboxRow):
    """A USSD dialogue between a handset and an app."""

    shown_as = "USSD session {session_id} ({state})"

    class State(models.TextChoices):
        OPEN = "open", "Open: waiting for the app or the handset"
        CLOSED = "closed", "Closed by a flash message"
        CANCELLED = "cancelled", "Ended on the handset"
        EXPIRED = "expired", "Timed out"

    class Origin(models.TextChoices):
        HANDSET = "handset", "Dialed by the handset"
        APP = "app", "Network initiated by the app"

    session_id = models.CharField(max_length=32, unique=True)
    app = models.ForeignKey(App, on_delete=models.CASCADE)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE)
    origin = models.CharField(max_length=8, choices=Origin.choices)
    dialed = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    screen = models.TextField(blank=True, help_text="The app's last message, as displayed.")
    transcript = models.JSONField(default=list)
    last_activity_at = models.DateTimeField()

    class Meta(SandboxRow.Meta):
        verbose_name = "USSD session"
        verbose_name_plural = "USSD sessions"

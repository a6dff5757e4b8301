"""Consent: access tokens, OAuth codes and PINs, charging opt-ins."""

from django.db import models
from django.db.models import Q

from sandbox.models.accounts import App, Subscriber
from sandbox.rows import SandboxRow, Shown


class Grant(SandboxRow):
    """A subscriber's consent to one app: the access token the APIs check."""

    shown_as = "grant #{pk} ({source})"

    class Source(models.TextChoices):
        SMS = "sms", "SMS opt-in (INFO, YES)"
        WEBFORM = "webform", "Web form (OAuth dialog)"
        CHARGING = "charging", "Charging opt-in"
        CONTROL = "control", "Granted through the control API"

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="grants")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="grants")
    access_token = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    active = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(SandboxRow.Meta):
        constraints = [
            # One live token per subscriber and app: consenting again returns it.
            models.UniqueConstraint(
                fields=["app", "subscriber"],
                condition=Q(active=True),
                name="sandbox_one_active_grant",
            )
        ]


class AuthCode(Shown):
    """A `code` handed to the app, exchanged once at POST /oauth/access_token."""

    shown_as = "code #{pk}"

    code = models.CharField(max_length=300, unique=True)
    app = models.ForeignKey(App, on_delete=models.CASCADE)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Grant.Source.choices)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class PinChallenge(Shown):
    """One pass through the OAuth dialog: the PIN texted to the handset."""

    shown_as = "PIN challenge #{pk}"

    reference = models.CharField(max_length=64, unique=True)
    app = models.ForeignKey(App, on_delete=models.CASCADE)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE)
    pin = models.CharField(max_length=8)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ChargingOptIn(Shown):
    """An opt-in SMS sent for charging, waiting for `YES <keyword>`."""

    shown_as = "charging opt-in {keyword}"

    app = models.ForeignKey(App, on_delete=models.CASCADE)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE)
    keyword = models.CharField(max_length=32)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    duration = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "charging opt-in"
        verbose_name_plural = "charging opt-ins"

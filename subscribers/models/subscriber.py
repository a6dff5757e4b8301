"""`Subscriber`: one number's relationship with one provider app.

Tokens are per app, so a person subscribed to two apps is two rows. The
MSISDN is stored in E.164 and unique per app.
"""

from django.db import models
from django.db.models import Q

from telecom.models.bases import number_field
from telecom.models.live_token_claim import LIVE_TOKENS
from telecom.models.provider_app import ProviderApp


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True, help_text="A label for segments, e.g. vip.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Subscriber.Status.ACTIVE)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        PENDING = "pending", "No consent yet"

    class Channel(models.TextChoices):
        SMS = "sms", "SMS (INFO / YES)"
        WEB_FORM = "web_form", "Web form"
        CHARGING = "charging", "Charging opt-in"
        NONE = "", "—"

    # Not indexed alone: one_subscriber_per_app_number leads with it.
    app = models.ForeignKey(
        ProviderApp, on_delete=models.PROTECT, related_name="subscribers", db_index=False
    )
    msisdn = number_field("E.164, e.g. +639171234567.", db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    opt_in_channel = models.CharField(
        max_length=16, choices=Channel.choices, blank=True, help_text="How they last opted in."
    )
    first_opt_in_at = models.DateTimeField(null=True, blank=True)
    last_opt_in_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="subscribers")
    attributes = models.JSONField(
        default=dict, blank=True, help_text="Free-form data about the subscriber."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["msisdn", "app_id"]
        constraints = [
            models.UniqueConstraint(fields=["app", "msisdn"], name="one_subscriber_per_app_number")
        ]
        indexes = [
            models.Index(fields=["app", "status"]),
            models.Index(fields=["status", "-last_opt_in_at"]),
            models.Index(
                fields=["opt_in_channel"],
                condition=~Q(opt_in_channel=""),
                name="subscriber_channel",
            ),
        ]
        permissions = [
            ("tag_subscriber", "Can tag subscribers"),
            ("export_subscriber", "Can export subscribers"),
            ("locate_subscriber", "Can locate subscribers"),
            ("query_balance_subscriber", "Can query subscribers' balance"),
            ("offer_charging_optin_subscriber", "Can offer subscribers a charging opt-in"),
            # Not a model's view permission: Viewers get those, not this one
            # (telecom/roles.py); without it the console masks numbers.
            ("view_full_number", "Can see phone numbers in full"),
            # The Data Privacy Act's rights (docs/privacy.md): Operators'.
            ("erase_subscriber", "Can erase a number"),
            ("access_request_subscriber", "Can answer an access request"),
        ]

    def __str__(self) -> str:
        return f"{self.msisdn} ({self.app})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def live_token(self):
        """The access token the platform accepts, or None."""
        if hasattr(self, LIVE_TOKENS):  # loaded with the subscriber (hand_live_tokens)
            return next(iter(getattr(self, LIVE_TOKENS)), None)
        return self.tokens.filter(revoked_at__isnull=True).first()

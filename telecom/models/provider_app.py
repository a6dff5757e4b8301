"""`ProviderApp`: one app registered with a provider (a Globe Labs app, a
Hoiio app, a Voicent gateway), its credentials and the callback URIs Hatid
exposes for it.

Each provider needs its own credentials: Globe Labs an app ID, secret and
short code; Hoiio an app ID and access token (the token stored encrypted);
the Voicent gateway only its address on the business's network (host, port),
since it has no authentication at all. `provider` says which apply, and the
services route every request by it.

The callback token in the URIs is the credential Globe Labs and Hoiio present
(neither signs its callbacks), so it is long, random, kept encrypted, and
looked up by its SHA-256 digest: finding an app never compares the secret
itself. Rotating it (telecom.services.callback_tokens) keeps the replaced
token's digest, accepted until its expiry, while the provider's portal is
updated by hand.
"""

import hashlib
import ipaddress
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from telecom import quiet_hours as quiet
from telecom.fields import EncryptedTextField
from telecom.models.bases import Timestamped, amount_field

logger = logging.getLogger("telecom.callbacks")

CALLBACK_KINDS = ("redirect", "notify", "ussd", "rewards")
# Where Hoiio posts: the notify_url Hatid sends with each request (sms, voice,
# ivr, fax) and the forwarding it configures on the app's numbers (sms-in, ivr
# for calls, fax-in for faxes).
HOIIO_CALLBACK_KINDS = ("sms", "sms-in", "voice", "ivr", "fax", "fax-in")


def new_callback_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def validate_ip_allow_list(value: str) -> None:
    for line in value.split():
        try:
            ipaddress.ip_network(line, strict=False)
        except ValueError:
            raise ValidationError(f"{line!r} is not an IP address or network") from None


# The periods an app sets (telecom.retention): the field and what it covers.
RETENTION_PERIODS = {
    "callbacks": "Raw callbacks, web-form codes and uploaded subscriber files",
    "provider_logs": "Provider request logs",
    "message_texts": "Message texts (SMS in and out, bulk sends, partner webhooks)",
    "transcripts": "USSD and call transcripts, and the numbers on calls, faxes, charges "
    "and rewards",
    "recordings": "Recording links and fax documents",
    "locations": "Locations and balance answers",
}


def retention_field(period: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        f"{period.replace('_', ' ')} (days)",
        null=True,
        blank=True,
        help_text=f"{RETENTION_PERIODS[period]}: days kept. Empty: the default; 0: forever.",
    )


class ProviderApp(Timestamped):
    class Provider(models.TextChoices):
        GLOBE = "globe", "Globe Labs"
        HOIIO = "hoiio", "Hoiio"
        VOICENT = "voicent", "Voicent gateway"

    name = models.CharField(max_length=100, unique=True, help_text="How operators call this app.")
    provider = models.CharField(
        max_length=16, choices=Provider.choices, default=Provider.GLOBE, db_index=True
    )
    app_id = models.CharField(
        "app ID",
        max_length=64,
        blank=True,
        help_text="The App ID from the Globe Labs portal, or from developer.hoiio.com.",
    )
    app_secret = EncryptedTextField(
        blank=True, help_text="The App Secret from the portal. Stored encrypted."
    )
    shortcode = models.CharField(
        max_length=16,
        blank=True,
        validators=[RegexValidator(r"^\d{4,16}$", "A shortcode is digits only, e.g. 21581234.")],
        help_text="The app's full short code, e.g. 21581234; its last four digits are the suffix.",
    )
    passphrase = EncryptedTextField(
        blank=True, help_text="Optional passphrase for the wallet balance API. Stored encrypted."
    )
    rewards_token = EncryptedTextField(
        blank=True, help_text="Optional token for the Load/Rewards API. Stored encrypted."
    )
    # Hoiio
    access_token = EncryptedTextField(
        blank=True, help_text="Hoiio: the app's access token. Stored encrypted."
    )
    sender_name = models.CharField(
        max_length=16,
        blank=True,
        help_text="Hoiio: the sender name SMS show (needs Hoiio's SMS rebranding); empty for "
        "Hoiio's default.",
    )
    caller_id = models.CharField(
        "caller ID",
        max_length=20,
        blank=True,
        help_text="Hoiio: the caller ID calls and faxes show (a Hoiio number, or 'private').",
    )
    # Voicent gateway
    gateway_host = models.CharField(
        max_length=255, blank=True, help_text="Voicent: the gateway's host name or address."
    )
    gateway_port = models.PositiveIntegerField(
        null=True, blank=True, help_text="Voicent: the gateway's port (empty: 8155)."
    )
    gateway_path_prefix = models.CharField(
        max_length=50,
        blank=True,
        help_text="Voicent: a path before /ocall/ (only the sandbox needs one: /voicent).",
    )
    callback_token = EncryptedTextField(
        editable=False, help_text="The secret part of every callback URI of this app."
    )
    callback_token_digest = models.CharField(max_length=64, unique=True, editable=False)
    previous_callback_token_digest = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_index=True,
        editable=False,
        help_text="The digest of the token the last rotation replaced (the token itself is "
        "not kept), accepted until the time below.",
    )
    previous_callback_token_expires_at = models.DateTimeField(
        "previous callback token accepted until",
        null=True,
        blank=True,
        editable=False,
        help_text="After this, the replaced callback URIs answer 404 as unknown ones do.",
    )
    allowed_ips = models.TextField(
        "allowed callback IPs",
        blank=True,
        validators=[validate_ip_allow_list],
        help_text="Optional: IP addresses or networks (one per line) allowed to call the "
        "callback URIs. Empty allows any address; the token still applies.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive apps answer 404 to callbacks and send nothing."
    )
    charging_requires_optin = models.BooleanField(
        default=False,
        help_text="Charge only subscribers whose charging opt-in covers the amount.",
    )
    wallet_alert_below = amount_field(
        "Alert operators when the wallet balance falls below this.", max_digits=12, optional=True
    )
    sms_per_second = models.PositiveIntegerField(
        "SMS per second",
        default=20,
        help_text="The most SMS this app sends per second, shared by all workers.",
    )
    quiet_hours = models.BooleanField(
        "keep quiet hours",
        default=quiet.default_on,
        help_text="Send no campaign message between the two times below (subscribers' "
        "local time); a running campaign waits and goes on after. Keyword replies and "
        "API sends are not held.",
    )
    quiet_from = models.TimeField(
        "quiet from", default=quiet.default_start, help_text="When quiet hours start."
    )
    quiet_until = models.TimeField(
        "quiet until",
        default=quiet.default_end,
        help_text="When they end (the next morning when earlier than the start).",
    )
    retain_callbacks_days = retention_field("callbacks")
    retain_provider_logs_days = retention_field("provider_logs")
    retain_message_texts_days = retention_field("message_texts")
    retain_transcripts_days = retention_field("transcripts")
    retain_recordings_days = retention_field("recordings")
    retain_locations_days = retention_field("locations")

    class Meta:
        ordering = ["name"]
        permissions = [
            (
                "ask_provider",
                "Can ask a provider now (wallet, statuses, prices, account, numbers, "
                "reconciliation) and record its answer",
            ),
            ("change_retention", "Can change how long an app's data is kept"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.callback_token_digest:
            self.set_callback_token(new_callback_token())
        super().save(*args, **kwargs)

    def retention_days(self, period: str) -> int:
        """How many days this app keeps a kind of data (0: forever): its own
        period, or the default in settings."""
        days = getattr(self, f"retain_{period}_days")
        return settings.RETENTION_DEFAULT_DAYS[period] if days is None else days

    def quiet_window(self) -> "quiet.QuietHours | None":
        """The app's quiet hours, or None when it keeps none."""
        return quiet.window(on=self.quiet_hours, start=self.quiet_from, end=self.quiet_until)

    def set_callback_token(self, token: str) -> None:
        self.callback_token = token
        self.callback_token_digest = token_digest(token)

    @classmethod
    def for_callback_token(cls, token: str) -> "ProviderApp | None":
        """The active app whose callback token this is, or whose replaced token it
        is while that is still accepted."""
        digest = token_digest(token)
        app = (
            cls.objects.filter(is_active=True)
            .filter(
                Q(callback_token_digest=digest)
                | Q(
                    previous_callback_token_digest=digest,
                    previous_callback_token_expires_at__gt=timezone.now(),
                )
            )
            .first()
        )
        if app is not None and app.callback_token_digest != digest:
            # The provider still calls the old URIs: its portal has not been updated.
            logger.info(
                "app %s called back on its previous callback token (accepted until %s)",
                app.pk,
                app.previous_callback_token_expires_at,
            )
        return app

    @property
    def previous_callback_token_accepted(self) -> bool:
        expires = self.previous_callback_token_expires_at
        return bool(self.previous_callback_token_digest and expires and expires > timezone.now())

    @property
    def shortcode_suffix(self) -> str:
        return self.shortcode[-4:]

    def callback_path(self, kind: str) -> str:
        token = self.callback_token.reveal()
        return reverse(f"{self.provider}-callback", kwargs={"token": token, "kind": kind})

    def callback_uri(self, kind: str) -> str:
        return settings.PUBLIC_BASE_URL + self.callback_path(kind)

    @property
    def voice_uri(self) -> str:
        return f"{settings.PUBLIC_BASE_URL}/voice/{self.callback_token.reveal()}/"

    def portal_uris(self) -> dict[str, str]:
        """The URIs to paste into the provider's portal, by the portal's own field names
        (Hoiio's are sent with each request and set on numbers by Hatid itself)."""
        if self.provider == self.Provider.HOIIO:
            return {f"Notify URL ({k})": self.callback_uri(k) for k in HOIIO_CALLBACK_KINDS}
        if self.provider == self.Provider.VOICENT:
            return {}
        return {
            "Redirect URI": self.callback_uri("redirect"),
            "Notify URI": self.callback_uri("notify"),
            "USSD Notify URI": self.callback_uri("ussd"),
            "Rewards callback URI": self.callback_uri("rewards"),
            "Voice URI": self.voice_uri,
        }

    def allows_ip(self, address: str | None) -> bool:
        networks = self.allowed_ips.split()
        if not networks:
            return True
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)

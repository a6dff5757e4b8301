"""`Callback`: every request the platform sent to an app, and what came back."""

from django.db import models

from sandbox.models.accounts import App
from sandbox.rows import SandboxRow


class Callback(SandboxRow):
    shown_as = "{kind} #{pk} -> {status}"

    class Kind(models.TextChoices):
        OPTIN = "optin", "Access token to the redirect URI (SMS opt-in)"
        CODE = "code", "OAuth code to the redirect URI (browser redirect)"
        CHARGING_CODE = "charging_code", "Code and amount to the notify URI"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribed JSON to the redirect URI"
        SMS_MO = "sms_mo", "SMS MO to the notify URI"
        USSD = "ussd", "USSD message to the USSD notify URI"
        REWARD = "reward", "Reward status to the rewards URI"
        VOICE = "voice", "Tropo session or result to the voice URI"
        HOIIO_SMS = "hoiio_sms", "Hoiio: SMS delivery status"
        HOIIO_SMS_IN = "hoiio_sms_in", "Hoiio: SMS received on a number"
        HOIIO_VOICE = "hoiio_voice", "Hoiio: call status"
        HOIIO_IVR = "hoiio_ivr", "Hoiio: IVR event"
        HOIIO_FAX = "hoiio_fax", "Hoiio: fax status"
        HOIIO_FAX_IN = "hoiio_fax_in", "Hoiio: fax received on a number"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERED = "delivered", "Answered 2xx"
        REJECTED = "rejected", "Answered, but not 2xx"
        FAILED = "failed", "No answer (connection error or timeout)"
        SKIPPED = "skipped", "Not sent: the app has no URI for it"

    app = models.ForeignKey(App, null=True, on_delete=models.CASCADE, related_name="callbacks")
    hoiio_account = models.ForeignKey(
        "sandbox.HoiioAccount", null=True, on_delete=models.CASCADE, related_name="callbacks"
    )
    form = models.BooleanField(default=False, help_text="Sent as a form body (Hoiio), not JSON.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    method = models.CharField(max_length=6)
    url = models.URLField(max_length=1000, blank=True)
    body = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

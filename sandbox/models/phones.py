"""`Phone`: how a number behaves when the voice simulators (Hoiio, the Voicent
gateway) call it, fax it or text it. A number nobody described answers,
presses 1, receives faxes and gets its SMS."""

from django.db import models

from sandbox.rows import Shown


class Phone(Shown):
    shown_as = "{number}"

    class Call(models.TextChoices):
        ANSWERED = "answered", "Answers"
        UNANSWERED = "unanswered", "Does not answer"
        BUSY = "busy", "Is busy"
        FAILED = "failed", "Cannot be reached"

    class Sms(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Not delivered"

    number = models.CharField(max_length=20, unique=True, help_text="E.164.")
    call = models.CharField(max_length=12, choices=Call.choices, default=Call.ANSWERED)
    digits = models.CharField(
        max_length=32, blank=True, default="1", help_text="What it keys in when asked."
    )
    fax = models.CharField(max_length=12, choices=Call.choices, default=Call.ANSWERED)
    sms = models.CharField(max_length=12, choices=Sms.choices, default=Sms.DELIVERED)

    class Meta:
        ordering = ["id"]


def phone(number: str) -> Phone:
    """The behaviour of `number` (the defaults when nobody described it)."""
    return Phone.objects.filter(number=number).first() or Phone(number=number)

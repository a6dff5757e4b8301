"""`ToSubscriber`: the fields of an outbox row that acts on one subscriber of
an app through Globe (a charge, a reward): the app, the subscriber, and the
number as it was when the row was made."""

from django.db import models

from telecom.models.provider_app import ProviderApp


class ToSubscriber(models.Model):
    """A subclass is reached from its app and its subscriber by its plural
    name (`app.charges`, `subscriber.rewards`)."""

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="%(class)ss")
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="%(class)ss"
    )
    msisdn = models.CharField("number", max_length=16)

    class Meta:
        abstract = True

"""`ToSubscriber`: the fields of an outbox row that acts on one subscriber of
an app through Globe (a charge, a reward): the app, the subscriber, and the
number as it was when the row was made, and the indexes that list a
subscriber's rows."""

from django.db import models

from telecom.models.bases import number_field
from telecom.models.provider_app import ProviderApp


class ToSubscriber(models.Model):
    """A subclass is reached from its app and its subscriber by its plural
    name (`app.charges`, `subscriber.rewards`)."""

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="%(class)ss")
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="%(class)ss"
    )
    msisdn = number_field()

    class Meta:
        abstract = True

    @classmethod
    def subscriber_indexes(cls, prefix: str) -> list[models.Index]:
        """Newest first (the console's list) and a subscriber's, newest first
        (their page)."""
        return [
            models.Index(fields=["-created_at"], name=f"{prefix}_created_desc"),
            models.Index(fields=["subscriber", "-created_at"]),
        ]

"""Questions Hatid asks the platform about a subscriber: where they are
(LBS) and their prepaid balance or reload amount. Each is an outbox row (a
`SubscriberQuery`), sent by a worker like every outbound call, and keeps the
answer with its time."""

from django.db import models

from subscribers.models.subscriber import Subscriber
from telecom.models.bases import amount_field
from telecom.models.live_token_claim import ClaimedWithLiveToken
from telecom.outbox import OutboxRow


class QueryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Asking"
    DONE = "done", "Answered"
    FAILED = "failed", "Failed"


class SubscriberQuery(ClaimedWithLiveToken, OutboxRow):
    """One question about one subscriber, asked once and answered by the
    platform. A subclass declares its `subscriber` link (with its own reverse
    name, `subscriber.locations`...), its answer's fields, and takes its
    indexes from `query_indexes`."""

    claim_related = ("subscriber__app",)

    status = models.CharField(
        max_length=16, choices=QueryStatus.choices, default=QueryStatus.QUEUED
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @classmethod
    def query_indexes(cls, prefix: str) -> list[models.Index]:
        """A subscriber's questions, newest first (their page), and the outbox's."""
        return [
            models.Index(fields=["subscriber", "-created_at"]),
            *OutboxRow.outbox_indexes(prefix),
        ]


class LocationQuery(SubscriberQuery):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="locations")
    requested_accuracy = models.PositiveIntegerField(
        default=100, help_text="Metres; finer takes the platform longer."
    )
    latitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    longitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    accuracy = models.PositiveIntegerField(null=True, blank=True)
    located_at = models.DateTimeField(null=True, blank=True, help_text="The platform's timestamp.")
    retrieval_status = models.CharField(max_length=40, blank=True)
    map_url = models.URLField(max_length=300, blank=True)

    class Meta(SubscriberQuery.Meta):
        verbose_name_plural = "location queries"
        indexes = SubscriberQuery.query_indexes("locationquery")

    def __str__(self) -> str:
        return f"location of {self.subscriber.msisdn} ({self.status})"

    @property
    def osm_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=16/{self.latitude}/{self.longitude}"
        )


class BalanceQuery(SubscriberQuery):
    class Kind(models.TextChoices):
        BALANCE = "balance", "Prepaid balance"
        RELOAD_AMOUNT = "reload_amount", "Last reload amount"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="balances")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BALANCE)
    amount = amount_field(
        "In pesos (the platform answers in centavos).", max_digits=14, optional=True
    )

    class Meta(SubscriberQuery.Meta):
        verbose_name_plural = "balance queries"
        indexes = SubscriberQuery.query_indexes("balancequery")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.subscriber.msisdn} ({self.status})"

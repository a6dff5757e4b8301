"""Traffic rolled up per app and hour (`telecom.rollups`): what the console's
home page and the traffic report read instead of counting the big tables."""

from django.db import models

from telecom.models.provider_app import ProviderApp


class TrafficCount(models.Model):
    """One figure (`metric`: "sms_out", "charged_amount", "charges_refused:402"...)
    of one app in one hour (UTC, on the hour). A day is the sum of its hours."""

    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    metric = models.CharField(max_length=48)
    value = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        ordering = ["-hour", "app", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["app", "hour", "metric"], name="one_traffic_count_per_app_hour_metric"
            )
        ]
        indexes = [models.Index(fields=["hour", "metric"], name="trafficcount_hour_metric")]

    def __str__(self) -> str:
        return f"{self.app_id} {self.hour:%Y-%m-%d %H}:00 {self.metric}={self.value}"


class TrafficWatermark(models.Model):
    """How far the roll-up has gone: each run recounts from a little before
    `rolled_until` (the settling window) to now."""

    name = models.CharField(max_length=32, unique=True)
    rolled_until = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} rolled up until {self.rolled_until:%Y-%m-%d %H:%M}"

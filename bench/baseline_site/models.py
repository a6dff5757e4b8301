"""The DRF baseline's table (created by bench/inbound_baselines.py, not by
migrations: this app exists only while a benchmark runs)."""

from django.db import models


class BaselineSms(models.Model):
    key = models.CharField(max_length=100, unique=True)
    sender = models.CharField(max_length=32)
    destination = models.CharField(max_length=32)
    text = models.TextField()
    sent_at = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        managed = False
        db_table = "bench_baseline_drf"

    def __str__(self) -> str:
        return self.key

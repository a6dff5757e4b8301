"""The sandbox's AppConfig (label `sandbox`)."""

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    label = "sandbox"
    verbose_name = "Globe Labs sandbox"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class BaselineSiteConfig(AppConfig):
    name = "bench.baseline_site"
    label = "baseline_site"
    default_auto_field = "django.db.models.BigAutoField"

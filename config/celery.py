"""The Celery application every worker and beat process runs.

Configuration comes from Django settings (the CELERY_ namespace); tasks are
discovered in each app's `tasks` module.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hatid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

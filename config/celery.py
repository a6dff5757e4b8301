"""The Celery application every worker and beat process runs.

Configuration comes from Django settings (the CELERY_ namespace); tasks are
discovered in each app's `tasks` module. Database connections outlive a
task (see CELERY_DB_REUSE_MAX): after each one, those that broke or passed
CONN_MAX_AGE are closed, as Django does after a request.
"""

import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hatid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def close_unusable_connections(task=None, **kwargs) -> None:
    from django.db import close_old_connections

    # An eager task runs inside its caller's transaction: leave it alone.
    if not getattr(task.request, "is_eager", False):
        close_old_connections()

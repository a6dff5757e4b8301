"""The Celery application every worker and beat process runs.

Configuration comes from Django settings (the CELERY_ namespace); tasks are
discovered in each app's `tasks` module; a worker that consumes the
callbacks' lanes also runs their dispatcher (telecom.callbacks.dispatch).
Database connections outlive a task (see CELERY_DB_REUSE_MAX): after each
one, those that broke or passed CONN_MAX_AGE are closed, as Django does after
a request. Logging is settings.LOGGING's (every handler redacts secrets and
masks numbers), not handlers Celery would add.
"""

import os

from celery import Celery
from celery.signals import setup_logging, task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hatid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# By name: the step loads when the worker builds its blueprint, after Django's setup.
app.steps["worker"].add("telecom.callbacks.dispatch:LaneDispatcher")
app.steps["worker"].add("telecom.ussd.reply_listener:ReplyListenerStep")


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Celery adds no handlers of its own (they would lack the redacting filter):
    its processes log through settings.LOGGING, which Django applies at setup."""
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


@task_postrun.connect
def close_unusable_connections(task=None, **kwargs) -> None:
    from django.db import close_old_connections

    # An eager task runs inside its caller's transaction: leave it alone.
    if not getattr(task.request, "is_eager", False):
        close_old_connections()

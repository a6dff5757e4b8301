"""Log filters: Celery's per-run lines about periodic tasks say only what moved.

Beat runs the housekeeping tasks of CELERY_BEAT_SCHEDULE every few seconds
(the outbox sweep every 5 s), and for each run Celery logs three lines at
INFO: beat's "Sending due task", the worker's "received" and "succeeded ...
{}". In 11 minutes of `make run`, the sweep alone wrote 374 of 2,493 lines.
This filter, set on those Celery loggers, lowers them to DEBUG, except a
"succeeded" line whose return value says something was done (the sweep
returns what it re-published, and logs a warning naming it).
"""

import logging

from django.conf import settings

# What a periodic task returns when it found nothing to do.
IDLE_RESULTS = {"0", "{}", "[]", "None", "()"}


def _periodic() -> tuple[set[str], set[tuple[str, str]]]:
    schedule = settings.CELERY_BEAT_SCHEDULE
    return (
        {entry["task"] for entry in schedule.values()},
        {(name, entry["task"]) for name, entry in schedule.items()},
    )


def is_idle_periodic_run(record: logging.LogRecord) -> bool:
    tasks, entries = _periodic()
    args = record.args
    if isinstance(args, dict):  # the worker's received / succeeded lines
        if args.get("name") not in tasks:
            return False
        # "received" has no return value yet; "succeeded" says what was done.
        return "return_value" not in args or str(args["return_value"]) in IDLE_RESULTS
    if isinstance(args, tuple) and len(args) == 2:  # beat: "Sending due task %s (%s)"
        return args in entries
    return False


class QuietIdlePeriodicTasks(logging.Filter):
    """Lower an idle periodic run's INFO lines to DEBUG (dropped unless DEBUG is on)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not is_idle_periodic_run(record):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)

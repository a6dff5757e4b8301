"""Outbound operations: what ties an outbox row to the provider call that
sends it, declared once per operation and checked at startup.

An `OutboundOperation` names together the row's model, its sender (an
`OutboxSender` subclass), the Celery task that sends a list of its ids, and
the queue that task is routed to. Each app declares its operations in its
own `outbound_operations.py` (`OPERATIONS`); this module collects them. The outbox
publishes a row's task from here (`telecom.outbox.publish`), the sweeper
walks the models from here, the operators' decisions find a row's sender
here (`telecom.services.operator_decisions`), and `telecom.checks` fails
startup when a row model, its sender, its task or its route does not agree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule

if TYPE_CHECKING:
    from telecom.outbox import OutboxRow
    from telecom.outbox_sender import OutboxSender


MODULE = "outbound_operations"


@dataclass(frozen=True)
class OutboundOperation:
    model: type[OutboxRow]
    sender: type[OutboxSender]
    task: str  # the Celery task's name; it takes a list of the model's ids
    queue: str = ""  # the queue its task is routed to; "" for the default queue

    @property
    def queue_name(self) -> str:
        return self.queue or settings.CELERY_TASK_DEFAULT_QUEUE

    def routed_queue(self) -> str:
        """The queue CELERY_TASK_ROUTES sends the task to (what the workers see)."""
        route = settings.CELERY_TASK_ROUTES.get(self.task, {})
        return route.get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)


@functools.cache
def all_operations() -> tuple[OutboundOperation, ...]:
    """Every installed app's declared operations (`<app>/outbound_operations.py`)."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE):
            found.extend(import_module(f"{config.name}.{MODULE}").OPERATIONS)
    return tuple(found)


def operation_for(model: type[OutboxRow]) -> OutboundOperation:
    for operation in all_operations():
        if operation.model is model:
            return operation
    raise LookupError(f"no outbound operation is declared for {model._meta.label}")

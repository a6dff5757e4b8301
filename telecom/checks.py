"""System checks for what must agree for Hatid to work: settings whose values
depend on each other, and each outbound operation's model, sender, task and
queue route (`telecom.outbound`)."""

from importlib import import_module

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register

from telecom import outbound


@register()
def outbox_lease_outlasts_a_call(app_configs, **kwargs):
    """A worker's lease must outlast one provider call, or a live worker's row
    could be taken back and sent again by another before the first one answers."""
    call = settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT
    if call >= settings.OUTBOX_LEASE_SECONDS:
        return [
            Error(
                f"OUTBOX_LEASE_SECONDS ({settings.OUTBOX_LEASE_SECONDS}) must exceed the "
                f"provider connect and read timeouts together ({call:g} s)",
                hint="raise OUTBOX_LEASE_SECONDS or lower PROVIDER_READ_TIMEOUT",
                id="hatid.E001",
            )
        ]
    return []


def _operation_problems(operation) -> list[str]:
    from telecom.outbox import OutboxRow
    from telecom.outbox_sender import OutboxSender

    label = getattr(getattr(operation.model, "_meta", None), "label", repr(operation.model))
    problems = []
    if not (isinstance(operation.model, type) and issubclass(operation.model, OutboxRow)):
        problems.append(f"{operation.model!r} is not an outbox row model")
    if not (isinstance(operation.sender, type) and issubclass(operation.sender, OutboxSender)):
        problems.append(f"{label}: its sender {operation.sender!r} is not an OutboxSender")
    elif getattr(operation.sender, "model", None) is not operation.model:
        problems.append(f"{label}: its sender {operation.sender.__name__} sends another model")
    module = operation.task.rpartition(".")[0]
    try:
        import_module(module)  # where the task is defined, as a worker imports it
    except ImportError as exc:
        problems.append(f"{label}: its task's module {module} does not import: {exc}")
    if operation.task not in current_app.tasks:
        problems.append(f"{label}: no Celery task is registered as {operation.task!r}")
    if operation.routed_queue() != operation.queue_name:
        problems.append(
            f"{label}: CELERY_TASK_ROUTES sends {operation.task} to queue "
            f"{operation.routed_queue()!r}, its operation declares {operation.queue_name!r}"
        )
    return problems


@register()
def outbound_operations_agree(app_configs, **kwargs):
    """Every outbox row model has one outbound operation, whose sender sends
    that model, whose task is registered with Celery, and whose queue is the
    one CELERY_TASK_ROUTES sends the task to: a row whose task or route is
    missing would wait in the outbox forever."""
    from telecom.outbox import OutboxRow

    operations = outbound.all_operations()
    errors = []
    declared = [operation.model for operation in operations]
    for model in apps.get_models():
        if issubclass(model, OutboxRow) and declared.count(model) != 1:
            errors.append(
                Error(
                    f"{model._meta.label} has {declared.count(model)} outbound operations; "
                    "it needs exactly one",
                    hint="declare it once in its app's outbound_operations.py",
                    id="hatid.E002",
                )
            )
    for operation in operations:
        errors.extend(
            Error(problem, hint="see telecom/outbound.py", id="hatid.E003")
            for problem in _operation_problems(operation)
        )
    return errors

"""The voiceflows app's Celery tasks: outbound call triggers by id, and the
periodic housekeeping of calls and escalations. Tasks stay thin: they call a
service."""

from celery import shared_task

from voiceflows.services import calls, escalations
from voiceflows.services.outbound import CallTriggerDelivery


@shared_task(name="voiceflows.tasks.deliver_call_triggers", ignore_result=True)
def deliver_call_triggers(ids: list[int]) -> None:
    CallTriggerDelivery().run_many(ids)


@shared_task(name="voiceflows.tasks.expire_call_sessions", ignore_result=True)
def expire_call_sessions() -> int:
    return calls.expire_sessions()


@shared_task(name="voiceflows.tasks.watch_escalations", ignore_result=True)
def watch_escalations() -> int:
    return escalations.watch_escalations()

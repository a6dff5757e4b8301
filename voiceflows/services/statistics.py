"""Per-flow statistics for the console: how calls ended, how long they took,
what callers answered at each ask, where they hung up, recordings made."""

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F
from django.db.models.fields.json import KeyTextTransform

from telecom.steps.statistics import count_by_status, where_left
from voiceflows.engine import FlowSpec
from voiceflows.models import CallExchange, CallSession, VoiceFlow


def flow_statistics(flow: VoiceFlow) -> dict:
    sessions = CallSession.objects.filter(flow=flow)
    by_status = count_by_status(sessions)
    ended = sessions.filter(ended_at__isnull=False)
    average = ended.aggregate(
        d=Avg(ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField()))
    )["d"]
    spec = FlowSpec.load(flow)
    answers = {}
    for step in spec.steps.values():
        if step.verb != "ask":
            continue
        counted = (
            sessions.annotate(answer=KeyTextTransform(step.variable, "variables"))
            .exclude(answer=None)
            .values_list("answer")
            .annotate(n=Count("pk"))
            .order_by("-n")
        )
        answers[step.key] = [{"answer": value, "calls": n} for value, n in counted]
    left = [CallSession.Status.HUNG_UP, CallSession.Status.EXPIRED]
    hung_up = where_left(sessions, statuses=left, at="current_step")
    return {
        "calls": sum(by_status.values()),
        "by_status": {
            label: by_status.get(value, 0) for value, label in CallSession.Status.choices
        },
        "average_seconds": round(average.total_seconds()) if average else None,
        "answers": answers,
        "hung_up_at": [{"step": key or "—", "calls": n} for key, n in hung_up],
        "recordings": CallExchange.objects.filter(session__flow=flow)
        .exclude(recording_url="")
        .count(),
    }

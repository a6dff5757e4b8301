"""`StepSessionOut`: the partner API's shape of a `StepSession` (a USSD
session, a call), so both endpoints answer with the same frame: who, which
app, then what the kind adds, then when it ran and its exchanges."""

from rest_framework import serializers

HEAD = ("id", "session_id", "app")
TAIL = ("started_at", "ended_at", "end_reason", "exchanges")


def session_fields(*own: str) -> list[str]:
    """The fields of a session's answer, in the order both endpoints give them."""
    return [*HEAD, *own, *TAIL]


class StepSessionOut(serializers.ModelSerializer):
    number = serializers.CharField(source="msisdn")

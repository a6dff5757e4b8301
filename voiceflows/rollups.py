"""The voice flows' share of the console's figures (`telecom.rollups`): calls
per app and hour, and calls left hanging."""

from collections.abc import Iterator
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from telecom.rollups import Attention, started_and_completed
from voiceflows.models import CallSession

# A call with no news for this long is stuck (expire_call_sessions ends it later).
STUCK_AFTER = timedelta(minutes=15)


calls = started_and_completed(CallSession, "started_at", "calls", CallSession.Status.COMPLETED)


def stuck_calls() -> Iterator[Attention]:
    before = timezone.now() - STUCK_AFTER
    count = CallSession.objects.filter(
        status__in=CallSession.OPEN, last_activity_at__lt=before
    ).count()
    url = reverse("admin:voiceflows_callsession_changelist")
    yield Attention(count, "voice calls with no news for 15 minutes", f"{url}?status__exact=active")

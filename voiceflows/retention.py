"""The retention kinds of voice flows' data (telecom.retention).

Deleted when expired (period `transcripts`): each call's exchanges (what the
platform posted, what was said and answered), then the call sessions, the
escalations' attempts, then the escalations, and the call triggers (the
number called, its variables). A call campaign keeps its row and counts and
loses its list of numbers. Recording links on exchanges go sooner (period
`recordings`). Calls still open are never touched.
"""

from django.db.models import Q

from telecom.retention.registry import Kind, register

register(
    Kind(
        name="voiceflows.recordings",
        model="voiceflows.CallExchange",
        date="created_at",
        label="Voice recordings' links",
        period="recordings",
        app="session__app",
        blank={"recording_url": ""},
    ),
    Kind(
        name="voiceflows.call_exchanges",
        model="voiceflows.CallExchange",
        date="created_at",
        label="Voice call transcripts",
        period="transcripts",
        app="session__app",
        only=~Q(session__status__in=["dialing", "active"]),
    ),
    Kind(
        name="voiceflows.call_sessions",
        model="voiceflows.CallSession",
        date="started_at",
        label="Voice calls (caller, callee, variables)",
        period="transcripts",
        only=~Q(status__in=["dialing", "active"]),
    ),
    Kind(
        name="voiceflows.escalation_attempts",
        model="voiceflows.EscalationAttempt",
        date="started_at",
        label="Escalations' calls",
        period="transcripts",
        app="escalation__app",
        only=~Q(escalation__status__in=["running", "unknown"]),
    ),
    Kind(
        name="voiceflows.escalations",
        model="voiceflows.Escalation",
        date="created_at",
        label="Escalations (numbers, message)",
        period="transcripts",
        only=~Q(status__in=["running", "unknown"]),
    ),
    Kind(
        name="voiceflows.call_triggers",
        model="voiceflows.CallTrigger",
        date="created_at",
        label="Calls started by Hatid (number, variables)",
        period="transcripts",
        only=~Q(status__in=["queued", "sending", "unknown"]),
    ),
    Kind(
        name="voiceflows.campaign_numbers",
        model="voiceflows.CallCampaign",
        date="created_at",
        label="Call campaigns' lists of numbers (the row stays)",
        period="transcripts",
        blank={"numbers": "", "skipped": ""},
        only=Q(status="started"),
    ),
)

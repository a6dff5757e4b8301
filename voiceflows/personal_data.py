"""Where voice flows' rows hold a subscriber's number and what they said
(`subscribers.personal_data` explains a `Place`); registered by
`VoiceflowsConfig.ready`."""

from subscribers.personal_data import Place

CALLERS = ("session__msisdn", "session__caller", "session__callee")

PLACES = [
    Place(
        "voiceflows.CallSession",
        subscriber="subscriber",
        numbers=("msisdn", "caller", "callee"),
        content=("variables", "awaiting"),
        scan=("caller", "callee", "end_reason"),
    ),
    # What the caller said or keyed: the platform's request and its reading.
    Place(
        "voiceflows.CallExchange",
        app="session__app",
        subscriber="session__subscriber",
        via=CALLERS,
        mentions=("received",),
        content=("received", "interpretation", "recording_url", "answered_steps"),
        scan=("answer", "note"),
    ),
    Place(
        "voiceflows.CallTrigger", numbers=("msisdn",), content=("variables",), scan=("last_error",)
    ),
    Place("voiceflows.CallCampaign", scan=("numbers", "skipped")),
    Place("voiceflows.Escalation", scan=("numbers", "message", "confirmed_by")),
    Place(
        "voiceflows.EscalationAttempt",
        app="escalation__app",
        numbers=("msisdn",),
        scan=("note",),
    ),
]

"""Where telecom's rows hold a subscriber's number, their texts and their
traffic (`subscribers.personal_data` explains a `Place`); registered by
`TelecomConfig.ready`. Charges and rewards keep their amounts under the
pseudonym: money rows are the business's books."""

from subscribers.personal_data import Place

MESSAGES = [
    Place(
        "telecom.Message",
        subscriber="subscriber",
        numbers=("msisdn",),
        content=("text", "user_data_header"),
        scan=("last_error",),
    ),
    Place("telecom.InboundMultipart", numbers=("msisdn",), content=("parts",)),
    Place("telecom.SmsBulk", scan=("text", "last_error")),
    Place("telecom.Campaign", scan=("text", "variables", "segment")),
    Place(
        "telecom.WebhookDelivery",
        app="message__app",
        subscriber="message__subscriber",
        mentions=("body",),
        content=("body",),
        scan=("last_error",),
    ),
]

MONEY = [
    Place(
        "telecom.Charge",
        subscriber="subscriber",
        numbers=("msisdn",),
        scan=("description", "last_error"),
    ),
    Place("telecom.Reward", subscriber="subscriber", numbers=("msisdn",), scan=("last_error",)),
    Place("telecom.ReconciliationReport", scan=("findings",)),
]

USSD = [
    Place(
        "telecom.UssdSession",
        subscriber="subscriber",
        numbers=("msisdn",),
        content=("variables",),
        scan=("end_reason",),
    ),
    Place(
        "telecom.UssdExchange",
        app="session__app",
        subscriber="session__subscriber",
        via=("session__msisdn",),
        content=("input", "reply"),
        scan=("input_key", "last_error"),
    ),
]

VOICE = [
    Place("telecom.VoiceCall", numbers=("dest1", "dest2"), scan=("last_error",)),
    Place(
        "telecom.IvrSession",
        numbers=("dest",),
        content=("results",),
        scan=("plan", "greeting", "last_error"),
    ),
    Place(
        "telecom.IvrStep",
        app="session__app",
        via=("session__dest",),
        content=("result",),
        scan=("params", "last_error"),
    ),
    Place("telecom.Fax", numbers=("src", "dest"), scan=("filename", "last_error")),
    Place("telecom.VoicentCall", numbers=("phone",), scan=("text", "call_list", "last_error")),
    Place("telecom.VoicentEscalation", scan=("contacts", "reason", "confirmed_by")),
]

# The raw log of what the providers sent and what Hatid asked them: a row
# that mentions the number is the person's, and its body goes (a text, a
# location); elsewhere the number is replaced.
LOGS = [
    Place(
        "telecom.CallbackEvent",
        mentions=("body", "query_string", "headers", "route"),
        content=("body", "query_string"),
        scan=("note", "error", "traceback"),
    ),
    Place(
        "telecom.OutboundCall",
        mentions=("url", "request_body", "response_body", "error"),
        content=("request_body", "response_body"),
    ),
    # Rows of no app, walked whatever the erasure's scope.
    Place("telecom.IdempotencyRecord", app=None, scan=("key", "response_body")),
    Place("telecom.AuditEvent", app=None, scan=("targets", "detail")),
]

PLACES = [*MESSAGES, *MONEY, *USSD, *VOICE, *LOGS]

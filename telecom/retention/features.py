"""The retention kinds of telecom's features: SMS texts, USSD, Hoiio calls,
IVR, faxes, the Voicent gateway's calls, and the numbers on charges and rewards.

Deleted when expired: rows that are the personal data themselves (a USSD
exchange, a multipart's parts, a partner webhook's body, an IVR session, a
gateway call). Blanked instead: rows money or the figures depend on. An SMS
keeps its row (parts billed, status, the traffic counts) and loses its text;
a charge and a reward keep their codes, amounts, status and dates and lose the
number (the subscriber's link stays, until erasure); a Hoiio call and a fax
keep their debit and lose the numbers, and a fax its document. Rows still at
work (queued, sending, outcome unknown) are never touched.
"""

from django.db.models import Q

from telecom.retention.registry import Kind, register

# Statuses of rows still at work, across the models below (an IVR step "sent"
# is running at Hoiio; a reward "accepted" awaits its callback).
AT_WORK = [
    "queued",
    "held",
    "sending",
    "batched",
    "unknown",
    "dialled",
    "running",
    "requested",
    "placed",
    "ongoing",
    "submitted",
    "accepted",
]
SETTLED = ~Q(status__in=AT_WORK)
STEP_SETTLED = ~Q(status__in=[*AT_WORK, "sent"])

register(
    # Message texts
    Kind(
        name="telecom.message_texts",
        model="telecom.Message",
        date="created_at",
        label="SMS texts (the row, its status and parts stay)",
        period="message_texts",
        blank={"text": "", "user_data_header": ""},
        only=Q(direction="in") | Q(status__in=["sent", "failed", "cancelled"]),
    ),
    Kind(
        name="telecom.multipart_parts",
        model="telecom.InboundMultipart",
        date="first_seen_at",
        label="Parts of multipart SMS",
        period="message_texts",
    ),
    Kind(
        name="telecom.bulk_texts",
        model="telecom.SmsBulk",
        date="created_at",
        label="Hoiio bulk sends' texts",
        period="message_texts",
        blank={"text": ""},
        only=SETTLED,
    ),
    Kind(
        name="telecom.webhook_bodies",
        model="telecom.WebhookDelivery",
        date="created_at",
        label="Partner webhooks (their bodies carry the SMS)",
        period="message_texts",
        app="message__app",
        only=Q(status__in=["delivered", "failed"]),
    ),
    # Transcripts: children before their parents
    Kind(
        name="telecom.ussd_exchanges",
        model="telecom.UssdExchange",
        date="received_at",
        label="USSD exchanges (what was typed and shown)",
        period="transcripts",
        app="session__app",
        only=SETTLED,
    ),
    Kind(
        name="telecom.ussd_sessions",
        model="telecom.UssdSession",
        date="started_at",
        label="USSD sessions",
        period="transcripts",
        only=~Q(status="active"),
    ),
    Kind(
        name="telecom.ivr_steps",
        model="telecom.IvrStep",
        date="created_at",
        label="Hoiio IVR steps",
        period="transcripts",
        app="session__app",
        only=STEP_SETTLED,
    ),
    Kind(
        name="telecom.ivr_sessions",
        model="telecom.IvrSession",
        date="created_at",
        label="Hoiio IVR sessions",
        period="transcripts",
        only=SETTLED,
    ),
    Kind(
        name="telecom.voicent_calls",
        model="telecom.VoicentCall",
        date="created_at",
        label="Voicent gateway calls (number, spoken text)",
        period="transcripts",
        only=SETTLED,
    ),
    Kind(
        name="telecom.voicent_escalation_contacts",
        model="telecom.VoicentEscalation",
        date="created_at",
        label="Voicent escalations' numbers (the row stays)",
        period="transcripts",
        blank={"contacts": [], "confirmed_by": ""},
        only=~Q(status="running"),
    ),
    Kind(
        name="telecom.voice_call_numbers",
        model="telecom.VoiceCall",
        date="created_at",
        label="Hoiio calls' numbers (the row and its debit stay)",
        period="transcripts",
        blank={"dest1": "", "dest2": "", "caller_id": ""},
        only=SETTLED,
    ),
    Kind(
        name="telecom.fax_numbers",
        model="telecom.Fax",
        date="created_at",
        label="Faxes' numbers and file names (the row and its debit stay)",
        period="transcripts",
        blank={"src": "", "dest": "", "caller_id": "", "filename": ""},
        only=SETTLED,
    ),
    Kind(
        name="telecom.charge_numbers",
        model="telecom.Charge",
        date="created_at",
        label="Charges' numbers (code, amount, status and dates stay)",
        period="transcripts",
        blank={"msisdn": ""},
        only=SETTLED,
    ),
    Kind(
        name="telecom.reward_numbers",
        model="telecom.Reward",
        date="created_at",
        label="Rewards' numbers (promo, transaction id, status and dates stay)",
        period="transcripts",
        blank={"msisdn": ""},
        only=SETTLED,
    ),
    # Recordings and documents
    Kind(
        name="telecom.ivr_recordings",
        model="telecom.IvrSession",
        date="created_at",
        label="Hoiio IVR results (digits, recording links)",
        period="recordings",
        blank={"results": {}},
        only=SETTLED,
    ),
    Kind(
        name="telecom.ivr_step_recordings",
        model="telecom.IvrStep",
        date="created_at",
        label="Hoiio IVR recordings' notifications",
        period="recordings",
        app="session__app",
        blank={"result": {}},
        only=STEP_SETTLED & Q(kind="record"),
    ),
    Kind(
        name="telecom.fax_documents",
        model="telecom.Fax",
        date="created_at",
        label="Fax documents and their links",
        period="recordings",
        blank={"document": b"", "fax_url": ""},
        only=SETTLED,
    ),
)

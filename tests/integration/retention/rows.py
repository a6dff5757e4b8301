"""One row of each retention kind, as the code would leave it once settled,
and how to tell the kind's purge reached it (deleted, or its personal fields
blank while what money depends on stays)."""

from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.utils import timezone

from subscribers.models import (
    BalanceQuery,
    CodeExchange,
    LocationQuery,
    Subscriber,
    SubscriberImport,
)
from telecom.audit.record import record
from telecom.models import (
    ApiKey,
    CallbackEvent,
    Charge,
    Fax,
    IdempotencyRecord,
    InboundMultipart,
    IvrSession,
    IvrStep,
    Message,
    OutboundCall,
    Promo,
    Reward,
    SmsBulk,
    UssdExchange,
    UssdSession,
    VoiceCall,
    VoicentCall,
    VoicentEscalation,
    WebhookDelivery,
)
from tests.support.factories import PartnerFactory
from voiceflows.models import (
    CallCampaign,
    CallExchange,
    CallSession,
    CallTrigger,
    Escalation,
    EscalationAttempt,
    VoiceFlow,
)

NUMBER = "+639171234567"
_n = count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_n)}"


def subscriber(app) -> Subscriber:
    return Subscriber.objects.get_or_create(app=app, msisdn=NUMBER)[0]


def message(app, **fields) -> Message:
    values = dict(
        app=app,
        subscriber=subscriber(app),
        msisdn=NUMBER,
        direction="in",
        status="received",
        source="platform",
        text="my secret",
        platform_key=unique("mo-"),
    )
    values.update(fields)
    return Message.objects.create(**values)


def ussd_session(app) -> UssdSession:
    return UssdSession.objects.create(
        app=app,
        session_id=unique("s"),
        subscriber=subscriber(app),
        msisdn=NUMBER,
        status="completed",
    )


def ivr_session(app) -> IvrSession:
    return IvrSession.objects.create(
        app=app,
        dest=NUMBER,
        tag=unique("ivr"),
        status="completed",
        results={"pin": {"digits": "1234", "record": "https://hoiio.example/r.mp3"}},
    )


def flow(app) -> VoiceFlow:
    return VoiceFlow.objects.create(app=app, name=unique("flow"), slug=unique("flow"))


def call_session(app, status="completed") -> CallSession:
    return CallSession.objects.create(
        app=app, session_id=unique("cs"), direction="inbound", msisdn=NUMBER, status=status
    )


def escalation(app) -> Escalation:
    return Escalation.objects.create(
        app=app,
        message="the boiler",
        numbers=[NUMBER],
        confirmation_code="1",
        status="confirmed",
    )


def charge(app) -> Charge:
    return Charge.objects.create(
        app=app,
        subscriber=subscriber(app),
        msisdn=NUMBER,
        amount=Decimal("5.00"),
        description="5 pesos",
        reference_code=unique("2158"),
        status="charged",
        amount_charged=Decimal("5.00"),
    )


def reward(app) -> Reward:
    promo = Promo.objects.get_or_create(app=app, code="LOAD 50")[0]
    return Reward.objects.create(
        app=app,
        subscriber=subscriber(app),
        msisdn=NUMBER,
        promo=promo,
        status="succeeded",
        transaction_id=unique("tx"),
    )


def idempotency_record(app) -> IdempotencyRecord:
    key, _ = ApiKey.generate(partner=PartnerFactory(), scopes=["sms:send"])
    return IdempotencyRecord.objects.create(
        api_key=key, key=unique("k"), request_digest="d" * 64, status="completed"
    )


@dataclass(frozen=True)
class Case:
    make: object  # (app) -> row
    blanked: dict | None = None  # None: the row goes
    kept: tuple[str, ...] = ()  # fields that must stay as they were


CASES = {
    "telecom.callbacks": Case(
        lambda app: CallbackEvent.objects.create(app=app, kind="notify", method="POST", body="{}")
    ),
    "telecom.provider_logs": Case(
        lambda app: OutboundCall.objects.create(
            app=app,
            provider="globe",
            operation="sms.send",
            method="POST",
            url="https://globe.example/sms",
            outcome="success",
            latency_ms=5,
            started_at=timezone.now(),
        )
    ),
    "telecom.audit_trail": Case(lambda app: record("message.retry", detail={"status": 302})),
    "telecom.idempotency_keys": Case(idempotency_record),
    "telecom.message_texts": Case(
        message, blanked={"text": "", "user_data_header": ""}, kept=("msisdn", "parts", "status")
    ),
    "telecom.multipart_parts": Case(
        lambda app: InboundMultipart.objects.create(
            app=app, ref_id=unique("ref"), msisdn=NUMBER, parts={"1": "my secret"}
        )
    ),
    "telecom.bulk_texts": Case(
        lambda app: SmsBulk.objects.create(
            app=app, text="my secret", size=1, status="sent", tag=unique("bulk")
        ),
        blanked={"text": ""},
        kept=("size", "status"),
    ),
    "telecom.webhook_bodies": Case(
        lambda app: WebhookDelivery.objects.create(
            partner=PartnerFactory(),
            message=message(app),
            dedupe_key=unique("wh"),
            body={"text": "my secret"},
            status="delivered",
        )
    ),
    "telecom.ussd_exchanges": Case(
        lambda app: UssdExchange.objects.create(
            session=ussd_session(app),
            sequence=1,
            input="1234",
            input_key=unique("in"),
            reply="Your PIN?",
            flash=True,
            received_at=timezone.now(),
            status="sent",
        )
    ),
    "telecom.ussd_sessions": Case(ussd_session),
    "telecom.ivr_steps": Case(
        lambda app: IvrStep.objects.create(
            session=ivr_session(app), index=0, kind="gather", tag=unique("step"), status="done"
        )
    ),
    "telecom.ivr_sessions": Case(ivr_session),
    "telecom.voicent_calls": Case(
        lambda app: VoicentCall.objects.create(
            app=app, kind="text", phone=NUMBER, text="your code is 1234", status="made"
        )
    ),
    "telecom.voicent_escalation_contacts": Case(
        lambda app: VoicentEscalation.objects.create(
            app=app,
            reason="the boiler",
            contacts=[NUMBER],
            confirm_code="1",
            status="confirmed",
            confirmed_by=NUMBER,
        ),
        blanked={"contacts": [], "confirmed_by": ""},
        kept=("reason", "status"),
    ),
    "telecom.voice_call_numbers": Case(
        lambda app: VoiceCall.objects.create(
            app=app,
            kind="callback",
            dest1=NUMBER,
            dest2="+639179999999",
            status="answered",
            tag=unique("vc"),
            debit=Decimal("0.1200"),
            currency="SGD",
            duration=60,
        ),
        blanked={"dest1": "", "dest2": "", "caller_id": ""},
        kept=("debit", "currency", "tag", "duration", "status"),
    ),
    "telecom.fax_numbers": Case(
        lambda app: Fax.objects.create(
            app=app,
            direction="out",
            status="answered",
            src="+6561234567",
            dest=NUMBER,
            filename="contract.pdf",
            tag=unique("fax"),
            debit=Decimal("0.5000"),
        ),
        blanked={"src": "", "dest": "", "caller_id": "", "filename": ""},
        kept=("debit", "tag", "status"),
    ),
    "telecom.charge_numbers": Case(
        charge,
        blanked={"msisdn": ""},
        kept=("reference_code", "amount", "amount_charged", "status", "created_at"),
    ),
    "telecom.reward_numbers": Case(
        reward, blanked={"msisdn": ""}, kept=("transaction_id", "promo_id", "status", "created_at")
    ),
    "telecom.ivr_recordings": Case(ivr_session, blanked={"results": {}}, kept=("status", "tag")),
    "telecom.ivr_step_recordings": Case(
        lambda app: IvrStep.objects.create(
            session=ivr_session(app),
            index=0,
            kind="record",
            tag=unique("step"),
            status="done",
            result={"record_url": "https://hoiio.example/r.mp3"},
        ),
        blanked={"result": {}},
        kept=("status",),
    ),
    "telecom.fax_documents": Case(
        lambda app: Fax.objects.create(
            app=app,
            direction="in",
            status="answered",
            dest=NUMBER,
            document=b"%PDF-1.4 secret",
            fax_url="https://hoiio.example/fax.pdf",
            tag=unique("fax"),
        ),
        blanked={"document": b"", "fax_url": ""},
        kept=("tag",),
    ),
    "subscribers.locations": Case(
        lambda app: LocationQuery.objects.create(
            subscriber=subscriber(app),
            status="done",
            latitude=Decimal("14.5"),
            longitude=Decimal("121.0"),
        )
    ),
    "subscribers.balances": Case(
        lambda app: BalanceQuery.objects.create(
            subscriber=subscriber(app), status="done", amount=Decimal("12.00")
        )
    ),
    "subscribers.optin_codes": Case(
        lambda app: CodeExchange.objects.create(
            app=app, code="secret-code", code_digest="c" * 64, status="done"
        )
    ),
    "subscribers.import_files": Case(
        lambda app: SubscriberImport.objects.create(
            app=app,
            file_name="numbers.csv",
            data=b"msisdn\n09171234567\n",
            size=20,
            encoding="utf-8",
            status="done",
            preview={"samples": [NUMBER]},
            result={"samples": [NUMBER]},
        ),
        blanked={"data": b"", "preview": {}, "result": {}},
        kept=("file_name", "size", "status"),
    ),
    "voiceflows.recordings": Case(
        lambda app: CallExchange.objects.create(
            session=call_session(app),
            sequence=1,
            request_key=unique("rq"),
            kind="result",
            recording_url="https://tropo.example/r.wav",
        ),
        blanked={"recording_url": ""},
        kept=("sequence",),
    ),
    "voiceflows.call_exchanges": Case(
        lambda app: CallExchange.objects.create(
            session=call_session(app), sequence=1, request_key=unique("rq"), kind="result"
        )
    ),
    "voiceflows.call_sessions": Case(call_session),
    "voiceflows.escalation_attempts": Case(
        lambda app: EscalationAttempt.objects.create(
            escalation=escalation(app),
            round=1,
            position=0,
            msisdn=NUMBER,
            status="confirmed",
            deadline_at=timezone.now(),
        )
    ),
    "voiceflows.escalations": Case(escalation),
    "voiceflows.call_triggers": Case(
        lambda app: CallTrigger.objects.create(
            app=app, flow=flow(app), msisdn=NUMBER, status="triggered"
        )
    ),
    "voiceflows.campaign_numbers": Case(
        lambda app: CallCampaign.objects.create(
            app=app,
            flow=flow(app),
            name="survey",
            numbers=f"{NUMBER}\n",
            skipped="not-a-number",
            status="started",
            calls=1,
        ),
        blanked={"numbers": "", "skipped": ""},
        kept=("name", "calls", "status"),
    ),
}

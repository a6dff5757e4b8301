"""The Notify URI (API docs: "Receiving SMS", "Receiving Multi-Part SMS",
and the charging opt-in under "Charging"), the USSD Notify URI (API docs:
"USSD") and the rewards callback URI (API docs: "Load API").

- `POST {"inboundSMSMessageList": ...}`: subscribers texted the shortcode;
  each message is stored once and handled once (see `services.inbound`).
- `GET ?code=..&amount=..`: a subscriber accepted a charging opt-in; the
  code is exchanged for a token like a web-form code.

Hoiio's notifications have their own handlers (`telecom.callbacks.hoiio`),
registered from here.
"""

import contextlib

from django.db import transaction

from subscribers.callback_handlers import code_exchange_result
from subscribers.callback_payloads import parse_optional_amount
from telecom.callbacks import hoiio  # noqa: F401 (registers Hoiio's handlers)
from telecom.callbacks.registry import (
    CallbackHandler,
    HandlerResult,
    RejectedPayload,
    json_body,
    register,
)
from telecom.dates import parse_globe_datetime
from telecom.inbound_payloads import parse_inbound
from telecom.msisdn import try_normalize
from telecom.services.inbound import receive_sms
from telecom.services.rewards import apply_reward_callback
from telecom.services.ussd import receive_ussd
from telecom.ussd.payloads import parse_ussd


@register
class NotifyHandler(CallbackHandler):
    kind = "notify"
    methods = ("GET", "POST")

    def handle(self, event) -> HandlerResult:
        if event.method == "GET":
            amount = parse_optional_amount(event.query_params)
            if amount is None:
                raise RejectedPayload("amount is required", {"amount": ["This field is required."]})
            return code_exchange_result(event, amount)
        data = json_body(event)
        messages = parse_inbound(data, event.app.shortcode)
        if not messages:
            return HandlerResult(note="an empty batch (inboundSMSMessage: []): nothing to store")
        notes = [receive_sms(event.app, sms, event) for sms in messages]
        return HandlerResult(note="; ".join(notes))


@register
class RewardsHandler(CallbackHandler):
    """`POST {"outboundRewardRequest": {"status", "promo", "timestamp",
    "transaction_id", "address"}}`: the final status of a reward."""

    kind = "rewards"
    methods = ("POST",)

    def handle(self, event) -> HandlerResult:
        data = json_body(event)
        inner = data.get("outboundRewardRequest") if isinstance(data, dict) else None
        if not isinstance(inner, dict):
            raise RejectedPayload(
                'expected {"outboundRewardRequest": {...}}',
                {"outboundRewardRequest": ["This field is required."]},
            )
        status = inner.get("status")
        if not isinstance(status, str) or not status.strip():
            raise RejectedPayload(
                "status is required", {"outboundRewardRequest.status": ["This field is required."]}
            )
        transaction_id = inner.get("transaction_id")
        if transaction_id is not None and not isinstance(transaction_id, (int, str)):
            raise RejectedPayload(
                "transaction_id must be a number",
                {"outboundRewardRequest.transaction_id": ["must be a number"]},
            )
        at = event.received_at  # close enough to match by, when the timestamp is unreadable
        if isinstance(inner.get("timestamp"), str):
            with contextlib.suppress(ValueError):
                at = parse_globe_datetime(inner["timestamp"])
        with transaction.atomic():
            note = apply_reward_callback(
                app=event.app,
                transaction_id=str(transaction_id) if transaction_id is not None else "",
                status=status,
                msisdn=try_normalize(inner.get("address")),
                promo=inner.get("promo") if isinstance(inner.get("promo"), str) else None,
                at=at,
                callback_event=event,
            )
        return HandlerResult(note=note)


@register
class UssdHandler(CallbackHandler):
    """`POST {"inboundUSSDMessageList": ...}`: a subscriber dialed or answered."""

    kind = "ussd"
    methods = ("POST",)

    def handle(self, event) -> HandlerResult:
        data = json_body(event)
        notes = [
            receive_ussd(event.app, inp, event) for inp in parse_ussd(data, event.app.shortcode)
        ]
        return HandlerResult(note="; ".join(notes))

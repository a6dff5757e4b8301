"""Globe's Notify URI (API docs: "Receiving SMS", "Receiving Multi-Part SMS",
and the charging opt-in under "Charging"), the USSD Notify URI (API docs:
"USSD") and the rewards callback URI (API docs: "Load API").

- `POST {"inboundSMSMessageList": ...}`: subscribers texted the shortcode;
  each message is stored once and handled once (see `services.inbound`); in
  a lane's batch, the plain ones (one SMS, whole) are stored together
  (`services.inbound_batch`), the parts of multipart ones one by one.
- `GET ?code=..&amount=..`: a subscriber accepted a charging opt-in; the
  code is exchanged for a token like a web-form code.

The payloads are read by `telecom.globe.inbound`; a charging opt-in's code
goes through the consent handlers' code exchange (`subscribers`).
"""

from dataclasses import asdict

from django.db import transaction

from subscribers.callback_handlers import code_exchange_result
from telecom.callbacks.registry import CallbackHandler, HandlerResult, json_body, register
from telecom.errors import RejectedPayload
from telecom.globe.inbound.consent import parse_optional_amount
from telecom.globe.inbound.rewards import parse_reward_report
from telecom.globe.inbound.ussd import parse_ussd
from telecom.services.inbound import receive_sms
from telecom.services.inbound_batch import (
    parsed_sms,
    plain_sms,
    prepare_inbound_batch,
    receive_plain,
)
from telecom.services.rewards import apply_reward_callback
from telecom.services.ussd import receive_ussd


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
        messages = parsed_sms(event)
        if not messages:
            return HandlerResult(note="an empty batch (inboundSMSMessage: []): nothing to store")
        notes = [receive_sms(event.app, sms, event) for sms in messages]
        return HandlerResult(note="; ".join(notes))

    def lane_key(self, event) -> str | None:
        """An MO SMS is answered once stored, in its sender's lane; a charging
        opt-in's code (a GET) is exchanged first."""
        if event.method != "POST":
            return None
        messages = parsed_sms(event)
        return messages[0].sender if messages else ""

    def prepare_batch(self, events) -> None:
        prepare_inbound_batch(events)

    def batch_key(self, event) -> str | None:
        """A plain MO SMS (one, whole) is stored with the batch's others."""
        sms = plain_sms(event)
        return sms.sender if sms else None

    def handle_batch(self, events) -> list[HandlerResult]:
        return [HandlerResult(note=note) for note in receive_plain(events)]


@register
class RewardsHandler(CallbackHandler):
    """`POST {"outboundRewardRequest": {"status", "promo", "timestamp",
    "transaction_id", "address"}}`: the final status of a reward."""

    kind = "rewards"
    methods = ("POST",)

    def handle(self, event) -> HandlerResult:
        report = parse_reward_report(event)
        with transaction.atomic():
            note = apply_reward_callback(app=event.app, callback_event=event, **asdict(report))
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

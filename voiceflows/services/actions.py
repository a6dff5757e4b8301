"""What a step does when a call reaches it, through the same services as the
rest of Hatid: send an SMS, charge, reward, tag the subscriber on the call,
queue a partner webhook, or confirm the escalation the call belongs to.

It runs inside the request's transaction, once per call exchange (a
repeated request finds its exchange and runs nothing). A service that
refuses (no consent, an inactive promo) does not stop the call: the refusal
is noted on the exchange for operators.
"""

from django.db import transaction

from subscribers.services.tags import tag_subscribers
from telecom.errors import ServiceError
from telecom.models import Message
from telecom.services.charging import charge
from telecom.services.messaging import send_sms
from telecom.services.rewards import send_reward
from telecom.services.webhooks import queue_webhook
from voiceflows.engine import fill
from voiceflows.models import CallSession, Step


def call_body(session: CallSession, step: str) -> dict:
    """What a partner's webhook receives for a call reaching a step."""
    return {
        "call": {
            "id": session.pk,
            "app": session.app_id,
            "session_id": session.session_id,
            "direction": session.direction,
            "number": session.msisdn,
            "flow": session.flow.slug if session.flow_id else None,
            "step": step,
            "variables": {k: v for k, v in session.variables.items() if k != "confirmation_code"},
        }
    }


def run_step_action(session: CallSession, key: str, exchange) -> str:
    """Run step `key`'s action for this call; what happened, in a few words."""
    step = Step.objects.filter(flow=session.flow_id, key=key).exclude(action="").first()
    if step is None:
        return ""
    variables, action = session.variables, step.action
    subscriber = session.subscriber
    try:
        with transaction.atomic():
            if action == Step.Action.CONFIRM:
                from voiceflows.services.escalations import confirm

                return confirm(session)
            if subscriber is None:
                return f"{action}: the call has no subscriber number"
            if action == Step.Action.SMS:
                message = send_sms(
                    app=session.app,
                    to=subscriber,
                    text=fill(step.action_text, variables),
                    source=Message.Source.FLOW,
                )
                return f"SMS {message.pk} {message.status}"
            if action == Step.Action.CHARGE:
                row = charge(
                    app=session.app,
                    to=subscriber,
                    amount=fill(step.action_amount, variables),
                    description=fill(step.action_description, variables) or session.flow.name,
                    source="voice",
                )
                return f"charge {row.reference_code} {row.status}"
            if action == Step.Action.REWARD:
                reward = send_reward(
                    app=session.app, to=subscriber, promo=step.action_promo, source="voice"
                )
                return f"reward {reward.pk} {reward.status}"
            if action == Step.Action.TAG:
                tag_subscribers(subscriber_ids=[subscriber.pk], tag_name=step.action_tag)
                return f"tagged {step.action_tag}"
            if action == Step.Action.WEBHOOK and step.action_partner_id:
                queue_webhook(
                    step.action_partner,
                    event="call.step",
                    dedupe_key=f"call:{session.pk}:{exchange.pk}",
                    body=call_body(session, key),
                )
                return f"webhook to {step.action_partner}"
    except ServiceError as exc:
        return f"{action} refused: {exc.message}"
    return ""

"""The one runner of step actions: a USSD end screen's and a voice step's
action, taken the same way through the services (send an SMS, charge,
reward, tag, queue a partner's webhook, confirm an escalation).

The caller describes where the step is reached in a `StepContext`: who, with
which app, the variables, how to name the charge and the webhook, and how to
confirm (only a call can). Nothing here knows USSD from voice. The runner
works inside the caller's transaction, in a savepoint of its own: a service
that refuses (no consent, an inactive promo) does not stop the session or
the call; what happened comes back as a short note for the caller to keep
(a USSD session's end reason, a call exchange's note).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from subscribers.models import Subscriber
from subscribers.services.tags import tag_subscribers
from telecom.errors import ServiceError
from telecom.models import Message, ProviderApp
from telecom.services.charging import charge
from telecom.services.messaging import send_sms
from telecom.services.rewards import send_reward
from telecom.services.webhooks import queue_webhook
from telecom.steps.models import StepAction
from telecom.steps.templating import render


@dataclass(frozen=True)
class PartnerEvent:
    """What a webhook action tells the partner: the event's name
    ("ussd.completed", "call.step"), the key that sends it once (per session,
    per exchange) and its body, built only when it is sent."""

    event: str
    dedupe_key: str
    body: Callable[[], dict]


@dataclass(frozen=True)
class StepContext:
    """Where a step is reached: what its action needs to know."""

    app: ProviderApp
    subscriber: Subscriber | None  # a call from a hidden number has none
    variables: dict
    source: str  # the charge's and the reward's `source`: "ussd", "voice"
    description: str  # a charge's description when the step gives none
    webhook: PartnerEvent
    confirm: Callable[[], str] | None = None  # a call confirming its escalation

    @classmethod
    def of(
        cls,
        session,
        source: str,
        description: str,
        webhook: PartnerEvent,
        confirm: Callable[[], str] | None = None,
    ) -> StepContext:
        """The context of a session walking steps (a `UssdSession`, a
        `CallSession`: anything with an app, a subscriber and variables)."""
        who = (session.app, session.subscriber, session.variables)
        return cls(*who, source, description, webhook, confirm)


def _sms(step: StepAction, context: StepContext) -> str:
    if step.action_template_id:
        # The session's variables that the template declares come first; the
        # others (a PIN typed, a caller id) are not the template's business.
        template = step.action_template
        given = {
            name: str(value)
            for name, value in context.variables.items()
            if name in template.defaults and value not in (None, "")
        }
        message = send_sms(
            app=context.app,
            to=context.subscriber,
            template=template,
            variables=given,
            source=Message.Source.FLOW,
        )
        return f"SMS {message.pk} {message.status}"
    message = send_sms(
        app=context.app,
        to=context.subscriber,
        text=render(step.action_text, context.variables),
        source=Message.Source.FLOW,
    )
    return f"SMS {message.pk} {message.status}"


def _charge(step: StepAction, context: StepContext) -> str:
    row = charge(
        app=context.app,
        to=context.subscriber,
        amount=render(step.action_amount, context.variables),
        description=render(step.action_description, context.variables) or context.description,
        source=context.source,
    )
    return f"charge {row.reference_code} {row.status}"


def _reward(step: StepAction, context: StepContext) -> str:
    reward = send_reward(
        app=context.app, to=context.subscriber, promo=step.action_promo, source=context.source
    )
    return f"reward {reward.pk} {reward.status}"


def _tag(step: StepAction, context: StepContext) -> str:
    tag_subscribers(subscriber_ids=[context.subscriber.pk], tag_name=step.action_tag)
    return f"tagged {step.action_tag}"


def _webhook(step: StepAction, context: StepContext) -> str:
    if not step.action_partner_id:
        return ""
    partner_event = context.webhook
    queue_webhook(
        step.action_partner,
        event=partner_event.event,
        dedupe_key=partner_event.dedupe_key,
        body=partner_event.body(),
    )
    return f"webhook to {step.action_partner}"


def _confirm(step: StepAction, context: StepContext) -> str:
    if context.confirm is None:
        return "confirm: only a call confirms an escalation"
    return context.confirm()


# Each action, and whether it acts on the subscriber (and so needs one).
ACTIONS: dict[str, tuple[Callable[[StepAction, StepContext], str], bool]] = {
    StepAction.Action.SMS: (_sms, True),
    StepAction.Action.CHARGE: (_charge, True),
    StepAction.Action.REWARD: (_reward, True),
    StepAction.Action.TAG: (_tag, True),
    StepAction.Action.WEBHOOK: (_webhook, True),
    StepAction.Action.CONFIRM: (_confirm, False),
}


def run_action(step: StepAction, context: StepContext) -> str:
    """Take `step`'s action where `context` says; what happened, in a few words
    ("" when the step has no action)."""
    if step.action not in ACTIONS:
        return ""
    run, needs_subscriber = ACTIONS[step.action]
    if needs_subscriber and context.subscriber is None:
        return f"{step.action}: the call has no subscriber number"
    try:
        with transaction.atomic():
            return run(step, context)
    except ServiceError as exc:
        return f"{step.action} refused: {exc.message}"

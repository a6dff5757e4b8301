"""What a step does when a call reaches it: the call's side of the one step
runner (`telecom.steps.runner`, which USSD end screens use too). This module
finds the step that acts and says who is on the call, with what variables,
how a partner's webhook describes it, and how the call confirms the
escalation it belongs to.

It runs inside the request's transaction, once per call exchange (a
repeated request finds its exchange and runs nothing). A service that
refuses (no consent, an inactive promo) does not stop the call: the refusal
is noted on the exchange for operators.
"""

from functools import partial

from telecom.steps.runner import PartnerEvent, StepContext, run_action
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


def _confirm(session: CallSession) -> str:
    from voiceflows.services.escalations import confirm  # escalations start calls: a cycle

    return confirm(session)


def run_step_action(session: CallSession, key: str, exchange) -> str:
    """Run step `key`'s action for this call; what happened, in a few words."""
    step = Step.objects.filter(flow=session.flow_id, key=key).exclude(action="").first()
    if step is None:
        return ""
    reached = PartnerEvent(
        "call.step", f"call:{session.pk}:{exchange.pk}", partial(call_body, session, key)
    )
    confirm = partial(_confirm, session)
    return run_action(
        step, StepContext.of(session, "voice", session.flow.name, reached, confirm=confirm)
    )

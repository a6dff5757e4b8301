"""The Redirect URI: where Globe Labs reports consent (API docs: "Subscriber
Consent Workflow").

- `GET ?access_token=..&subscriber_number=..`: a subscriber opted in by SMS
  (also taken as a POST of the same fields, JSON or form: see `posted_opt_in`).
- `GET ?code=..` (and `amount` for charging): a visitor came back from the
  consent dialog; the code is queued for exchange and the browser goes to a
  result page.
- `POST {"unsubscribed": {"subscriber_number", "access_token", "time_stamp"}}`:
  the subscriber texted STOP.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from subscribers.models import Subscriber
from subscribers.services.consent import (
    start_code_exchange,
    subscriber_opt_in,
    subscriber_unsubscribe,
    token_of_other_app,
)
from telecom.callbacks.registry import CallbackHandler, HandlerResult, register
from telecom.errors import RejectedPayload
from telecom.globe.inbound.consent import (
    parse_code,
    parse_opt_in,
    parse_optional_amount,
    parse_unsubscribe,
    posted_opt_in,
)


def code_exchange_result(event, amount) -> HandlerResult:
    code = parse_code(event.query_params)
    exchange = start_code_exchange(app=event.app, code=code, amount=amount, callback_event=event)
    url = reverse("consent-result", kwargs={"public_id": exchange.public_id})
    return HandlerResult(
        note=f"code exchange {exchange.pk} ({exchange.status})",
        response=HttpResponseRedirect(url),
    )


@register
class RedirectHandler(CallbackHandler):
    kind = "redirect"
    methods = ("GET", "POST")

    def handle(self, event) -> HandlerResult:
        if event.method == "POST":
            posted = posted_opt_in(event)
            return self.unsubscribe(event) if posted is None else self.opt_in(event, posted)
        params = event.query_params
        if "code" in params:
            return code_exchange_result(event, parse_optional_amount(params))
        if not params:
            # The charging web form sends the code to the Notify URI and the
            # visitor's browser here with nothing (API docs, "Charging").
            return HandlerResult(
                note="a visitor came back from the consent dialog",
                response=render(None, "consent/returned.html", {"app": event.app}),
            )
        return self.opt_in(event, params)

    def lane_key(self, event) -> str | None:
        """An SMS opt-in and a STOP are answered once stored, in the
        subscriber's lane (so a STOP is applied after the opt-in before it);
        a visitor's browser gets its page after processing."""
        if event.method == "POST":
            posted = posted_opt_in(event)
            if posted is None:
                return parse_unsubscribe(event)[0]
            return parse_opt_in(posted)[0]
        params = event.query_params
        if not params or "code" in params:
            return None
        return parse_opt_in(params)[0]

    def opt_in(self, event, params) -> HandlerResult:
        msisdn, token = parse_opt_in(params)
        if token_of_other_app(event.app, token):
            raise RejectedPayload(
                "this access token belongs to another app",
                {"access_token": ["issued to another app"]},
            )
        change = subscriber_opt_in(
            app=event.app,
            msisdn=msisdn,
            token=token,
            channel=Subscriber.Channel.SMS,
            occurred_at=event.received_at,
            callback_event=event,
        )
        return HandlerResult(note=f"{change.subscriber.msisdn}: {change.note}")

    def unsubscribe(self, event) -> HandlerResult:
        msisdn, token, at = parse_unsubscribe(event)
        change = subscriber_unsubscribe(
            app=event.app, msisdn=msisdn, token=token, occurred_at=at, callback_event=event
        )
        return HandlerResult(note=f"{change.subscriber.msisdn}: {change.note}")

"""Control: act as a handset, and read what it shows.

- `GET /_sandbox/handsets/<number>`: the subscriber, its conversation (both
  directions), its USSD session, its last voice call, its grants.
- `GET /_sandbox/handsets/<number>/inbox`: the SMS it received.
- `POST /_sandbox/handsets/<number>/sms` `{"to": "<short code>", "text": "...",
  "order": "in_order|reverse|shuffled"}`: the handset texts the short code
  (INFO, YES, STOP... included). Answers once the resulting callbacks were
  delivered: `action`, `callbacks` (with the app's answers), `replies` (what
  the handset received meanwhile).
- `POST /_sandbox/handsets/<number>/ussd` `{"dial": "*120*1234#"}`,
  `{"input": "2"}` or `{"cancel": true}`: the session as it stands after the
  callback, and the callback. `GET` it: `{"ussd": ...}` as the state has it,
  alone (what a handset waiting for the app's reply polls, for a fraction of
  the full state's statements).
- `/call` and `/keys` are voice's (see `sandbox.control.voice`).

A number that is not yet on the network joins it on its first SMS or dial.
"""

from django.http import JsonResponse

from sandbox.control.common import (
    ControlError,
    app_named_by,
    body,
    callback_json,
    control_view,
    message_json,
    number_of,
    session_json,
    subscriber_json,
)
from sandbox.control.voice import call_json
from sandbox.models import Grant, HandsetMessage, Subscriber, UssdSession
from sandbox.services import handsets, mo, ussd, voice


def _existing(number: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(number=number_of(number)).first()
    if subscriber is None:
        raise ControlError(404, f"{number} is not on the network yet")
    return subscriber


@control_view("GET")
def state(request, number: str):
    subscriber = _existing(number)
    session = _screen_of(subscriber)
    grants = Grant.objects.filter(subscriber=subscriber, active=True).select_related("app")
    return JsonResponse(
        {
            "subscriber": subscriber_json(subscriber),
            "messages": [message_json(m) for m in subscriber.messages.order_by("id")],
            "ussd": session_json(session),
            "call": call_json(voice.last_call(subscriber)),
            "subscribed_to": [grant.app.shortcode for grant in grants],
        }
    )


@control_view("GET")
def inbox(request, number: str):
    e164 = number_of(number)
    messages = HandsetMessage.objects.filter(
        subscriber__number=e164, direction=HandsetMessage.Direction.RECEIVED
    ).order_by("id")
    return JsonResponse({"number": e164, "messages": [message_json(m) for m in messages]})


@control_view("POST")
def text(request, number: str):
    data = body(request)
    message = data.get("text")
    if not isinstance(message, str) or not message:
        raise ControlError(400, "text is required")
    order = data.get("order")
    if order is not None and order not in ("in_order", "reverse", "shuffled"):
        raise ControlError(400, "order must be in_order, reverse or shuffled")
    app = app_named_by(data.get("to"))
    subscriber = handsets.subscriber_for(number_of(number))
    last = subscriber.messages.order_by("-id").values_list("id", flat=True).first() or 0
    result = mo.text_short_code(app, subscriber, message, order)
    replies = subscriber.messages.filter(
        id__gt=last, direction=HandsetMessage.Direction.RECEIVED
    ).order_by("id")
    return JsonResponse(
        {
            "action": result.action,
            "callbacks": [callback_json(callback) for callback in result.callbacks],
            "replies": [message_json(reply) for reply in replies],
        }
    )


@control_view("GET", "POST")
def dial(request, number: str):
    if request.method == "GET":
        return JsonResponse({"ussd": session_json(_screen(number))})
    data = body(request)
    subscriber = handsets.subscriber_for(number_of(number))
    if data.get("cancel"):
        session = ussd.cancel(subscriber)
        return JsonResponse({"session": session_json(_fresh(session)), "callbacks": []})
    if isinstance(data.get("dial"), str):
        session, callback = ussd.dial(subscriber, data["dial"])
    elif isinstance(data.get("input"), str):
        session, callback = ussd.answer(subscriber, data["input"])
    else:
        raise ControlError(400, 'give {"dial": "*120*1234#"}, {"input": "1"} or {"cancel": true}')
    return JsonResponse(
        {"session": session_json(_fresh(session)), "callbacks": [callback_json(callback)]}
    )


def _screen(number: str) -> UssdSession | None:
    """The handset's USSD session as the full state shows it (the open one,
    else the last), without the state's messages, call and grants: what a
    handset waiting for a reply polls."""
    return _screen_of(_existing(number))


def _screen_of(subscriber: Subscriber) -> UssdSession | None:
    return ussd.open_session(subscriber) or (
        UssdSession.objects.select_related("app").filter(subscriber=subscriber).last()
    )


def _fresh(session: UssdSession | None) -> UssdSession | None:
    if session is None:
        return None
    return UssdSession.objects.select_related("app").get(pk=session.pk)

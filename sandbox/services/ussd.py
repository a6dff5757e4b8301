"""USSD sessions: a handset dials, the app answers, the handset answers back.

From the USSD section: dialing `*120*<shortcode suffix>#` starts a session
and sends `{"message": null, sessionStart: true}` to the USSD notify URI;
`*120*9996*1*2*3#` starts it with the inputs as a list (`['1', '2', '3']`).
The app answers through the reply API; `flash: false` keeps the session
open for the handset's next input, `flash: true` is the final message. An
app can also open a session (network initiated, the send API).

The doc's sample callback (`"message": "*120*9996*3#"`) has no
`sessionStart` field and shows the dialed string; the prose describes the
session start as above. The sandbox follows the prose, and writes
`sessionStart` on every message (true on the first, false after), so an
app can always tell a new session from an answer.

A session with no activity for `ussd_session_timeout` seconds (120 by
default) expires; the docs give no callback for that, so none is sent.
"""

import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sandbox import callbacks, conf
from sandbox.models import App, Callback, Subscriber, UssdSession
from sandbox.router import SANDBOX_DB
from sandbox.services.accounts import app_for_shortcode
from telecom.dates import format_globe_datetime

DIAL = re.compile(r"^\*120\*(?P<code>\d{4,8})(?P<inputs>(?:\*[0-9A-Za-z]+)*)#?$")


class UssdError(ValueError):
    """What the handset cannot do (unknown code, no open session...); the message says why."""


def new_session_id() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(12))


def expire_stale(subscriber: Subscriber) -> None:
    cutoff = timezone.now() - timedelta(seconds=conf.option("ussd_session_timeout"))
    UssdSession.objects.filter(
        subscriber=subscriber, state=UssdSession.State.OPEN, last_activity_at__lt=cutoff
    ).update(state=UssdSession.State.EXPIRED)


def open_session(subscriber: Subscriber) -> UssdSession | None:
    expire_stale(subscriber)
    return (
        UssdSession.objects.select_related("app")
        .filter(subscriber=subscriber, state=UssdSession.State.OPEN)
        .order_by("-id")
        .first()
    )


def _end_others(subscriber: Subscriber) -> None:
    """A handset has one USSD session at a time: a new one cancels the old."""
    UssdSession.objects.filter(subscriber=subscriber, state=UssdSession.State.OPEN).update(
        state=UssdSession.State.CANCELLED
    )


def inbound_body(session: UssdSession, message, *, start: bool) -> dict:
    return {
        "inboundUSSDMessageList": {
            "inboundUSSDMessage": [
                {
                    "datetime": format_globe_datetime(timezone.now()),
                    "destinationAddress": session.app.shortcode,
                    "message": message,
                    "senderAddress": session.subscriber.number.removeprefix("+"),
                    "sessionID": session.session_id,
                    "sessionStart": start,
                }
            ]
        }
    }


def app_for_code(code: str) -> App:
    app = app_for_shortcode(code)
    if app is None:
        raise UssdError(f"no app answers *120*{code}#")
    return app


def dial(subscriber: Subscriber, dialed: str) -> tuple[UssdSession, Callback]:
    match = DIAL.match(dialed.replace(" ", ""))
    if match is None:
        raise UssdError("dial *120*<short code>#, or *120*<short code>*1*2# with inputs")
    app = app_for_code(match["code"])
    inputs = [value for value in match["inputs"].split("*") if value]
    now = timezone.now()
    with transaction.atomic(using=SANDBOX_DB):
        _end_others(subscriber)
        session = UssdSession.objects.create(
            session_id=new_session_id(),
            app=app,
            subscriber=subscriber,
            origin=UssdSession.Origin.HANDSET,
            dialed=dialed,
            last_activity_at=now,
            transcript=[{"from": "handset", "text": dialed}],
        )
    body = inbound_body(session, inputs or None, start=True)
    return session, callbacks.send(app, Callback.Kind.USSD, app.ussd_notify_uri, body=body)


def answer(subscriber: Subscriber, text: str) -> tuple[UssdSession, Callback]:
    """The handset's input in its open session, sent to the app."""
    session = open_session(subscriber)
    if session is None:
        raise UssdError("no open USSD session on this handset")
    with transaction.atomic(using=SANDBOX_DB):
        session = UssdSession.objects.select_for_update().select_related("app").get(pk=session.pk)
        session.transcript = [*session.transcript, {"from": "handset", "text": text}]
        session.last_activity_at = timezone.now()
        session.save(update_fields=["transcript", "last_activity_at"])
    app = session.app
    body = inbound_body(session, text, start=False)
    return session, callbacks.send(app, Callback.Kind.USSD, app.ussd_notify_uri, body=body)


def cancel(subscriber: Subscriber) -> UssdSession | None:
    session = open_session(subscriber)
    if session is not None:
        UssdSession.objects.filter(pk=session.pk).update(state=UssdSession.State.CANCELLED)
    return session


def show(session: UssdSession, text: str, *, flash: bool) -> None:
    """An app's message reaches the handset's screen; flash ends the session."""
    session = UssdSession.objects.select_for_update().get(pk=session.pk)
    session.transcript = [*session.transcript, {"from": "app", "text": text, "flash": flash}]
    session.screen = text
    session.last_activity_at = timezone.now()
    if flash:
        session.state = UssdSession.State.CLOSED
    session.save(update_fields=["transcript", "screen", "last_activity_at", "state"])


def start_from_app(app: App, subscriber: Subscriber, session_id: str) -> UssdSession:
    """Network initiated: the app opens a session on the handset (the send API)."""
    _end_others(subscriber)
    return UssdSession.objects.create(
        session_id=session_id,
        app=app,
        subscriber=subscriber,
        origin=UssdSession.Origin.APP,
        last_activity_at=timezone.now(),
    )

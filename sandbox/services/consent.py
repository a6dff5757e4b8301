"""Consent: access tokens, OAuth codes, opt-in by SMS, charging opt-in, STOP.

From "Subscriber Consent Workflow": INFO brings the welcome message, YES
sends `access_token` and `subscriber_number` (10 digits, `9171234567`) to
the redirect URI with GET, STOP (STOPSVC for cross-telco) ends the consent
and POSTs `{"unsubscribed": {...}}` to the redirect URI. From "Charging":
`YES <KEYWORD>` (or the charging web form) sends `code` and `amount` to the
notify URI with GET; the app swaps the code for a token at
`POST /oauth/access_token`.

The two copies of the docs disagree on the opt-in: the .txt says the token
and number "will be sent to your Redirect URI ... via GET method" and shows
`GET /?access_token=...&subscriber_number=9179471234`; the .md titles its
example "Sample POST to Redirect URI" with a JSON body. The platform sends a
GET with query parameters (as the .txt, the .md's own prose "you can get
these parameters via GET method", and the issue say), so the sandbox does.

A subscriber who consents again keeps the token already issued (one live
token per subscriber and app); STOP revokes it, and the next consent issues
a new one.
"""

import secrets
from datetime import UTC
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox import callbacks, conf, tokens
from sandbox.models import App, AuthCode, Callback, ChargingOptIn, Grant, Subscriber
from sandbox.router import SANDBOX_DB
from sandbox.services import handsets


def national(number: str) -> str:
    return number.removeprefix("+63")


def issue_token(app: App, subscriber: Subscriber, source: str) -> Grant:
    """The live grant of `subscriber` to `app`, created when there is none."""
    grant = Grant.objects.filter(app=app, subscriber=subscriber, active=True).first()
    if grant is not None:
        return grant
    try:
        with transaction.atomic(using=SANDBOX_DB):
            return Grant.objects.create(
                app=app,
                subscriber=subscriber,
                source=source,
                # 43 characters, like `E1enKbxfLBUH7b_1E500G_V16fM-Yxmm1VHAR15Re9I`.
                access_token=secrets.token_urlsafe(32),
            )
    except IntegrityError:  # a concurrent consent won
        return Grant.objects.get(app=app, subscriber=subscriber, active=True)


BULK_CHUNK = 2000


def issue_tokens(app: App, numbers: list[str], balance: Decimal | None = None) -> dict[str, str]:
    """Consent for many numbers at once (benchmarks seed 100,000): each E.164
    number -> its live token. Handsets that do not exist yet are created with
    `balance` (the default load when None); live grants are kept, as
    `issue_token` keeps them. A few statements per thousand numbers."""
    if balance is None:
        balance = Decimal(conf.option("default_subscriber_balance"))
    issued: dict[str, str] = {}
    for start in range(0, len(numbers), BULK_CHUNK):
        chunk = numbers[start : start + BULK_CHUNK]
        with transaction.atomic(using=SANDBOX_DB):
            Subscriber.objects.bulk_create(
                [Subscriber(number=number, balance=balance) for number in chunk],
                ignore_conflicts=True,
            )
            ids = dict(Subscriber.objects.filter(number__in=chunk).values_list("pk", "number"))
            live = Grant.objects.filter(app=app, active=True, subscriber_id__in=ids)
            issued.update(live.values_list("subscriber__number", "access_token"))
            Grant.objects.bulk_create(
                [
                    Grant(
                        app=app,
                        subscriber_id=pk,
                        source=Grant.Source.CONTROL,
                        access_token=secrets.token_urlsafe(32),
                    )
                    for pk, number in ids.items()
                    if number not in issued
                ]
            )
            issued.update(live.values_list("subscriber__number", "access_token"))
    tokens.forget()
    return issued


def new_code(app: App, subscriber: Subscriber, source: str, amount=None) -> AuthCode:
    # The docs' sample code is 192 letters and digits.
    code = "".join(
        secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for _ in range(192)
    )
    return AuthCode.objects.create(
        code=code, app=app, subscriber=subscriber, source=source, amount=amount
    )


def redeem_code(app: App, code: str) -> Grant | None:
    """Swap a code for the subscriber's token: once only."""
    auth = AuthCode.objects.filter(app=app, code=code, used_at__isnull=True).first()
    if auth is None:
        return None
    taken = AuthCode.objects.filter(pk=auth.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not taken:
        return None  # a concurrent exchange of the same code won
    return issue_token(app, auth.subscriber, auth.source)


def keyword_for(app: App, amount: Decimal) -> str:
    """The `YES <KEYWORD>` keyword of a charging amount ("e.g. YES GLABS1").

    Keywords are "provisioned for each application" (`charging_keywords`);
    an amount with none provisioned gets `GLABS` + the amount, whole pesos
    as the doc's example (1.00 -> GLABS1), centavos after a P (2.50 -> GLABS2P50).
    """
    for keyword, provisioned in app.charging_keywords.items():
        if Decimal(str(provisioned)) == amount:
            return keyword.upper()
    pesos, centavos = divmod(int(amount * 100), 100)
    return f"GLABS{pesos}" + (f"P{centavos:02d}" if centavos else "")


def welcome(app: App, subscriber: Subscriber) -> None:
    """INFO: the welcome message (name, short description, support e-mail)."""
    name = app.name or app.shortcode
    text = f"Welcome to {name}!"
    if app.description:
        text += f" {app.description}"
    text += " Reply YES to subscribe."
    offers = [
        f"YES {keyword.upper()} for PHP {Decimal(str(amount)):.2f}"
        for keyword, amount in app.charging_keywords.items()
    ]
    if offers:
        text += " Or reply " + ", ".join(offers) + "."
    if app.support_email:
        text += f" Help: {app.support_email}"
    handsets.receive(subscriber, app.shortcode, text)


def _confirm(app: App, subscriber: Subscriber, text: str, kind: str, uri: str, params: dict):
    """Text the handset what it agreed to, then tell the app: a GET to `uri` with `params`."""
    handsets.receive(subscriber, app.shortcode, text)
    return callbacks.send(app, kind, uri, method="GET", params=params)


def opt_in(app: App, subscriber: Subscriber) -> Callback:
    """YES: issue the token and send it to the redirect URI (GET)."""
    grant = issue_token(app, subscriber, Grant.Source.SMS)
    return _confirm(
        app,
        subscriber,
        f"You are now subscribed to {app.name or app.shortcode}. Text STOP to unsubscribe.",
        Callback.Kind.OPTIN,
        app.redirect_uri,
        {"access_token": grant.access_token, "subscriber_number": national(subscriber.number)},
    )


def charging_opt_in(app: App, subscriber: Subscriber, keyword: str) -> Callback | None:
    """YES <KEYWORD>: send `code` and `amount` to the notify URI (GET). None: unknown keyword."""
    keyword = keyword.upper()
    pending = (
        ChargingOptIn.objects.filter(
            app=app, subscriber=subscriber, keyword=keyword, completed_at__isnull=True
        )
        .order_by("-id")
        .first()
    )
    if pending is not None:
        amount = pending.amount
        ChargingOptIn.objects.filter(pk=pending.pk).update(completed_at=timezone.now())
    else:
        provisioned = {k.upper(): v for k, v in app.charging_keywords.items()}
        if keyword not in provisioned:
            return None
        amount = Decimal(str(provisioned[keyword]))
    return send_charging_code(app, subscriber, Decimal(amount).quantize(Decimal("0.01")))


def send_charging_code(app: App, subscriber: Subscriber, amount: Decimal) -> Callback:
    code = new_code(app, subscriber, Grant.Source.CHARGING, amount=amount)
    return _confirm(
        app,
        subscriber,
        f"You agreed to be charged PHP {amount:.2f} by {app.name or app.shortcode}.",
        Callback.Kind.CHARGING_CODE,
        app.notify_uri,
        {"code": code.code, "amount": f"{amount:.2f}"},
    )


def unsubscribe(app: App, subscriber: Subscriber) -> Callback | None:
    """STOP/STOPSVC: revoke the token and POST the `unsubscribed` JSON. None: not subscribed."""
    grant = Grant.objects.filter(app=app, subscriber=subscriber, active=True).first()
    handsets.receive(
        subscriber,
        app.shortcode,
        f"You have unsubscribed from {app.name or app.shortcode}.",
    )
    if grant is None:
        return None
    now = timezone.now()
    Grant.objects.filter(pk=grant.pk).update(active=False, revoked_at=now)
    tokens.forget()
    body = {
        "unsubscribed": {
            "subscriber_number": national(subscriber.number),
            "access_token": grant.access_token,
            # The doc's example is naive ISO 8601 ("2014-10-19T12:00:00"), in UTC.
            "time_stamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        }
    }
    return callbacks.send(app, Callback.Kind.UNSUBSCRIBE, app.redirect_uri, body=body)

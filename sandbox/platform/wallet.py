"""The Wallet Balance API: `POST /wallet/v1/balance/`.

"If app has passphrase": `app_id`, `app_secret` and `passphrase`;
"Otherwise": an `access_token` of one of the app's subscribers. Anything
else is 401 "Unauthorized / Authentication failed" (the table's wording,
verbatim). An app asking again sooner than `wallet_min_interval` seconds
gets 429 "Too many requests", with a `Retry-After` header (not in the docs;
the seconds to wait).

The docs write the answer as `{"wallet_balance": "<float:balance>",
"as_of": "<datetime:as_of>"}`: the sandbox sends the balance as a JSON
number and the time in the platform's usual format
(`Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)`).
"""

import math
from datetime import timedelta

from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone

from sandbox import conf
from sandbox.models import App
from sandbox.platform.common import (
    PlatformError,
    authenticate,
    json_object,
    platform_endpoint,
    same_secret,
)
from sandbox.services import wallet
from telecom.dates import format_globe_datetime

UNAUTHORIZED = "Unauthorized / Authentication failed"
TOO_MANY = "Too many requests"


def _app(body: dict) -> App:
    if "access_token" in body:
        return authenticate(body["access_token"], message=UNAUTHORIZED).app
    app = App.objects.filter(app_id=body.get("app_id") or "").first()
    if (
        app is None
        or not app.passphrase
        or not same_secret(app.app_secret, body.get("app_secret"))
        or not same_secret(app.passphrase, body.get("passphrase"))
    ):
        raise PlatformError(401, UNAUTHORIZED)
    return app


@platform_endpoint("wallet", methods=("POST",))
def balance(request):
    try:
        body = json_object(request, "walletBalanceRequest")
    except PlatformError:
        raise PlatformError(401, UNAUTHORIZED) from None
    app = _app(body)
    now = timezone.now()
    interval = conf.option("wallet_min_interval")
    allowed = App.objects.filter(
        Q(last_wallet_query_at__isnull=True)
        | Q(last_wallet_query_at__lte=now - timedelta(seconds=interval)),
        pk=app.pk,
    ).update(last_wallet_query_at=now)
    if not allowed:
        last = App.objects.values_list("last_wallet_query_at", flat=True).get(pk=app.pk)
        wait = interval - (now - last).total_seconds()
        raise PlatformError(429, TOO_MANY, headers={"Retry-After": str(max(1, math.ceil(wait)))})
    amount = wallet.balance(app)
    return JsonResponse({"wallet_balance": float(amount), "as_of": format_globe_datetime(now)})

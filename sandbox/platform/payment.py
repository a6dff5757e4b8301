"""Charging: `POST /payment/v1/transactions/amount`, `GET .../getLastRefCode`,
and the charging SMS opt-in `POST /payment/v1/smsoptin`.

Every documented charging error is reachable through state: a bad token or
missing parameter (400), a deactivated app (401), an unknown number (402),
the subscriber's `charging_allowed` (701), `postpaid` (407),
`balance_check_fails` (416, or 405 on TM) and balance (411 GHP, 412 TM);
503 and 702 come from faults. "Non 200 and 500 series will deduct 0.50".

`referenceCode` must be the short code's last 4 digits and 7 letters or
digits. A repeated `referenceCode` from the same app never charges again: it
answers the original result (see `common.apply_once`), whatever the repeat
asks for.

`duration` is Required in one copy of the docs (.txt) and absent from the
other copy's sample and from the official SDK's request; the sandbox takes
it as optional, 0 (one-time charging) when absent.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db.models import F
from django.http import JsonResponse

from sandbox.models import ChargingOptIn, Delivery, Subscriber
from sandbox.platform.common import (
    MISSING_PARAMETERS,
    PlatformError,
    app_by_credentials,
    apply_once,
    authenticate,
    national,
    new_id,
    parse_address,
    platform_endpoint,
)
from sandbox.services import consent, handsets

# The Charging "Error Codes" table, verbatim (the 405 row's apostrophes are
# typographic in the docs; the 416 row's are not).
CHARGE_MESSAGES = {
    400: "Authentication Error/Missing parameters in request body.",
    401: "App Is deactivated (due to inactivity).",
    402: "Subscriber Not found (invalid number).",
    405: "Failure to update the TM subscriber\u2019s balance or failure to check "
    "the TM subscriber\u2019s balance.",
    407: "Failure since postpaid charging is not permitted.",
    411: "GHP Subscriber has insufficient balance.",
    412: "TM Subscriber has insufficient balance.",
    416: "Failure to check the subscriber's balance.",
    503: "System is busy, please try again later.",
    701: "Charging is disallowed for the subscriber. Do not retry. Inform the subscriber "
    "to call the hotline for activation.",
    # The .txt copy shows the address as "[email protected]" (an e-mail
    # obfuscator's mark); the .md copy spells the platform's address elsewhere.
    702: "System is busy. Please try again later and contact api@globe.com.ph",
}
_AMOUNT = re.compile(r"^\d{1,7}(\.\d{1,2})?$")
REQUIRED = ("amount", "description", "endUserId", "referenceCode", "transactionOperationStatus")


def _not_2xx_or_5xx(status: int) -> bool:
    return not (200 <= status < 300 or 500 <= status < 600)


def _fail(status: int):
    raise PlatformError(status, CHARGE_MESSAGES[status])


def parse_amount(value, status: int = 400, message: str = MISSING_PARAMETERS) -> Decimal:
    if not isinstance(value, str) or not _AMOUNT.match(value.strip()):
        raise PlatformError(status, message)
    try:
        return Decimal(value.strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise PlatformError(status, message) from None


def _duration(value) -> int:
    if value in (None, ""):
        return 0
    if not str(value).strip().isdigit():
        _fail(400)
    return int(value)


@platform_endpoint(
    "charge",
    methods=("POST",),
    penalty="charge_error",
    chargeable=_not_2xx_or_5xx,
    fault_messages=CHARGE_MESSAGES,
)
def charge(request):
    grant = authenticate(request.GET.get("access_token"), status=400, message=CHARGE_MESSAGES[400])
    app = request.sandbox_app = grant.app
    if not app.active:
        _fail(401)
    form = request.POST
    if any(not form.get(name, "").strip() for name in REQUIRED):
        _fail(400)
    if form["transactionOperationStatus"].strip() != "Charged":
        _fail(400)
    amount = parse_amount(form["amount"], 400, CHARGE_MESSAGES[400])
    _duration(form.get("duration"))  # checked; the sandbox keeps no subscriptions
    reference = form["referenceCode"].strip()
    if not re.fullmatch(re.escape(app.suffix) + r"[A-Za-z0-9]{7}", reference):
        _fail(400)
    number = parse_address(form["endUserId"], status=402, message=CHARGE_MESSAGES[402])
    subscriber = Subscriber.objects.filter(number=number).first()
    if subscriber is None:
        _fail(402)
    if subscriber.pk != grant.subscriber_id:
        _fail(400)
    description = form["description"]
    response = {
        "amountTransaction": {
            "endUserId": national(number),
            "paymentAmount": {
                "chargingInformation": {
                    "amount": f"{amount:.2f}",
                    "currency": "PHP",
                    "description": description,
                },
                "totalAmountCharged": f"{amount:.2f}",
            },
            "referenceCode": reference,
            "serverReferenceCode": new_id(),
            "resourceURL": None,
        }
    }

    def take_payment(delivery_id: int) -> None:
        current = Subscriber.objects.get(pk=subscriber.pk)
        tm = current.brand == Subscriber.Brand.TM
        if not current.charging_allowed:
            _fail(701)
        if current.postpaid:
            _fail(407)
        if current.balance_check_fails:
            _fail(405 if tm else 416)
        paid = Subscriber.objects.filter(pk=current.pk, balance__gte=amount).update(
            balance=F("balance") - amount
        )
        if not paid:
            _fail(412 if tm else 411)

    answer = (201, response)
    applied = apply_once(
        Delivery.Kind.CHARGE,
        app,
        subscriber,
        key=reference,
        request=form.dict(),
        answer=answer,
        amount=amount,
        effects=take_payment,
    )
    return applied.response_json()


@platform_endpoint("refcode", methods=("GET",), penalty="refcode_error", chargeable=_not_2xx_or_5xx)
def last_reference_code(request):
    app = app_by_credentials(request, request.GET.get("app_id"), request.GET.get("app_secret"))
    last = (
        Delivery.objects.filter(app=app, kind=Delivery.Kind.CHARGE)
        .order_by("-id")
        .values_list("key", flat=True)
        .first()
    )
    # The docs show only an app that has charged; before its first charge
    # the sandbox answers referenceCode null.
    return JsonResponse({"referenceCode": last, "status": "SUCCESS", "shortcode": app.shortcode})


@platform_endpoint("optin", methods=("POST",))
def sms_optin(request):
    # The docs put every parameter in the query string of the POST; a form
    # body is accepted too.
    params = {**request.POST.dict(), **request.GET.dict()}
    app = app_by_credentials(request, params.get("app_id"), params.get("app_secret"))
    if any(not params.get(name, "").strip() for name in ("subscriber_number", "amount")):
        raise PlatformError(400, MISSING_PARAMETERS)
    amount = parse_amount(params["amount"])
    duration = params.get("duration", "0").strip() or "0"
    if not duration.isdigit():
        raise PlatformError(400, MISSING_PARAMETERS)
    subscriber = handsets.subscriber_for(parse_address(params["subscriber_number"]))
    keyword = consent.keyword_for(app, amount)
    ChargingOptIn.objects.create(
        app=app, subscriber=subscriber, keyword=keyword, amount=amount, duration=int(duration)
    )
    days = f" for {duration} days" if int(duration) else ""
    handsets.receive(
        subscriber,
        app.shortcode,
        f"{app.name or app.shortcode} asks to charge you PHP {amount:.2f}{days}. "
        f"Reply YES {keyword} to agree.",
    )
    # The docs show no response body for this call; the sandbox answers 201
    # with what it did (the keyword is the subscriber's to type, not shown).
    return JsonResponse(
        {
            "status": "SUCCESS",
            "subscriber_number": national(subscriber.number),
            "amount": f"{amount:.2f}",
            "duration": int(duration),
        },
        status=201,
    )

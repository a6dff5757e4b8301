"""Location and subscriber data: `GET /location/v1/queries/location`, and the
SDK-only `GET /location/v1/queries/balance` and `.../reload_amount`.

LBS follows the reference docs: `access_token`, `address` and
`requestedAccuracy` are required, the body is `terminalLocationList`, and
the docs' response table gives 201 for success, even for a GET, so the
sandbox answers 201. Requests answered 201, 400 or 401 are chargeable.

Balance and reload amount are not in the docs; their shape comes from the
official SDK's documentation (`subBalance: "60200"`, `reloadAmount:
"30000"`, the number as `639171234567`), read as amounts in centavos.
They answer 200.
"""

from decimal import Decimal

from django.http import JsonResponse
from django.utils import timezone

from sandbox import conf
from sandbox.models import Grant, Subscriber
from sandbox.platform.common import (
    INSUFFICIENT_WALLET,
    MISSING_PARAMETERS,
    PlatformError,
    authenticate,
    national,
    parse_address,
    platform_endpoint,
    same_subscriber,
)
from sandbox.services import wallet
from telecom.dates import format_globe_datetime


def _grant(request) -> Grant:
    grant = authenticate(request.GET.get("access_token"))
    request.sandbox_app = grant.app
    return grant


def _subscriber(request, grant: Grant, price_name: str) -> Subscriber:
    """The queried subscriber, once the address matched the token and the query was paid."""
    number = parse_address(request.GET.get("address"))
    same_subscriber(grant, number)
    if not wallet.debit(grant.app, conf.price(price_name), price_name):
        raise PlatformError(403, INSUFFICIENT_WALLET)
    return Subscriber.objects.get(pk=grant.subscriber_id)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


@platform_endpoint(
    "location",
    methods=("GET",),
    penalty="location_error",
    chargeable=lambda status: status in (400, 401),
)
def location(request):
    grant = _grant(request)
    accuracy = request.GET.get("requestedAccuracy", "").strip()
    if not accuracy.isdigit():
        raise PlatformError(400, MISSING_PARAMETERS)
    subscriber = _subscriber(request, grant, "location")
    terminal: dict = {"address": f"tel:{national(subscriber.number)}"}
    if subscriber.latitude is None or subscriber.longitude is None:
        terminal["locationRetrievalStatus"] = "NotRetrieved"
    else:
        latitude, longitude = _plain(subscriber.latitude), _plain(subscriber.longitude)
        terminal["currentLocation"] = {
            "accuracy": int(accuracy),
            "latitude": latitude,
            "longitude": longitude,
            "map_url": f"http://maps.google.com/maps?z=17&t=m&q=loc:{latitude}+{longitude}",
            "timestamp": format_globe_datetime(timezone.now()),
        }
        terminal["locationRetrievalStatus"] = "Retrieved"
    return JsonResponse({"terminalLocationList": {"terminalLocation": terminal}}, status=201)


def _centavos(amount: Decimal) -> str:
    return str(int(amount * 100))


def _account(request, field: str, attribute: str) -> JsonResponse:
    """The SDK's subscriber query: one `terminalLocation` entry, the amount in centavos."""
    subscriber = _subscriber(request, _grant(request), "subscriber_query")
    entry = {
        "address": subscriber.number.removeprefix("+"),
        field: _centavos(getattr(subscriber, attribute)),
    }
    return JsonResponse({"terminalLocationList": {"terminalLocation": [entry]}})


@platform_endpoint("balance", methods=("GET",))
def balance(request):
    return _account(request, "subBalance", "balance")


@platform_endpoint("balance", methods=("GET",))
def reload_amount(request):
    return _account(request, "reloadAmount", "reload_amount")

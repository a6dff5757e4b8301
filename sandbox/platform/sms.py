"""SMS MT and binary SMS: `POST /smsmessaging/v1/outbound/{senderAddress}/requests`
and `POST /binarymessaging/v1/outbound/{senderAddress}/requests`.

From the SMS section of the reference docs: the access token in the query
must be the subscriber's, `address` may be written `9171234567`,
`09171234567`, `+639171234567` or `tel:+639171234567` (and the official SDK
sends a one-element list), success is 201 with the `outboundSMSMessageRequest`
body, and 201, 400 and 401 are chargeable ("Error response with 400 series
will deduct 0.50").

Long messages: the SMS section says the API "is limited a maximum of 160
characters", the Multi-Part SMS section that you "can send multi-part sms
... you will be charged per 160 characters". The platform accepts long
messages, so the sandbox delivers them as 160-character parts, each billed.

`clientCorrelator` "allows the operator to avoid sending the same SMS
twice": a repeat from the same app answers the original 201 body and is not
delivered again (nor billed again); `Delivery.duplicate_submissions` counts it.
"""

import re

from sandbox import conf
from sandbox.models import Delivery, Grant
from sandbox.platform.common import (
    MISSING_PARAMETERS,
    PlatformError,
    apply_once,
    authenticate,
    json_object,
    matches_shortcode,
    national,
    parse_address,
    platform_endpoint,
    resource_url,
    same_subscriber,
)
from sandbox.services import handsets
from sandbox.services.accounts import app_for_shortcode

PART_SIZE = 160
# Binary SMS "Data Coding Value" table.
DATA_CODING_SCHEMES = {0, 1, 3, 4, 8}
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")
INVALID_SENDER = "Invalid senderAddress"


def _correlator(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PlatformError(400, MISSING_PARAMETERS)
    return str(value)[:128]


def _message(container) -> str:
    message = container.get("message") if isinstance(container, dict) else None
    if not isinstance(message, str) or not message:
        raise PlatformError(400, MISSING_PARAMETERS)
    return message


def _recipient(request, sender_address: str, body: dict, token) -> tuple[Grant, str]:
    """Whose message this is: the token's grant, its app's short code, its subscriber's number."""
    grant = authenticate(token)
    app = request.sandbox_app = grant.app
    for sender in (sender_address, body.get("senderAddress", sender_address)):
        if not matches_shortcode(app, sender):
            raise PlatformError(400, INVALID_SENDER)
    number = parse_address(body.get("address"))
    same_subscriber(grant, number)
    return grant, number


def _deliver(kind: str, grant: Grant, body: dict, response: dict, parts: list, inbox_text: str):
    """Deliver the message once per `clientCorrelator`, each part billed at the kind's price."""
    app, subscriber = grant.app, grant.subscriber

    def effects(delivery_id: int) -> None:
        handsets.receive(
            subscriber, app.shortcode, inbox_text, parts=len(parts), delivery_id=delivery_id
        )

    return apply_once(
        kind,
        app,
        subscriber,
        key=_correlator(body.get("clientCorrelator")),
        request=body,
        answer=(201, response),
        charged=conf.price(kind) * len(parts),
        effects=effects,
        parts=parts,
    ).response_json()


def _delivery_info(resource: str) -> dict:
    """The response's `deliveryInfoList`: empty at first, statuses come by callback."""
    return {"deliveryInfo": [], "resourceURL": resource}


def _receipt_request(app, **extra) -> dict:
    """The response's `receiptRequest`: where the delivery receipts will go."""
    return {"notifyURL": app.notify_uri or None, "callbackData": None, "senderName": None, **extra}


def _sender_app(sender_address: str):
    return app_for_shortcode(sender_address)


@platform_endpoint("sms", methods=("POST",), penalty="sms_error", identify=_sender_app)
def send_sms(request, sender_address: str):
    body = json_object(request, "outboundSMSMessageRequest")
    grant, number = _recipient(request, sender_address, body, request.GET.get("access_token"))
    app = grant.app
    message = _message(body.get("outboundSMSTextMessage"))
    resource = resource_url(request, "smsmessaging", sender_address, grant)
    response = {
        "outboundSMSMessageRequest": {
            "address": f"tel:{number}",
            "deliveryInfoList": _delivery_info(resource),
            "senderAddress": sender_address,
            "outboundSMSTextMessage": {"message": message},
            "receiptRequest": _receipt_request(app, resourceURL=resource),
        }
    }
    parts = handsets.split(message, PART_SIZE)
    return _deliver(Delivery.Kind.SMS, grant, body, response, parts, message)


@platform_endpoint("binary", methods=("POST",), penalty="binary_error", identify=_sender_app)
def send_binary(request, sender_address: str):
    body = json_object(request, "outboundBinaryMessageRequest")
    # The doc's table lists access_token among the parameters, and the official
    # SDK sends it in the body as well as in the query; either is accepted.
    token = request.GET.get("access_token") or body.get("access_token")
    grant, number = _recipient(request, sender_address, body, token)
    app = grant.app
    header = body.get("userDataHeader")
    if not isinstance(header, str) or not _HEX.match(header):
        raise PlatformError(400, MISSING_PARAMETERS)
    scheme = body.get("dataCodingScheme")
    if isinstance(scheme, str) and scheme.isdigit():
        scheme = int(scheme)
    if isinstance(scheme, bool) or scheme not in DATA_CODING_SCHEMES:
        raise PlatformError(400, MISSING_PARAMETERS)
    message = _message(body.get("outboundBinaryMessage"))
    resource = resource_url(request, "binarymessaging", sender_address, grant)
    # The doc's sample response is not valid JSON (deliveryInfoList is never
    # closed); it is read here as these fields side by side.
    response = {
        "outboundBinaryMessageRequest": {
            "address": national(number),
            "deliveryInfoList": _delivery_info(resource),
            "senderAddress": app.shortcode,
            "userDataHeader": header,
            "dataCodingScheme": scheme,
            "outboundBinaryMessage": {"message": message},
            "receiptRequest": _receipt_request(app),
            "resourceURL": resource,
        }
    }
    inbox_text = f"[binary, data coding {scheme}, UDH {header.upper()}] {message}"
    return _deliver(Delivery.Kind.BINARY, grant, body, response, [message], inbox_text)

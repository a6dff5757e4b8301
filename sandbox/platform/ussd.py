"""USSD from the app: `POST /ussd/v1/outbound/{shortcode}/send/requests` (network
initiated) and `POST /ussd/v1/outbound/{shortcode}/reply/requests` (the answer
in a session the handset or the app opened).

Status codes and wording are the USSD "Error Codes" table's. Only the
documented fields are accepted ("Excess parameters" otherwise), all of them
required. A reply needs a `sessionID` that is open on that handset for that
app; the docs give no error for one that is not (ended, timed out, unknown),
so the sandbox answers 400 "Invalid sessionID".
"""

from sandbox import conf
from sandbox.models import App, Delivery, UssdSession
from sandbox.platform.common import (
    MISSING_PARAMETERS,
    PlatformError,
    apply_once,
    authenticate,
    json_object,
    new_id,
    parse_address,
    platform_endpoint,
    resource_url,
    same_subscriber,
)
from sandbox.services import ussd
from sandbox.services.accounts import app_for_shortcode

EXCESS_PARAMETERS = "Excess parameters"
NOT_PROVISIONED = "App is not provisioned for USSD"
ACCOUNT_BLOCKED = (
    "Your account is currently blocked. Please contact api@globe.com.ph for reactivation."
)
BLACKLISTED = "The subscriber is blacklisted"
APP_NOT_FOUND = "App not found"
INVALID_SESSION = "Invalid sessionID"
SEND_FIELDS = frozenset({"outboundUSSDMessage", "address", "senderAddress", "flash"})
REPLY_FIELDS = SEND_FIELDS | {"sessionID"}


def _app(shortcode: str) -> App:
    app = app_for_shortcode(shortcode)
    if app is None:
        raise PlatformError(404, APP_NOT_FOUND)
    return app


def _outbound(request, shortcode: str, *, reply: bool):
    body = json_object(request, "outboundUSSDMessageRequest")
    fields = REPLY_FIELDS if reply else SEND_FIELDS
    if not fields <= body.keys():
        raise PlatformError(400, MISSING_PARAMETERS)
    if body.keys() - fields:
        raise PlatformError(400, EXCESS_PARAMETERS)
    container = body["outboundUSSDMessage"]
    message = container.get("message") if isinstance(container, dict) else None
    flash = body["flash"]
    if not isinstance(message, str) or not message or not isinstance(flash, bool):
        raise PlatformError(400, MISSING_PARAMETERS)
    app = request.sandbox_app = _app(shortcode)
    number = parse_address(body["address"])
    grant = authenticate(request.GET.get("access_token"))
    same_subscriber(grant, number, app)
    if not app.ussd_provisioned:
        raise PlatformError(401, NOT_PROVISIONED)
    if app.blocked:
        raise PlatformError(403, ACCOUNT_BLOCKED)
    subscriber = grant.subscriber
    if subscriber.blacklisted:
        raise PlatformError(403, BLACKLISTED)
    if reply:
        ussd.expire_stale(subscriber)
        session = UssdSession.objects.filter(
            session_id=str(body["sessionID"]),
            app=app,
            subscriber=subscriber,
            state=UssdSession.State.OPEN,
        ).first()
        if session is None:
            raise PlatformError(400, INVALID_SESSION)
        session_id = session.session_id
    else:
        session, session_id = None, ussd.new_session_id()

    resource = resource_url(request, "ussd", f"{app.shortcode}/reply", grant)
    receipt = {"ussdNotifyURL": app.ussd_notify_uri or None, "sessionID": session_id}
    if reply:
        receipt["referenceID"] = new_id(16)
    response = {
        "outboundUSSDMessageRequest": {
            "address": number.removeprefix("+"),
            "deliveryInfoList": {"deliveryInfo": [], "resourceURL": resource},
            "senderAddress": app.shortcode,
            "outboundUSSDMessage": {"message": message},
            "receiptRequest": receipt,
            "resourceURL": resource,
        }
    }

    def show(delivery_id: int) -> None:
        target = session or ussd.start_from_app(app, subscriber, session_id)
        ussd.show(target, message, flash=flash)

    price = conf.price("ussd")
    applied = apply_once(
        Delivery.Kind.USSD,
        app,
        subscriber,
        request=body,
        answer=(200, response),
        charged=price,
        effects=show,
    )
    return applied.response_json()


@platform_endpoint("ussd", methods=("POST",))
def send(request, shortcode: str):
    return _outbound(request, shortcode, reply=False)


@platform_endpoint("ussd", methods=("POST",))
def reply(request, shortcode: str):
    return _outbound(request, shortcode, reply=True)

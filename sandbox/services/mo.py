"""A handset texts a short code: platform keywords, or SMS MO to the app.

INFO, YES, `YES <KEYWORD>`, STOP and STOPSVC are the platform's keywords
(see `consent`); they are answered by the platform and not forwarded.
Anything else is SMS MO: "Everytime your short code receives a message,
this link [the Notify URI] will receive the data in JSON format".

MO over 160 characters arrives as parts, one POST each, carrying
`multipartRefId` and `multipartSeqNum`. The doc's sample splits at 153
characters (160 less the concatenation header), numbers the parts as
strings and sets `numberOfMessagesInThisBatch` to the number of parts, also
a string; the sandbox writes them the same way. The order the parts reach
the app is the `mo_part_order` knob (or the control call's `order`).

The doc's first MO sample has `messageId: null`, its multi-part samples
carry ids; the sandbox always sends one, so an app can tell repeats apart.
"""

import random
import secrets
from dataclasses import dataclass, field

from django.utils import timezone

from sandbox import callbacks, conf
from sandbox.models import App, Callback, Subscriber
from sandbox.services import consent, handsets
from telecom.dates import format_globe_datetime

SINGLE_LIMIT = 160
PART_SIZE = 153


@dataclass
class TextResult:
    action: str
    callbacks: list[Callback] = field(default_factory=list)


def text_short_code(
    app: App, subscriber: Subscriber, text: str, order: str | None = None
) -> TextResult:
    handsets.record_sent(subscriber, app.shortcode, text)
    words = text.strip().split()
    keyword = words[0].upper() if words else ""
    if len(words) == 1 and keyword == "INFO":
        consent.welcome(app, subscriber)
        return TextResult("info")
    if len(words) == 1 and keyword == "YES":
        return TextResult("optin", [consent.opt_in(app, subscriber)])
    if len(words) == 2 and keyword == "YES":
        callback = consent.charging_opt_in(app, subscriber, words[1])
        if callback is not None:
            return TextResult("charging_optin", [callback])
    if len(words) == 1 and keyword in ("STOP", "STOPSVC"):
        callback = consent.unsubscribe(app, subscriber)
        return TextResult("unsubscribe", [callback] if callback else [])
    return TextResult("mo", send_mo(app, subscriber, text, order))


def mo_bodies(app: App, subscriber: Subscriber, text: str) -> list[dict]:
    """The notify URI's `inboundSMSMessageList` POST bodies, in sequence order."""
    stamp = format_globe_datetime(timezone.now())
    base = {
        "dateTime": stamp,
        "destinationAddress": f"tel:{app.shortcode}",
        "resourceURL": None,
        "senderAddress": f"tel:{subscriber.number}",
    }
    if len(text) <= SINGLE_LIMIT:
        message = {**base, "messageId": secrets.token_hex(12), "message": text}
        return [
            {
                "inboundSMSMessageList": {
                    "inboundSMSMessage": [message],
                    "numberOfMessagesInThisBatch": 1,
                    "resourceURL": None,
                    "totalNumberOfPendingMessages": None,
                }
            }
        ]
    parts = handsets.split(text, PART_SIZE)
    reference = secrets.token_hex(16)
    return [
        {
            "inboundSMSMessageList": {
                "inboundSMSMessage": [
                    {
                        **base,
                        "messageId": secrets.token_hex(12),
                        "message": part,
                        "multipartRefId": reference,
                        "multipartSeqNum": str(number),
                    }
                ],
                "numberOfMessagesInThisBatch": str(len(parts)),
                "resourceURL": None,
                "totalNumberOfPendingMessages": 0,
            }
        }
        for number, part in enumerate(parts, start=1)
    ]


def ordered(bodies: list[dict], order: str) -> list[dict]:
    if order == "reverse":
        return list(reversed(bodies))
    if order == "shuffled":
        shuffled = list(bodies)
        random.SystemRandom().shuffle(shuffled)
        return shuffled
    return bodies


def send_mo(app: App, subscriber: Subscriber, text: str, order: str | None) -> list[Callback]:
    bodies = ordered(mo_bodies(app, subscriber, text), order or conf.option("mo_part_order"))
    return [callbacks.send(app, Callback.Kind.SMS_MO, app.notify_uri, body=body) for body in bodies]

"""STOP and START texted to a Hoiio number: the opt-out keywords.

Globe Labs handles STOP at the platform and tells Hatid (the Redirect URI's
unsubscribe callback); Hoiio forwards every SMS as it is, so Hatid reads the
keywords itself. A message is a keyword when, in any case and stripped of the
whitespace and punctuation around it, it is one of `OPT_OUT` or `OPT_IN`:
"stop", " Stop! ", "UNSUBSCRIBE." are; "stop by at 5" is not (a sentence that
starts with the word is a conversation, not an instruction).

As on Globe, keyword rules never see these words (`telecom.services.keywords`
skips STOP and STOPSVC; `inbound.handle` skips the rest when this module took
the message; a Hoiio app's word rule cannot be one of them), and partners are
still told the message arrived.

The confirmation SMS is sent only when the subscriber's consent changed: a
second STOP, or the same one replayed (which `receive_sms` already refuses by
its txn_ref), sends nothing more.
"""

from __future__ import annotations

import unicodedata

from subscribers.services.opt_out import hoiio_opt_in_again, hoiio_opt_out
from telecom.models import Message, ProviderApp
from telecom.models.keyword import HOIIO_OPT_IN, HOIIO_OPT_OUT
from telecom.services.messaging import send_sms

OPT_OUT, OPT_IN = HOIIO_OPT_OUT, HOIIO_OPT_IN
# Around the word: whitespace, punctuation, symbols (an emoji), controls, of any script.
_AROUND = ("Z", "P", "S", "C")

OPTED_OUT_TEXT = (
    "You have unsubscribed from {app} and will get no more messages. "
    "Reply START to subscribe again."
)
OPTED_IN_TEXT = "You are subscribed to {app} again. Reply STOP to unsubscribe."


def _is_around(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in _AROUND


def keyword(text: str) -> str:
    """The opt-out or opt-in keyword this text is, or ""."""
    chars = list(text or "")
    while chars and _is_around(chars[0]):
        chars.pop(0)
    while chars and _is_around(chars[-1]):
        chars.pop()
    word = "".join(chars).upper()
    return word if word in OPT_OUT | OPT_IN else ""


def apply_opt_out_keywords(message: Message) -> str | None:
    """Opt the sender of an inbound Hoiio SMS out (or back in) if it is a keyword,
    in the caller's transaction; a note for the log, or None when it is not one."""
    if message.app.provider != ProviderApp.Provider.HOIIO:
        return None
    word = keyword(message.text)
    if not word:
        return None
    change_service, text = (
        (hoiio_opt_out, OPTED_OUT_TEXT) if word in OPT_OUT else (hoiio_opt_in_again, OPTED_IN_TEXT)
    )
    change = change_service(
        app=message.app,
        number=message.msisdn,
        detail=f"texted {word}",
        occurred_at=message.created_at,
        callback_event=message.callback_event,
    )
    if not change.changed:
        return f"; {word}: {change.note}"
    reply = send_sms(
        app=message.app,
        to=change.subscriber,
        text=text.format(app=message.app.sender_name or message.app.name),
        source=Message.Source.KEYWORD,
        consent_notice=True,
    )
    return f"; {word}: {change.note}, confirmation {reply.pk}"

"""Hoiio's notifications, at `/callbacks/hoiio/<token>/<kind>/`.

Hoiio posts form fields (`telecom.hoiio.notifications` reads them):

- `sms`: an SMS's delivery status (the `notify_url` of every send);
- `sms-in`: an SMS arrived on one of the app's numbers (`forward_sms_to`);
- `voice`: a call-back's or a conference participant's status;
- `ivr`: an IVR event: the dial answered, a block done, the call ended (and,
  for a number in voice mode, a call arriving on it: `forward_to`);
- `fax`: a sent fax's status; `fax-in`: a fax arrived on a number in fax
  mode (`forward_to`), with the URL of its document.

Each is stored raw first (`CallbackEvent`), then applied in one transaction,
idempotent on Hoiio's txn_ref (or Hatid's tag, or the IVR session and the
block's tag): a repeated notification finds its effect there already.
"""

from collections.abc import Callable
from functools import partial

from django.http import QueryDict

from telecom.callbacks.registry import CallbackHandler, HandlerResult, add_handler
from telecom.errors import RejectedPayload
from telecom.hoiio import notifications
from telecom.services import fax
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import sms as hoiio_sms
from telecom.services.hoiio import voice as hoiio_voice


def fields(event) -> QueryDict:
    """The posted form, with anything in the query string too."""
    data = event.query_params.copy()
    if event.method == "POST" and "json" not in event.content_type:
        data.update(QueryDict(event.body_text))
    return data


class HoiioHandler(CallbackHandler):
    """One notification kind: its parser (`telecom.hoiio.notifications`) and
    the service that applies what it read (returning a note for the log)."""

    provider = "hoiio"
    methods = ("POST",)

    def __init__(self, kind: str, parse: Callable, apply: Callable[..., str]):
        self.kind, self.parse, self.apply = kind, parse, apply

    def handle(self, event) -> HandlerResult:
        try:
            value = self.parse(fields(event))
        except notifications.NotificationError as exc:
            raise RejectedPayload(str(exc), {exc.field: [exc.message]}) from None
        return HandlerResult(note=self.apply(event.app, value, event))


for handler in (
    HoiioHandler("sms", notifications.sms_report, hoiio_sms.apply_sms_report),
    HoiioHandler("sms-in", notifications.incoming_sms, hoiio_sms.receive_hoiio_sms),
    HoiioHandler("voice", notifications.call_report, hoiio_voice.apply_call_report),
    HoiioHandler("ivr", notifications.ivr_event, hoiio_ivr.apply_ivr_event),
    HoiioHandler("fax", notifications.fax_report, fax.apply_fax_report),
    HoiioHandler("fax-in", partial(notifications.fax_report, incoming=True), fax.receive_fax),
):
    add_handler(handler)

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

from django.http import QueryDict

from telecom.callbacks.registry import CallbackHandler, HandlerResult, RejectedPayload, register
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
    """A subclass names its `kind`, the `parse`r of its fields and `apply`."""

    provider = "hoiio"
    methods = ("POST",)

    def parse(self, data):
        raise NotImplementedError

    def apply(self, app, value, event) -> str:
        raise NotImplementedError

    def handle(self, event) -> HandlerResult:
        try:
            value = self.parse(fields(event))
        except notifications.NotificationError as exc:
            raise RejectedPayload(str(exc), {exc.field: [exc.message]}) from None
        return HandlerResult(note=self.apply(event.app, value, event))


@register
class SmsReportHandler(HoiioHandler):
    kind = "sms"
    parse = staticmethod(notifications.sms_report)
    apply = staticmethod(hoiio_sms.apply_sms_report)


@register
class IncomingSmsHandler(HoiioHandler):
    kind = "sms-in"
    parse = staticmethod(notifications.incoming_sms)
    apply = staticmethod(hoiio_sms.receive_hoiio_sms)


@register
class CallReportHandler(HoiioHandler):
    kind = "voice"
    parse = staticmethod(notifications.call_report)
    apply = staticmethod(hoiio_voice.apply_call_report)


@register
class IvrEventHandler(HoiioHandler):
    kind = "ivr"
    parse = staticmethod(notifications.ivr_event)
    apply = staticmethod(hoiio_ivr.apply_ivr_event)


@register
class FaxReportHandler(HoiioHandler):
    kind = "fax"
    parse = staticmethod(notifications.fax_report)
    apply = staticmethod(fax.apply_fax_report)


@register
class IncomingFaxHandler(HoiioHandler):
    kind = "fax-in"

    def parse(self, data):
        return notifications.fax_report(data, incoming=True)

    apply = staticmethod(fax.receive_fax)

"""Which provider carries an app's SMS, and what that changes: the one place
`send_sms`, campaigns and `MessageDelivery` ask (`sms_channel(app)`), so that
nothing above the services knows the provider.

A channel says who can be reached (Globe Labs needs the subscriber's
consent token; Hoiio sends to any number the app serves that has not
unsubscribed), how one message is sent and what its answer records, whether
the provider deduplicates by an idempotency key (Globe: the
clientCorrelator; Hoiio has none, so its messages are sent once, see
`telecom.send_once`), and whether a campaign goes out as bulk sends (Hoiio:
up to 1,000 numbers a request). A provider without SMS (the Voicent gateway)
has no channel: asking for one is a ServiceError.
"""

from __future__ import annotations

from subscribers.models import Subscriber
from subscribers.services.consent import live_token_for
from telecom.errors import ServiceError
from telecom.globe import GlobeClient
from telecom.hoiio import HoiioClient
from telecom.hoiio.sms import BULK_LIMIT
from telecom.models import Message, ProviderApp


class SmsChannel:
    """A subclass sets `provider` and implements `send(row)` and `record(row, result)`."""

    provider = ""
    has_idempotency_key = True
    supports_binary = False
    bulk_limit = 0  # > 0: campaigns go out as bulk sends of at most this many
    # True: an operator's or a partner's send to an unsubscribed number is
    # refused (a ServiceError on `to`) rather than recorded as failed.
    refuses_unsubscribed = False

    def unreachable_reason(self, subscriber: Subscriber) -> str:
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            return "the subscriber has unsubscribed"
        return ""

    def reachable(self, queryset):
        """The subscribers of `queryset` a campaign can reach."""
        return queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED)

    def send(self, row: Message):
        raise NotImplementedError

    def record(self, row: Message, result) -> dict:
        return {}


class GlobeSms(SmsChannel):
    """Globe Labs: to subscribers who consented, with their access token; the
    clientCorrelator makes every resend safe."""

    provider = ProviderApp.Provider.GLOBE
    supports_binary = True

    def unreachable_reason(self, subscriber: Subscriber) -> str:
        reason = super().unreachable_reason(subscriber)
        if not reason and subscriber.live_token() is None:
            return "the subscriber has no live access token (no consent)"
        return reason

    def reachable(self, queryset):
        return queryset.filter(status=Subscriber.Status.ACTIVE, tokens__revoked_at__isnull=True)

    def send(self, row: Message):
        row.token_used = live_token_for(row.subscriber)
        client = GlobeClient(row.app)
        if row.is_binary:
            return client.send_binary_sms(
                token=row.token_used.token,
                to=row.msisdn,
                message=row.text,
                user_data_header=row.user_data_header,
                data_coding_scheme=row.data_coding_scheme,
                client_correlator=row.client_correlator,
                subject=row,
            )
        return client.send_sms(
            token=row.token_used.token,
            to=row.msisdn,
            text=row.text,
            client_correlator=row.client_correlator,
            subject=row,
        )

    def record(self, row: Message, accepted) -> dict:
        return {"resource_url": accepted.resource_url[:500]}


class HoiioSms(SmsChannel):
    """Hoiio: any number the app serves; the message's clientCorrelator goes as
    Hoiio's `tag` (how a lost answer is found in the history), and delivery
    reports come to the app's `sms` notify URL."""

    provider = ProviderApp.Provider.HOIIO
    has_idempotency_key = False
    bulk_limit = BULK_LIMIT
    # The opt-out is Hatid's own record (`subscribers.services.opt_out`), so a
    # caller asking to text an opted-out number hears it at once.
    refuses_unsubscribed = True

    def send(self, row: Message):
        return HoiioClient(row.app).send_sms(
            dest=row.msisdn,
            msg=row.text,
            sender_name=row.app.sender_name,
            tag=row.client_correlator,
            notify_url=row.app.callback_uri("sms"),
            subject=row,
        )

    def record(self, row: Message, txn_ref: str) -> dict:
        # The delivery status is the report's to set (it may even come first).
        return {"txn_ref": txn_ref[:64]}


CHANNELS: dict[str, SmsChannel] = {
    ProviderApp.Provider.GLOBE: GlobeSms(),
    ProviderApp.Provider.HOIIO: HoiioSms(),
}


def sms_channel(app: ProviderApp) -> SmsChannel:
    channel = CHANNELS.get(app.provider)
    if channel is None:
        raise ServiceError(f"{app.get_provider_display()} apps do not send SMS", field="app")
    return channel

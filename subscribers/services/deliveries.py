"""How the subscribers app's outbox rows are sent: code exchanges, charging
opt-in offers, location and balance queries (see `telecom.outbox_sender`)."""

from subscribers.models import (
    BalanceQuery,
    ChargingOptInRequest,
    CodeExchange,
    LocationQuery,
    Subscriber,
)
from subscribers.services.consent import live_token_for, revoke_rejected_token, subscriber_opt_in
from telecom.globe import GlobeClient
from telecom.msisdn import normalize_msisdn
from telecom.outbox_sender import OutboxSender


class CodeExchangeDelivery(OutboxSender):
    """A code works once. If the answer to an exchange was lost, asking again
    either succeeds (the platform never saw it) or is refused (it did): either
    way the visitor learns the outcome, so unknown outcomes are retried."""

    model = CodeExchange
    default_deadline_seconds = 300

    def send(self, row: CodeExchange):
        return GlobeClient(row.app).exchange_code(row.code.reveal())

    def record(self, row: CodeExchange, grant) -> dict:
        charging = row.amount is not None
        request = None
        number = normalize_msisdn(grant.subscriber_number)
        if charging:
            request = (
                ChargingOptInRequest.objects.select_for_update()
                .filter(
                    subscriber__app=row.app,
                    subscriber__msisdn=number,
                    amount=row.amount,
                    status=ChargingOptInRequest.Status.SENT,
                )
                .first()
            )
        change = subscriber_opt_in(
            app=row.app,
            msisdn=number,
            token=grant.access_token,
            channel=Subscriber.Channel.CHARGING if charging else Subscriber.Channel.WEB_FORM,
            callback_event=row.callback_event,
            amount=row.amount,
            duration_days=request.duration_days if request else None,
        )
        if request is not None:
            request.status = ChargingOptInRequest.Status.ACCEPTED
            request.save(update_fields=["status", "updated_at"])
        return {"subscriber": change.subscriber}


class SubscriberQueryDelivery(OutboxSender):
    """A question about a subscriber, asked with their live token. Read-only,
    so a lost answer is simply asked again."""

    def send(self, row):
        row.token_used = live_token_for(row.subscriber)
        return self.ask(GlobeClient(row.subscriber.app), row, row.token_used.token)

    def ask(self, client: GlobeClient, row, token):
        raise NotImplementedError

    def on_token_revoked(self, row, exc) -> None:
        revoke_rejected_token(row.token_used, exc.reason)


class LocationDelivery(SubscriberQueryDelivery):
    model = LocationQuery

    def ask(self, client, row: LocationQuery, token):
        return client.locate(
            token=token,
            address=row.subscriber.msisdn,
            requested_accuracy=row.requested_accuracy,
            subject=row,
        )

    def record(self, row, location) -> dict:
        return {
            "latitude": location.latitude,
            "longitude": location.longitude,
            "accuracy": location.accuracy,
            "located_at": location.located_at,
            "retrieval_status": location.retrieval_status[:40],
            "map_url": location.map_url[:300],
        }


class BalanceDelivery(SubscriberQueryDelivery):
    model = BalanceQuery

    def ask(self, client, row: BalanceQuery, token):
        return client.subscriber_amount(
            token=token, address=row.subscriber.msisdn, kind=row.kind, subject=row
        )

    def record(self, row, answer) -> dict:
        return {"amount": answer.amount}


class ChargingOptInDelivery(OutboxSender):
    """`payment/v1/smsoptin` authenticates the app, not a subscriber; a lost
    answer at worst texts the offer twice, which the subscriber can ignore."""

    model = ChargingOptInRequest
    done_status = ChargingOptInRequest.Status.SENT

    def send(self, row: ChargingOptInRequest):
        GlobeClient(row.subscriber.app).charging_sms_optin(
            to=row.subscriber.msisdn, amount=row.amount, duration_days=row.duration_days
        )

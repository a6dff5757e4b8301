"""Hoiio numbers and the account: what is on offer, renting, forwarding to
Hatid, the active list, and the balance beside the Globe Labs wallet.

- Looking (`countries`, `numbers_on_offer`, `subscription_rates`) asks Hoiio
  at once: nothing changes, so the admin page may wait for the answer.
- `subscribe_number` queues the rental (`NumberSubscriptionDelivery`: charged,
  no idempotency key, sent once; an unknown outcome is settled from the
  active list).
- `configure_number` queues a `NumberConfiguration` that points the number's
  forwarding at Hatid's own notify URLs: calls to the `ivr` URL (voice mode)
  or faxes to `fax-in` (fax mode), SMS to `sms-in`. Setting the same
  forwarding twice changes nothing, so it is retried like any idempotent call.
- `sync_numbers` brings the rows in line with Hoiio's active list.
- `read_balance` keeps a `WalletSnapshot` in the account's currency.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.hoiio import HoiioClient
from telecom.hoiio.numbers import Country, NumberRates
from telecom.hoiio.records import Page
from telecom.models import HoiioNumber, NumberConfiguration, ProviderApp, WalletSnapshot
from telecom.outbox_sender import OutboxSender
from telecom.send_once import SendOnceSender
from telecom.services import checks
from telecom.services.checks import require_app
from telecom.services.hoiio import history
from telecom.services.queueing import queue, queue_again


def _hoiio(app: ProviderApp) -> HoiioClient:
    return HoiioClient(require_app(app, ProviderApp.Provider.HOIIO))


def countries(app: ProviderApp) -> list[Country]:
    return _hoiio(app).available_countries()


def numbers_on_offer(app: ProviderApp, country: str, state: str = "", page: int = 1) -> Page:
    return _hoiio(app).available_numbers(country=country, state=state, page=page)


def subscription_rates(app: ProviderApp, country: str) -> NumberRates:
    return _hoiio(app).number_rates(country=country)


@transaction.atomic
def subscribe_number(
    *, app: ProviderApp, number: str, duration: str = "1", country: str = "", state: str = ""
) -> HoiioNumber:
    _hoiio(app)
    if duration not in HoiioNumber.Duration.values:
        raise ServiceError("duration is 1, 3, 12 or auto_extend", field="duration")
    e164 = checks.number(number, "number")
    if (
        HoiioNumber.objects.filter(app=app, number=e164)
        .exclude(status__in=[HoiioNumber.Status.FAILED, HoiioNumber.Status.EXPIRED])
        .exists()
    ):
        raise ServiceError(f"{e164} is already rented or being rented", field="number")
    # A number rented before (failed, or expired) is the same row, rented again.
    return queue_again(
        HoiioNumber,
        {"app": app, "number": e164},
        duration=duration,
        country=country.upper()[:2],
        state=state.upper()[:8],
    )


class NumberSubscriptionDelivery(SendOnceSender):
    model = HoiioNumber
    done_status = HoiioNumber.Status.ACTIVE

    def submit(self, row: HoiioNumber):
        return HoiioClient(row.app).subscribe_number(
            number=row.number, duration=row.duration, subject=row
        )

    def record(self, row: HoiioNumber, subscribed) -> dict:
        return {
            "expiry": subscribed.expiry,
            "debit": subscribed.debit,
            "currency": subscribed.currency[:3],
            "auto_extend": row.duration == HoiioNumber.Duration.AUTO,
        }


@transaction.atomic
def configure_number(*, number: HoiioNumber, mode: str = HoiioNumber.Mode.VOICE):
    """Forward what arrives on the number to Hatid."""
    if number.status != HoiioNumber.Status.ACTIVE:
        raise ServiceError(f"{number.number} is not active", field="number")
    if mode not in HoiioNumber.Mode.values:
        raise ServiceError("mode is voice or fax", field="mode")
    forward_to, forward_sms_to = forwarding(number.app, mode)
    return queue(
        NumberConfiguration,
        number=number,
        mode=mode,
        forward_to=forward_to,
        forward_sms_to=forward_sms_to,
    )


def forwarding(app: ProviderApp, mode: str) -> tuple[str, str]:
    """Where Hoiio forwards a number's calls or faxes, and its SMS: Hatid's
    callback URIs. The rows keep them redacted; the request is built from these."""
    calls = app.callback_uri("fax-in" if mode == HoiioNumber.Mode.FAX else "ivr")
    return calls, app.callback_uri("sms-in")


class NumberConfigurationDelivery(OutboxSender):
    model = NumberConfiguration
    done_status = NumberConfiguration.Status.DONE
    retry_unknown = True  # the same forwarding set again changes nothing

    def send(self, row: NumberConfiguration):
        forward_to, forward_sms_to = forwarding(row.number.app, row.mode)
        return HoiioClient(row.number.app).configure_number(
            number=row.number.number,
            forward_to=forward_to,
            forward_sms_to=forward_sms_to,
            mode=row.mode,
            subject=row,
        )

    def record(self, row: NumberConfiguration, result) -> dict:
        HoiioNumber.objects.filter(pk=row.number_id).update(
            mode=row.mode, forward_to=row.forward_to, forward_sms_to=row.forward_sms_to
        )
        return {}


def sync_numbers(app: ProviderApp, client: HoiioClient | None = None) -> int:
    """Rows in line with Hoiio's active list: unknown subscriptions settled,
    numbers rented elsewhere imported, those gone marked expired."""
    client = client or _hoiio(app)
    active = {entry.number: entry for entry in client.active_numbers().entries}
    changed = 0
    for number, entry in active.items():
        row, created = HoiioNumber.objects.get_or_create(
            app=app, number=number, defaults={"status": HoiioNumber.Status.ACTIVE}
        )
        fields = {
            "status": HoiioNumber.Status.ACTIVE,
            "expiry": entry.expiry,
            "auto_extend": entry.auto_extend,
            "country": entry.country[:2],
            "state": entry.state[:8],
            "forward_to": entry.forward_to[:500],
            "forward_sms_to": entry.forward_sms_to[:500],
        }
        if row.status == HoiioNumber.Status.UNKNOWN:
            fields["last_error"] = "found in Hoiio's active list"
        if created or row.status != HoiioNumber.Status.SENDING:
            changed += HoiioNumber.objects.filter(pk=row.pk).update(**fields)
    gone = HoiioNumber.objects.filter(app=app).exclude(number__in=active)
    changed += gone.filter(status=HoiioNumber.Status.ACTIVE).update(
        status=HoiioNumber.Status.EXPIRED
    )
    for row in gone.filter(status=HoiioNumber.Status.UNKNOWN):
        if history.given_up(row):
            changed += HoiioNumber.objects.filter(pk=row.pk).update(
                status=HoiioNumber.Status.FAILED,
                last_error="not in Hoiio's active list: it was not rented",
            )
    return changed


def resolve_unknown_numbers(app: ProviderApp, client: HoiioClient) -> int:
    if not HoiioNumber.objects.filter(app=app, status=HoiioNumber.Status.UNKNOWN).exists():
        return 0
    return sync_numbers(app, client)


def read_balance(app: ProviderApp) -> WalletSnapshot:
    """The Hoiio account's credit, kept like the Globe Labs wallet's balance."""
    balance = _hoiio(app).balance()
    threshold = app.wallet_alert_below
    return WalletSnapshot.objects.create(
        app=app,
        balance=balance.balance,
        currency=balance.currency[:3] or "USD",
        as_of=timezone.now(),
        below_threshold=threshold is not None and balance.balance < threshold,
    )

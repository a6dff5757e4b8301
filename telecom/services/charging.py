"""Charging: `charge` is the one entry point; `ChargeDelivery` sends it.

Money moves exactly once: the referenceCode is allocated with the row, every
retry sends the same one, and an unknown outcome (no answer, a connection
lost after sending) is resolved by asking getLastRefCode before anything is
sent again.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from subscribers.services.charging_consent import charging_consent_gap
from subscribers.services.consent import live_token_for
from telecom import outbox
from telecom.errors import OutcomeUnknown, ProviderError, ServiceError
from telecom.globe import GlobeClient
from telecom.models import Charge, ProviderApp, ReconciliationReport, ReferenceCounter
from telecom.models.charging import LAST_REFERENCE
from telecom.money import parse_amount
from telecom.outbox_sender import OutboxSender
from telecom.services.messaging import resolve_subscriber
from telecom.services.sms_channels import GlobeSms

CONFIRMED_BY_REFCODE = "confirmed by getLastRefCode after a lost answer"


def allocate_reference_code(app: ProviderApp) -> str:
    """The app's next referenceCode, in the caller's transaction (which must commit
    for the number to be used: a rollback gives it back, so there are no gaps)."""
    if not connection.in_atomic_block:
        raise RuntimeError("allocate a referenceCode inside the transaction that uses it")
    try:
        with transaction.atomic():
            ReferenceCounter.objects.get_or_create(app=app)
    except IntegrityError:
        pass
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        # One statement: increment and read under the row's lock, on PostgreSQL
        # and SQLite alike.
        cursor.execute(
            f"UPDATE {table} SET next_value = next_value + 1 WHERE app_id = %s "  # noqa: S608
            "RETURNING next_value - 1",
            [app.pk],
        )
        value = cursor.fetchone()[0]
    if value > LAST_REFERENCE:
        raise ServiceError("this app has used all its referenceCodes", code="exhausted")
    return f"{app.shortcode_suffix}{value:07d}"


@transaction.atomic
def charge(
    *,
    app: ProviderApp,
    to,
    amount,
    description: str,
    duration_days: int = 0,
    source: str = "api",
    partner=None,
) -> Charge:
    """Queue a charge; it fails before any call when the subscriber cannot be charged."""
    amount = parse_amount(amount)
    description = (description or "").strip()
    if not description:
        raise ServiceError(
            "a description is required (it is shown on the bill)", field="description"
        )
    if len(description) > 100:
        raise ServiceError("the description is at most 100 characters", field="description")
    if not isinstance(duration_days, int) or not 0 <= duration_days <= 366:
        raise ServiceError("duration must be 0 to 366 days", field="duration_days")
    subscriber = resolve_subscriber(app, to)
    # Charging is Globe's: who Globe Labs cannot reach (no consent) cannot be charged.
    reason = GlobeSms().unreachable_reason(subscriber)
    if not reason and app.charging_requires_optin:
        reason = charging_consent_gap(subscriber, amount)
    row = Charge.objects.create(
        app=app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        amount=amount,
        description=description,
        duration_days=duration_days,
        reference_code=allocate_reference_code(app),
        status=Charge.Status.FAILED if reason else Charge.Status.QUEUED,
        last_error=reason,
        finished_at=timezone.now() if reason else None,
        source=source,
        partner=partner,
    )
    if not reason:
        outbox.enqueue_on_commit(Charge, [row.pk])
    return row


class ChargeDelivery(OutboxSender):
    """No `on_token_revoked`: a 401 on charging means the app is deactivated,
    never that the subscriber's token was refused (`telecom.globe.errors`)."""

    model = Charge
    done_status = Charge.Status.CHARGED
    retry_unknown = False
    settled_fields = {"unknown_since": None}

    deadline_setting = "CHARGE_RETRY_DEADLINE_SECONDS"

    def send(self, row: Charge):
        client = GlobeClient(row.app)
        if row.unknown_since is not None:
            last = client.last_reference_code()
            if last.reference_code == row.reference_code:
                return CONFIRMED_BY_REFCODE
        row.token_used = live_token_for(row.subscriber)
        return client.charge(
            token=row.token_used.token,
            address=row.msisdn,
            amount=row.amount,
            description=row.description,
            reference_code=row.reference_code,
            duration_days=row.duration_days,
            subject=row,
        )

    def record(self, row: Charge, result) -> dict:
        if result == CONFIRMED_BY_REFCODE:
            return {"unknown_since": None, "last_error": result, "platform_status": None}
        return {
            "unknown_since": None,
            "server_reference_code": result.server_reference_code[:64],
            "amount_charged": result.total_amount_charged,
            "platform_status": 201,
        }

    def failure_fields(self, exc) -> dict:
        return {"platform_status": getattr(exc, "status", None), "unknown_since": None}

    def on_outcome_unknown(self, row: Charge, exc: OutcomeUnknown) -> None:
        """Do not charge again blindly: the next attempt asks getLastRefCode first."""
        if outbox.past_deadline(row, self.deadline_seconds):
            outbox.finish(row, Charge.Status.UNKNOWN, last_error=f"outcome unknown: {exc.reason}")
        else:
            outbox.retry_later(
                row,
                f"outcome unknown: {exc.reason}",
                unknown_since=row.unknown_since or timezone.now(),
            )


def reconcile(app: ProviderApp) -> ReconciliationReport:
    """Compare the platform's last referenceCode with Hatid's charges."""
    last = GlobeClient(app).last_reference_code()
    charged = (
        Charge.objects.filter(app=app, status=Charge.Status.CHARGED)
        .order_by("-reference_code")
        .values_list("reference_code", flat=True)
        .first()
    ) or ""
    findings = []
    platform = last.reference_code
    if platform:
        known = Charge.objects.filter(app=app, reference_code=platform).first()
        if known is None:
            findings.append(f"the platform's last referenceCode {platform} is not one of Hatid's")
        elif known.status != Charge.Status.CHARGED:
            findings.append(f"the platform charged {platform}, which Hatid holds as {known.status}")
    newer = (
        Charge.objects.filter(
            app=app, status=Charge.Status.CHARGED, reference_code__gt=platform
        ).count()
        if platform
        else 0
    )
    if newer:
        findings.append(f"{newer} charge(s) Hatid holds as charged come after the platform's last")
    return ReconciliationReport.objects.create(
        app=app,
        platform_last=platform,
        hatid_last_charged=charged,
        ok=not findings,
        findings="\n".join(findings),
    )


def reconcile_all() -> int:
    done = 0
    for app in ProviderApp.objects.filter(is_active=True, provider="globe").exclude(app_id=""):
        if not Charge.objects.filter(app=app).exists():
            continue
        try:
            reconcile(app)
            done += 1
        except ProviderError:
            continue
    return done

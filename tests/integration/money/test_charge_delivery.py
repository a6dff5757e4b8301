"""The charging delivery's outcomes, one attempt at a time, without a worker:
`ChargeDelivery.run` in the test's own thread against the sandbox over HTTP,
then the operator's and the reconciliation's view of the same rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from subscribers.models import Subscriber
from subscribers.services.consent import subscriber_opt_in
from telecom.errors import ServiceError
from telecom.globe.charging import ChargeResult
from telecom.models import Charge, ReconciliationReport, ReferenceCounter
from telecom.models.charging import LAST_REFERENCE
from telecom.services.charging import (
    CONFIRMED_BY_REFCODE,
    ChargeDelivery,
    allocate_reference_code,
    charge,
    reconcile,
    reconcile_all,
)
from telecom.services.operator_decisions import settle_unknown
from tests.support.factories import ProviderAppFactory, charge_row

pytestmark = pytest.mark.django_db
NUMBER = "+639171234567"


@pytest.fixture
def app(sandbox, settings):
    settings.PROVIDER_READ_TIMEOUT = 0.5
    settings.CHARGE_RETRY_DEADLINE_SECONDS = 600
    app = ProviderAppFactory(shortcode="21581234", passphrase="")
    sandbox.register_app(
        app_id=app.app_id, app_secret=app.app_secret.reveal(), shortcode=app.shortcode
    )
    return app


@pytest.fixture
def subscriber(app, sandbox):
    sandbox.add_subscriber(NUMBER, balance="100.00")
    grant = sandbox.grant(app.app_id, NUMBER)
    return subscriber_opt_in(
        app=app, msisdn=NUMBER, token=grant["access_token"], channel="sms"
    ).subscriber


def queued(app, amount="2.00") -> Charge:
    return charge(app=app, to=NUMBER, amount=amount, description="Load")


def attempt(row: Charge) -> Charge:
    """One worker's attempt at the row, once it is due."""
    Charge.objects.filter(pk=row.pk, status="queued").update(next_attempt_at=timezone.now())
    ChargeDelivery().run(row.pk)
    row.refresh_from_db()
    return row


# --- the platform's answers -------------------------------------------------------------


def test_a_charge_that_succeeds_keeps_the_platforms_reference_and_amount(app, subscriber, sandbox):
    row = attempt(queued(app))
    [platform] = sandbox.deliveries("charge")
    assert (row.status, row.platform_status, row.last_error) == ("charged", 201, "")
    assert row.server_reference_code and row.server_reference_code == str(
        platform.get("serverReferenceCode", row.server_reference_code)
    )
    assert row.amount_charged == Decimal("2.00")
    assert row.finished_at is not None and row.unknown_since is None and row.attempts == 1
    assert platform["referenceCode"] == row.reference_code
    assert row.duration_days == 0  # a one-time charge unless a duration is given


def test_record_keeps_at_most_64_characters_of_the_server_reference():
    result = ChargeResult("r", "S" * 100, Decimal("1"), Decimal("1.00"))
    fields = ChargeDelivery().record(Charge(), result)
    assert fields == {
        "unknown_since": None,
        "server_reference_code": "S" * 64,
        "amount_charged": Decimal("1.00"),
        "platform_status": 201,
    }


def test_a_documented_refusal_fails_at_once_with_its_code(app, sandbox):
    sandbox.add_subscriber(NUMBER, balance="100.00", postpaid=True)
    grant = sandbox.grant(app.app_id, NUMBER)
    subscriber_opt_in(app=app, msisdn=NUMBER, token=grant["access_token"], channel="sms")
    row = attempt(queued(app))
    assert (row.status, row.platform_status, row.attempts) == ("failed", 407, 1)
    assert "Postpaid" in row.last_error and row.unknown_since is None
    assert sandbox.deliveries("charge") == []


def test_a_401_on_a_charge_is_the_apps_problem_and_leaves_the_token_live(app, subscriber, sandbox):
    sandbox.set_fault("charge", status=401, times=1)
    row = attempt(queued(app))
    assert (row.status, row.platform_status) == ("failed", 401)
    assert "deactivated" in row.last_error
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.live_token() is not None


def test_a_busy_platform_is_retried_with_the_same_reference_code(app, subscriber, sandbox):
    sandbox.set_fault("charge", status=503, times=1)
    row = attempt(queued(app))
    assert (row.status, row.attempts) == ("queued", 1)
    assert "busy" in row.last_error and row.next_attempt_at > timezone.now()
    row = attempt(row)
    assert (row.status, row.attempts, row.last_error) == ("charged", 2, "")
    [platform] = sandbox.deliveries("charge")
    assert platform["referenceCode"] == row.reference_code


def test_a_busy_platform_past_the_deadline_fails(app, subscriber, sandbox, settings):
    settings.CHARGE_RETRY_DEADLINE_SECONDS = 0
    sandbox.set_fault("charge", status=503, times=1)
    row = attempt(queued(app))
    assert row.status == "failed" and row.last_error.startswith("gave up after 1 attempt(s)")


# --- an unknown outcome ---------------------------------------------------------------------


def test_a_lost_answer_is_settled_by_getlastrefcode_without_charging_again(
    app, subscriber, sandbox
):
    sandbox.set_fault("charge", after_apply="timeout", hold_seconds=1.0, times=1)
    row = attempt(queued(app))
    assert row.status == "queued" and row.unknown_since is not None
    assert row.last_error.startswith("outcome unknown: ")
    row = attempt(row)
    assert (row.status, row.last_error) == ("charged", CONFIRMED_BY_REFCODE)
    assert row.unknown_since is None and row.platform_status is None
    [platform] = sandbox.deliveries("charge")
    assert platform["duplicate_submissions"] == 0


def test_a_charge_the_platform_never_applied_is_sent_again_after_asking(app, subscriber, sandbox):
    sandbox.set_fault("charge", status=500, times=1)  # an answer that says nothing
    row = attempt(queued(app))
    assert row.status == "queued" and row.unknown_since is not None
    assert sandbox.deliveries("charge") == []
    row = attempt(row)
    assert (row.status, row.platform_status, row.last_error) == ("charged", 201, "")
    assert len(sandbox.deliveries("charge")) == 1


def test_an_unknown_outcome_keeps_when_it_became_unknown(app, subscriber, sandbox):
    sandbox.set_fault("charge", status=500, times=2)
    row = attempt(queued(app))
    since = row.unknown_since
    row = attempt(row)
    assert row.status == "queued" and row.attempts == 2 and row.unknown_since == since


def test_an_unknown_outcome_past_the_deadline_is_left_unknown_for_an_operator(
    app, subscriber, sandbox, settings
):
    settings.CHARGE_RETRY_DEADLINE_SECONDS = 0
    sandbox.set_fault("charge", status=500, times=1)
    row = attempt(queued(app))
    assert row.status == "unknown" and row.finished_at is not None
    assert row.last_error.startswith("outcome unknown: ")


def test_a_row_taken_back_from_a_dead_worker_is_not_sent_blindly(app, subscriber, sandbox):
    row = queued(app)
    gone = timezone.now() - timedelta(seconds=1)
    Charge.objects.filter(pk=row.pk).update(status="sending", lease_until=gone, attempts=1)
    ChargeDelivery().run(row.pk)
    row.refresh_from_db()
    assert row.status == "queued" and row.unknown_since is not None
    assert sandbox.deliveries("charge") == []  # asked getLastRefCode first, next time
    row = attempt(row)
    assert row.status == "charged" and len(sandbox.deliveries("charge")) == 1


# --- the operator's decision -----------------------------------------------------------------


@pytest.mark.parametrize(("charged", "status"), [(True, "charged"), (False, "failed")])
def test_settle_unknown_records_the_operators_decision_once(app, subscriber, charged, status):
    row = queued(app)
    Charge.objects.filter(pk=row.pk).update(status="unknown", unknown_since=timezone.now())
    assert settle_unknown(Charge, [row.pk], went_through=charged, by="ops") == 1
    row.refresh_from_db()
    assert (row.status, row.last_error, row.unknown_since) == (status, "resolved by ops", None)
    assert row.finished_at is not None
    assert settle_unknown(Charge, [row.pk], went_through=not charged, by="other") == 0
    row.refresh_from_db()
    assert row.status == status


def test_settle_unknown_leaves_a_charge_that_is_not_unknown(app, subscriber):
    row = queued(app)
    assert settle_unknown(Charge, [row.pk], went_through=True, by="ops") == 0
    assert Charge.objects.get(pk=row.pk).status == "queued"


# --- reconciliation --------------------------------------------------------------------------


def test_reconcile_with_nothing_charged_anywhere_is_ok(app):
    report = reconcile(app)
    assert (report.ok, report.platform_last, report.hatid_last_charged) == (True, "", "")


def test_reconcile_before_the_platform_charged_anything_reports_hatids_last(app, subscriber):
    row = queued(app)
    Charge.objects.filter(pk=row.pk).update(status="charged")
    report = reconcile(app)
    assert (report.ok, report.findings) == (True, "")
    assert (report.platform_last, report.hatid_last_charged) == ("", row.reference_code)


def test_reconcile_agrees_with_the_platform(app, subscriber):
    row = attempt(queued(app))
    report = reconcile(app)
    assert report.ok and report.platform_last == report.hatid_last_charged == row.reference_code


def test_reconcile_finds_charges_hatid_holds_past_the_platforms_last(app, subscriber):
    done = attempt(queued(app))
    later = [queued(app), queued(app)]
    Charge.objects.filter(pk__in=[c.pk for c in later]).update(status="charged")
    report = reconcile(app)
    assert not report.ok and report.platform_last == done.reference_code
    assert report.findings == "2 charge(s) Hatid holds as charged come after the platform's last"
    assert report.hatid_last_charged == later[-1].reference_code


def test_reconcile_finds_a_platform_charge_hatid_holds_otherwise(app, subscriber):
    done = attempt(queued(app))
    Charge.objects.filter(pk=done.pk).update(status="failed")
    report = reconcile(app)
    assert report.findings == (
        f"the platform charged {done.reference_code}, which Hatid holds as failed"
    )
    Charge.objects.filter(pk=done.pk).update(reference_code="12340000001")
    report = reconcile(app)
    assert report.findings == (
        f"the platform's last referenceCode {done.reference_code} is not one of Hatid's"
    )


def test_reconcile_all_reconciles_active_globe_apps_with_charges(app, subscriber, sandbox):
    attempt(queued(app))
    idle = ProviderAppFactory()  # known to the platform, but no charge: nothing to compare
    sandbox.register_app(
        app_id=idle.app_id, app_secret=idle.app_secret.reveal(), shortcode=idle.shortcode
    )
    unknown_to_platform = ProviderAppFactory(shortcode="21589999")
    charge_row(subscriber, "99991000001", app=unknown_to_platform, status="charged")
    assert reconcile_all() == 1
    assert list(ReconciliationReport.objects.values_list("app", flat=True)) == [app.pk]


# --- referenceCodes ---------------------------------------------------------------------------


def test_reference_codes_end_at_the_last_seven_digit_number(app):
    with transaction.atomic():
        allocate_reference_code(app)
        ReferenceCounter.objects.filter(app=app).update(next_value=LAST_REFERENCE)
        assert allocate_reference_code(app) == f"{app.shortcode_suffix}{LAST_REFERENCE}"
        with pytest.raises(ServiceError) as caught:
            allocate_reference_code(app)
    assert caught.value.code == "exhausted"


@pytest.mark.parametrize(("days", "accepted"), [(0, True), (366, True), (-1, False), (367, False)])
def test_charge_duration_is_0_to_366_days(app, subscriber, days, accepted):
    if accepted:
        assert charge(app=app, to=NUMBER, amount="1", description="d", duration_days=days)
    else:
        with pytest.raises(ServiceError) as caught:
            charge(app=app, to=NUMBER, amount="1", description="d", duration_days=days)
        assert caught.value.field == "duration_days"


def test_charge_publishes_only_a_charge_that_can_be_sent(
    app, subscriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        ok = charge(app=app, to=NUMBER, amount="1", description="x" * 100)
    assert ok.status == "queued" and len(callbacks) == 1
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.save()
    with django_capture_on_commit_callbacks() as callbacks:
        refused = charge(app=app, to=NUMBER, amount="1", description="d")
    assert refused.status == "failed" and refused.finished_at and callbacks == []

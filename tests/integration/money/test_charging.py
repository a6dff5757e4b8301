"""Charging without the platform: referenceCodes, validation, consent."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction

from subscribers.services.consent import subscriber_opt_in, subscriber_unsubscribe
from telecom.errors import ServiceError
from telecom.models import Charge
from telecom.services.charging import allocate_reference_code, charge

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def test_reference_codes_start_at_1000001_after_the_suffix_and_increase(globe_app, subscribe):
    subscribe("+639171234567")
    codes = [
        charge(app=globe_app, to="09171234567", amount="1.00", description="d").reference_code
        for _ in range(3)
    ]
    suffix = globe_app.shortcode_suffix
    assert codes == [f"{suffix}1000001", f"{suffix}1000002", f"{suffix}1000003"]


def test_a_rolled_back_charge_gives_its_number_back(globe_app, subscribe):
    subscribe("+639171234567")
    with pytest.raises(RuntimeError), transaction.atomic():
        charge(app=globe_app, to="09171234567", amount="1.00", description="d")
        raise RuntimeError("the caller's transaction fails")
    assert charge(
        app=globe_app, to="09171234567", amount="1.00", description="d"
    ).reference_code.endswith("1000001")


def test_counters_are_per_app(globe_app, subscribe):
    from tests.support.factories import ProviderAppFactory

    other = ProviderAppFactory()
    with transaction.atomic():
        assert allocate_reference_code(globe_app).endswith("1000001")
        assert allocate_reference_code(other).endswith("1000001")
        assert allocate_reference_code(globe_app).endswith("1000002")


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused(globe_app):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        allocate_reference_code(globe_app)


@pytest.mark.parametrize(
    ("amount", "description", "field"),
    [
        ("0", "d", "amount"),
        ("-1", "d", "amount"),
        ("1.005", "d", "amount"),
        ("abc", "d", "amount"),
        (1.5, "d", "amount"),
        ("1.00", "", "description"),
        ("1.00", "x" * 101, "description"),
    ],
)
def test_charge_validates_before_anything_is_stored(
    globe_app, subscribe, amount, description, field
):
    subscribe("+639171234567")
    with pytest.raises(ServiceError) as caught:
        charge(app=globe_app, to="09171234567", amount=amount, description=description)
    assert caught.value.field == field
    assert not Charge.objects.exists()


def test_unsubscribed_subscriber_fails_before_any_call(globe_app, subscribe):
    subscribe("+639171234567")
    subscriber_unsubscribe(app=globe_app, msisdn="+639171234567", token=None)
    row = charge(app=globe_app, to="09171234567", amount="1.00", description="d")
    assert row.status == Charge.Status.FAILED
    assert row.last_error == "the subscriber has unsubscribed"


def test_app_requiring_optin_charges_only_within_the_consented_amount(globe_app, subscribe):
    globe_app.charging_requires_optin = True
    globe_app.save()
    subscribe("+639171234567")
    refused = charge(app=globe_app, to="09171234567", amount="1.00", description="d")
    assert refused.last_error == "the subscriber has not opted in to charging"
    subscriber_opt_in(
        app=globe_app,
        msisdn="+639171234567",
        token="charging-token-1",
        channel="charging",
        amount=Decimal("5.00"),
        duration_days=7,
    )
    assert (
        charge(app=globe_app, to="09171234567", amount="5.00", description="d").status == "queued"
    )
    too_much = charge(app=globe_app, to="09171234567", amount="5.01", description="d")
    assert "at most 5.00" in too_much.last_error


def test_one_time_charging_optin_is_used_once(globe_app, subscribe):
    globe_app.charging_requires_optin = True
    globe_app.save()
    subscriber_opt_in(
        app=globe_app,
        msisdn="+639171234567",
        token="charging-token-2",
        channel="charging",
        amount=Decimal("2.00"),
        duration_days=0,
    )
    assert (
        charge(app=globe_app, to="09171234567", amount="2.00", description="d").status == "queued"
    )
    second = charge(app=globe_app, to="09171234567", amount="2.00", description="d")
    assert second.last_error == "the subscriber's one-time charging opt-in was used"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_processes_allocating_at_once_make_no_duplicate_and_no_gap(globe_app, tmp_path):
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}",
    }
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.refcode_worker",
                str(globe_app.pk),
                "25",
                str(go),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(20)
    ]
    go.touch()  # all spawned: start them together
    codes = []
    for process in processes:
        out, err = process.communicate(timeout=300)  # 20 Django processes on 2 cores
        assert process.returncode == 0, err
        codes.extend(json.loads(out))
    numbers = sorted(int(code[4:]) for code in codes)
    assert len(codes) == 500 == len(set(codes))
    assert numbers == list(range(1_000_001, 1_000_501))

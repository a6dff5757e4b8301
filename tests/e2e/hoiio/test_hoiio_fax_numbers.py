"""End to end, faxes and numbers through Hoiio: a PDF out and its status, a
number rented and forwarded to Hatid, a fax in with its document, the
balance beside the Globe Labs wallet."""

import base64

import pytest

from sandbox.client import wait_for
from telecom.errors import ServiceError
from telecom.models import Fax, HoiioNumber, NumberConfiguration, WalletSnapshot
from telecom.services import fax as faxes
from telecom.services.hoiio import numbers as hoiio_numbers
from telecom.services.wallet import read_wallet

pytestmark = pytest.mark.e2e
A = "+639171234567"
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 2>> endobj\n2 0 obj <</Type /Page>> endobj\n"
    b"3 0 obj <</Type /Page>> endobj\n%%EOF\n"
)


def test_a_fax_goes_out_and_its_status_comes_back(sandbox, hoiio_app, celery_worker):
    fax = faxes.send_fax(app=hoiio_app, dest=A, document=PDF, filename="invoice")
    done = wait_for(lambda: Fax.objects.filter(pk=fax.pk, status="answered").first())
    assert (done.pages, done.filename, done.txn_ref[:5]) == (2, "invoice.pdf", "AA-F-")
    assert done.fax_url.endswith(".pdf")
    [txn] = sandbox.hoiio_transactions(kind="fax")
    assert (txn["tag"], txn["filename"], txn["document_bytes"]) == (
        fax.tag,
        "invoice.pdf",
        len(PDF),
    )


def test_a_document_that_is_not_a_pdf_is_refused(hoiio_app):
    with pytest.raises(ServiceError):
        faxes.send_fax(app=hoiio_app, dest=A, document=b"GIF89a")


def test_a_number_is_rented_forwarded_to_hatid_and_receives_a_fax(
    sandbox, hoiio_app, celery_worker
):
    countries = {c.code for c in hoiio_numbers.countries(hoiio_app)}
    assert "SG" in countries
    offered = hoiio_numbers.numbers_on_offer(hoiio_app, "SG").entries
    rates = hoiio_numbers.subscription_rates(hoiio_app, "SG")
    assert rates.rates[0][0] == 1
    number = hoiio_numbers.subscribe_number(
        app=hoiio_app, number=offered[0].number, duration="3", country="SG"
    )
    active = wait_for(lambda: HoiioNumber.objects.filter(pk=number.pk, status="active").first())
    assert active.expiry is not None and str(active.debit) == "12.0000"
    change = hoiio_numbers.configure_number(number=active, mode="fax")
    wait_for(lambda: NumberConfiguration.objects.filter(pk=change.pk, status="done").exists())
    [at_hoiio] = [n for n in sandbox.hoiio_numbers() if n["number"] == active.number]
    assert at_hoiio["forward_to"] == hoiio_app.callback_uri("fax-in")
    assert at_hoiio["forward_sms_to"] == hoiio_app.callback_uri("sms-in")
    assert at_hoiio["mode"] == "fax"

    answer = sandbox.hoiio_incoming_fax(active.number, A, base64.b64encode(PDF).decode())
    assert answer["callback"]["response_status"] == 200
    received = wait_for(
        lambda: Fax.objects.filter(direction="in", status="received").first(),
        what="the received fax's document fetched",
    )
    assert bytes(received.document) == PDF
    assert (received.src, received.dest, received.pages) == (A, active.number, 2)
    # The same notification again stores nothing new.
    assert Fax.objects.filter(direction="in").count() == 1


def test_the_active_list_is_synced_into_hatid(sandbox, hoiio_app):
    assert hoiio_numbers.sync_numbers(hoiio_app) == 0
    sandbox.call(
        "POST",
        "/hoiio/open/number/subscribe",
        data={
            "app_id": hoiio_app.app_id,
            "access_token": hoiio_app.access_token.reveal(),
            "number": "+12055550101",
            "duration": "auto_extend",
        },
    )
    hoiio_numbers.sync_numbers(hoiio_app)
    imported = HoiioNumber.objects.get(number="+12055550101")
    assert (imported.status, imported.auto_extend, imported.country) == ("active", True, "US")


def test_the_balance_is_read_like_the_wallet(sandbox, hoiio_app):
    sandbox.hoiio_account(hoiio_app.app_id, points="10.00", bonus="2.40")
    hoiio_app.wallet_alert_below = 20
    hoiio_app.save()
    snapshot = read_wallet(hoiio_app)
    assert (snapshot.currency, str(snapshot.balance), snapshot.below_threshold) == (
        "SGD",
        "12.40",
        True,
    )
    assert WalletSnapshot.objects.filter(app=hoiio_app).count() == 1

"""The Hoiio twin over real HTTP: faxes out (and their documents) and in,
numbers on offer, subscriptions, forwarding, and what arrives on a number."""

import base64

from sandbox.client import wait_for
from tests.integration.sandbox.hoiio.conftest import APP_ID, A, B, form

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 2>> endobj\n2 0 obj <</Type /Page>> endobj\n"
    b"3 0 obj <</Type /Page>> endobj\n%%EOF\n"
)


def test_a_fax_is_billed_per_page_transmitted_and_notified(sandbox, hoiio, app_server):
    txn_ref = hoiio.ok(
        "fax/send",
        dest=A,
        file=base64.b64encode(PDF).decode(),
        filename="invoice.pdf",
        tag="f-1",
        notify_url=app_server.uri("fax"),
    )["txn_ref"]
    notified = form(app_server.wait_for("fax")[0])
    assert (notified["txn_ref"], notified["fax_status"], notified["fax_pages"]) == (
        txn_ref,
        "answered",
        "2",
    )
    assert notified["debit"] == "0.20"
    assert hoiio.session.get(notified["fax_url"], timeout=5).content == PDF
    assert hoiio.ok("fax/query_status", txn_ref=txn_ref)["fax_status"] == "answered"


def test_a_busy_fax_number(sandbox, hoiio):
    sandbox.phone(B, fax="busy")
    txn_ref = hoiio.ok("fax/send", dest=B, file=base64.b64encode(PDF).decode())["txn_ref"]
    wait_for(lambda: hoiio.ok("fax/query_status", txn_ref=txn_ref)["fax_status"] == "busy")


def test_a_file_that_is_not_a_base64_pdf_is_refused(sandbox, hoiio):
    for file in ("not base64!", base64.b64encode(b"GIF89a").decode()):
        assert hoiio.post("fax/send", dest=A, file=file)["status"] == "error_invalid_file_param"
    assert sandbox.hoiio_transactions() == []


def test_numbers_on_offer_rates_subscription_and_the_active_list(sandbox, hoiio):
    countries = {c["code"]: c for c in hoiio.ok("number/get_countries")["entries"]}
    assert countries["US"]["states"][0] == {"code": "AL", "name": "Alabama"}
    assert "states" not in countries["SG"]
    assert hoiio.post("number/get_choices", country="US")["status"] == "error_state_param_missing"
    offered = hoiio.ok("number/get_choices", country="SG")["entries"]
    number = offered[0]["number"]
    rates = hoiio.ok("number/get_rates", country="SG")["entries"]
    assert [(r["duration"], r["rate"]) for r in rates] == [
        ("1", "4.00"),
        ("3", "12.00"),
        ("12", "40.00"),
    ]
    subscribed = hoiio.ok("number/subscribe", number=number, duration="3")
    assert subscribed["debit"] == "12.00" and len(subscribed["expiry"]) == 10
    assert hoiio.post("number/subscribe", number=number, duration="1")["status"] == (
        "error_number_not_available"
    )
    assert number not in [
        e["number"] for e in hoiio.ok("number/get_choices", country="SG")["entries"]
    ]
    hoiio.ok("number/update_forwarding", number=number, forward_to="http://a/", mode="fax")
    [active] = hoiio.ok("number/get_active")["entries"]
    assert (active["number"], active["forward_to"], active["auto_extend_status"]) == (
        number,
        "http://a/",
        "disabled",
    )
    assert sandbox.hoiio_account_detail(APP_ID)["balance"] == "88.00"


def test_forwarding_only_for_ones_own_numbers(hoiio):
    assert hoiio.post("number/update_forwarding", number="+6531591000")["status"] == (
        "error_invalid_number_param"
    )


def test_what_arrives_on_a_number_is_forwarded(sandbox, hoiio, app_server):
    number = "+6531591001"
    hoiio.ok("number/subscribe", number=number, duration="auto_extend")
    hoiio.ok(
        "number/update_forwarding",
        number=number,
        forward_to=app_server.uri("fax-in"),
        forward_sms_to=app_server.uri("sms-in"),
        mode="fax",
    )
    sandbox.hoiio_incoming_sms(number, A, "Hello Hatid")
    sms = form(app_server.wait_for("sms-in")[0])
    assert (sms["from"], sms["to"], sms["msg"]) == (A, number, "Hello Hatid")
    sandbox.hoiio_incoming_fax(number, A, base64.b64encode(PDF).decode())
    fax = form(app_server.wait_for("fax-in")[0])
    assert (fax["src"], fax["dest"], fax["fax_pages"]) == (A, number, "2")
    assert hoiio.session.get(fax["fax_url"], timeout=5).content == PDF
    incoming = hoiio.ok("fax/get_history", type="incoming")["entries"]
    assert [e["txn_ref"] for e in incoming] == [fax["txn_ref"]]
    assert hoiio.ok("fax/get_history", type="outgoing")["entries"] == []

"""The Hoiio client's exact wire format, call by call, against answers shaped
as the SDK's guide shows them (recorded under tests/fixtures/hoiio/).
`responses` stands in for Hoiio here only to pin the bytes on the wire;
behaviour against a stateful Hoiio is tested through the sandbox."""

import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import requests
import responses

from telecom.errors import (
    OutcomeUnknown,
    PermanentError,
    ProviderConfigurationError,
    RateLimited,
    TransientError,
)
from telecom.hoiio import HoiioClient
from telecom.models import OutboundCall
from tests.support.factories import HoiioAppFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hoiio"
API = "https://hoiio.test"
OPEN = f"{API}/open"

pytestmark = pytest.mark.django_db


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(autouse=True)
def urls(settings):
    settings.HOIIO_API_URL = API
    settings.HOIIO_FILE_HOSTS = ["hoiio.test"]


@pytest.fixture
def app():
    return HoiioAppFactory(app_id="AP-1234", access_token="tok-secret-5678")


@pytest.fixture
def hoiio(app):
    return HoiioClient(app)


def form(call) -> dict:
    return dict(parse_qsl(call.request.body, keep_blank_values=True))


CREDENTIALS = {"app_id": "AP-1234", "access_token": "tok-secret-5678"}


@responses.activate
def test_send_sms_posts_a_form_with_the_credentials_and_returns_the_txn_ref(hoiio):
    responses.post(f"{OPEN}/sms/send", json=fixture("sms_send.json"))
    txn_ref = hoiio.send_sms(
        dest="09171234567",
        msg="Hoiio World",
        sender_name="Citibank",
        tag="myapp",
        notify_url="http://my.server.com/myscript",
    )
    assert txn_ref == "AA-S-1234"
    call = responses.calls[0]
    assert call.request.method == "POST"
    assert call.request.url == f"{OPEN}/sms/send"  # nothing in the query string
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(call) == {
        **CREDENTIALS,
        "dest": "+639171234567",
        "msg": "Hoiio World",
        "sender_name": "Citibank",
        "tag": "myapp",
        "notify_url": "http://my.server.com/myscript",
    }


@responses.activate
def test_the_log_never_holds_the_credentials(hoiio):
    responses.post(f"{OPEN}/sms/send", json=fixture("sms_send.json"))
    hoiio.send_sms(dest="+639171234567", msg="hi", tag="t1")
    row = OutboundCall.objects.get()
    logged = row.url + row.request_body + row.response_body
    assert "tok-secret-5678" not in logged and "AP-1234" not in logged
    assert (row.provider, row.operation, row.correlation) == ("hoiio", "sms.send", "t1")


@responses.activate
def test_optional_parameters_left_empty_are_not_sent(hoiio):
    responses.post(f"{OPEN}/sms/send", json=fixture("sms_send.json"))
    hoiio.send_sms(dest="+639171234567", msg="hi")
    assert set(form(responses.calls[0])) == {"app_id", "access_token", "dest", "msg"}


@responses.activate
def test_bulk_send_joins_the_numbers_with_commas(hoiio):
    responses.post(f"{OPEN}/sms/bulk_send", json=fixture("sms_bulk_send.json"))
    accepted = hoiio.bulk_send_sms(
        dests=["09171234567", "+639181234567"], msg="Hi all", tag="b1", notify_url="http://n/"
    )
    assert accepted.bulk_txn_ref == "AA-B-1234" and accepted.txn_refs == []
    assert form(responses.calls[0])["dest"] == "+639171234567,+639181234567"


def test_bulk_send_refuses_more_than_a_thousand_numbers_before_sending(hoiio):
    with pytest.raises(ValueError):
        hoiio.bulk_send_sms(dests=["+639171234567"] * 1001, msg="x")


@responses.activate
def test_sms_status_reads_types_as_decimals_and_gmt8_dates(hoiio):
    responses.post(f"{OPEN}/sms/query_status", json=fixture("sms_status.json"))
    record = hoiio.sms_status(txn_ref="TX-1234")
    assert form(responses.calls[0])["txn_ref"] == "TX-1234"
    assert record.sms_status == "delivered" and record.split_count == 2
    assert record.charge.debit == Decimal("0.064") and record.charge.currency == "SGD"
    # 12:06:15 GMT+8 is 04:06:15 UTC.
    assert record.date == datetime(2012, 1, 31, 4, 6, 15, tzinfo=UTC)


@responses.activate
def test_sms_history_sends_dates_in_gmt8_and_reads_entries(hoiio):
    responses.post(f"{OPEN}/sms/get_history", json=fixture("sms_history.json"))
    page = hoiio.sms_history(since=datetime(2012, 1, 1, tzinfo=UTC), page=2)
    assert form(responses.calls[0])["from"] == "2012-01-01 08:00:00"
    assert form(responses.calls[0])["page"] == "2"
    assert page.total_entries_count == 234
    assert [e.txn_ref for e in page.entries] == ["TX-1", "TX-2"]
    # The SDK's note: dates sometimes carry microseconds.
    assert page.entries[1].date == datetime(2012, 1, 31, 4, 7, 0, 250000, tzinfo=UTC)


@responses.activate
def test_sms_rate_and_rate_in(hoiio):
    responses.post(f"{OPEN}/sms/get_rate", json=fixture("sms_rate.json"))
    responses.post(f"{OPEN}/sms/get_rate", json=fixture("sms_rate_in.json"))
    rate = hoiio.sms_rate(dest="+639171234567", msg="Hoiio World")
    assert (rate.split_count, rate.total_cost, rate.is_unicode) == (2, Decimal("0.064"), False)
    assert hoiio.sms_rate_in(incoming="+639171234567").rate == Decimal("0.01")
    assert form(responses.calls[1])["incoming"] == "+639171234567"
    assert "dest" not in form(responses.calls[1])


@responses.activate
def test_voice_call_back(hoiio):
    responses.post(f"{OPEN}/voice/call", json=fixture("voice_call.json"))
    txn_ref = hoiio.call_back(
        dest1="09171234567", dest2="09181234567", caller_id="private", max_duration=600, tag="c1"
    )
    assert txn_ref == "AA-C-3070102"
    assert form(responses.calls[0]) == {
        **CREDENTIALS,
        "dest1": "+639171234567",
        "dest2": "+639181234567",
        "caller_id": "private",
        "max_duration": "600",
        "tag": "c1",
    }


@responses.activate
def test_conference_returns_the_room_and_one_txn_ref_per_number(hoiio):
    responses.post(f"{OPEN}/voice/conference", json=fixture("voice_conference.json"))
    started = hoiio.conference(dests=["09171234567", "09181234567", "09191234567"], room="MY-ROOM")
    assert started.room == "MY-ROOM" and started.txn_refs == ["TX-1", "TX-2", "TX-3"]
    assert form(responses.calls[0])["dest"] == "+639171234567,+639181234567,+639191234567"


def test_conference_refuses_more_than_eight_participants(hoiio):
    with pytest.raises(ValueError):
        hoiio.conference(dests=["+639171234567"] * 9)


@responses.activate
def test_hangup_status_history_and_rate(hoiio):
    responses.post(f"{OPEN}/voice/hangup", json=fixture("ok.json"))
    responses.post(f"{OPEN}/voice/query_status", json=fixture("voice_status.json"))
    responses.post(f"{OPEN}/voice/get_history", json=fixture("voice_history.json"))
    responses.post(f"{OPEN}/voice/get_rate", json=fixture("voice_rate.json"))
    hoiio.hangup(txn_ref="TX-4")
    status = hoiio.call_status(txn_ref="TX-1234")
    history = hoiio.call_history()
    rate = hoiio.call_rate(dest1="09171234567", dest2="09181234567")
    assert form(responses.calls[0])["txn_ref"] == "TX-4"
    assert (status.call_status_dest1, status.duration, status.charge.debit) == (
        "answered",
        2,
        Decimal("0.036"),
    )
    assert history.entries[0].call_status_dest2 == "ongoing"
    assert (rate.rate, rate.talktime) == (Decimal("0.036"), 2352)


@responses.activate
def test_ivr_blocks_go_to_their_start_middle_and_end_paths(hoiio):
    responses.post(f"{OPEN}/ivr/start/dial", json=fixture("ivr_dial.json"))
    for path in ("middle/play", "middle/gather", "middle/record", "middle/monitor"):
        responses.post(f"{OPEN}/ivr/{path}", json=fixture("ok.json"))
    for path in ("end/transfer", "end/hangup"):
        responses.post(f"{OPEN}/ivr/{path}", json=fixture("ok.json"))
    dialed = hoiio.ivr_dial(dest="09171234567", msg="Hello.", max_duration=60, tag="i1")
    assert (dialed.txn_ref, dialed.session) == ("TX-1234", "S4643")
    hoiio.ivr_play(session="S4643", msg="Hello", tag="i1-0")
    hoiio.ivr_gather(session="S4643", msg="Press 1", max_digits=1, timeout=60, attempts=3)
    hoiio.ivr_record(session="S4643", msg="Speak now", max_duration=60)
    hoiio.ivr_monitor(session="S4643", msg="This call is recorded")
    hoiio.ivr_transfer(session="S4643", dest="room:R1234", on_failure="continue")
    hoiio.ivr_transfer(session="S4643", dest="09181234567")
    hoiio.ivr_hangup(session="S4643", msg="Bye")
    forms = [form(c) for c in responses.calls]
    assert forms[2] == {
        **CREDENTIALS,
        "session": "S4643",
        "msg": "Press 1",
        "max_digits": "1",
        "timeout": "60",
        "attempts": "3",
    }
    assert forms[5]["dest"] == "room:R1234" and forms[5]["on_failure"] == "continue"
    assert forms[6]["dest"] == "+639181234567"
    assert [c.request.url.removeprefix(OPEN) for c in responses.calls] == [
        "/ivr/start/dial",
        "/ivr/middle/play",
        "/ivr/middle/gather",
        "/ivr/middle/record",
        "/ivr/middle/monitor",
        "/ivr/end/transfer",
        "/ivr/end/transfer",
        "/ivr/end/hangup",
    ]


@responses.activate
def test_fax_send_base64_encodes_the_pdf_and_logs_only_its_size(hoiio):
    responses.post(f"{OPEN}/fax/send", json=fixture("fax_send.json"))
    pdf = b"%PDF-1.4 a fax\n%%EOF"
    txn_ref = hoiio.send_fax(dest="09171234567", document=pdf, filename="awesome-file.pdf")
    assert txn_ref == "TX-1234"
    sent = form(responses.calls[0])
    assert base64.b64decode(sent["file"]) == pdf and sent["filename"] == "awesome-file.pdf"
    logged = OutboundCall.objects.get().request_body
    assert sent["file"] not in logged and "characters omitted" in logged


@responses.activate
def test_fax_status_history_and_rates(hoiio):
    responses.post(f"{OPEN}/fax/query_status", json=fixture("fax_status.json"))
    responses.post(f"{OPEN}/fax/get_history", json=fixture("fax_history.json"))
    responses.post(f"{OPEN}/fax/get_rate", json=fixture("fax_rate.json"))
    responses.post(f"{OPEN}/fax/get_rate", json=fixture("fax_rate.json"))
    status = hoiio.fax_status(txn_ref="TX-1234")
    history = hoiio.fax_history(type="incoming")
    hoiio.fax_rate(dest="09171234567")
    hoiio.fax_rate_in(incoming="09171234567")
    assert (status.fax_status, status.fax_pages) == ("answered", 3)
    assert history.entries[0].fax_url == "http://some.server.com/in.pdf"
    assert form(responses.calls[1])["type"] == "incoming"
    assert form(responses.calls[3])["incoming"] == "+639171234567"


def test_fax_history_refuses_an_unknown_type(hoiio):
    with pytest.raises(ValueError):
        hoiio.fax_history(type="sideways")


@responses.activate
def test_download_fetches_only_from_hoiio_hosts(hoiio):
    responses.get(f"{API}/files/f1.pdf", body=b"%PDF-1.4", content_type="application/pdf")
    assert hoiio.download(f"{API}/files/f1.pdf") == b"%PDF-1.4"
    assert OutboundCall.objects.get().response_body.startswith("[8 bytes of application/pdf")
    with pytest.raises(PermanentError):
        hoiio.download("http://169.254.169.254/latest/meta-data")
    assert len(responses.calls) == 1


@responses.activate
def test_numbers_countries_choices_rates_subscribe_configure_active(hoiio):
    responses.post(f"{OPEN}/number/get_countries", json=fixture("number_countries.json"))
    responses.post(f"{OPEN}/number/get_choices", json=fixture("number_choices.json"))
    responses.post(f"{OPEN}/number/get_rates", json=fixture("number_rates.json"))
    responses.post(f"{OPEN}/number/subscribe", json=fixture("number_subscribe.json"))
    responses.post(f"{OPEN}/number/update_forwarding", json=fixture("ok.json"))
    responses.post(f"{OPEN}/number/get_active", json=fixture("number_active.json"))
    countries = hoiio.available_countries()
    choices = hoiio.available_numbers(country="US", state="AL", page=2)
    rates = hoiio.number_rates(country="US")
    subscribed = hoiio.subscribe_number(number="+12025550123", duration="auto_extend")
    hoiio.configure_number(
        number="+12025550123", forward_to="http://a/", forward_sms_to="http://b/", mode="fax"
    )
    active = hoiio.active_numbers()
    assert countries[0].states == [("AL", "Alabama")] and countries[1].states == []
    assert [e.number for e in choices.entries] == ["+12025550123", "+12025550124"]
    assert rates.rates == [(1, Decimal("4")), (3, Decimal("11")), (12, Decimal("40"))]
    assert (subscribed.debit, subscribed.expiry) == (Decimal("4.00"), date(2012, 12, 31))
    forms = [form(c) for c in responses.calls]
    assert forms[1] == {**CREDENTIALS, "country": "US", "state": "AL", "page": "2"}
    assert forms[3]["duration"] == "auto_extend"
    assert forms[4] == {
        **CREDENTIALS,
        "number": "+12025550123",
        "forward_to": "http://a/",
        "forward_sms_to": "http://b/",
        "mode": "fax",
    }
    # "disabled" means disabled (the SDK reads it as True).
    assert active.entries[0].auto_extend is False


def test_subscribe_refuses_an_undocumented_duration(hoiio):
    with pytest.raises(ValueError):
        hoiio.subscribe_number(number="+12025550123", duration="2")


@responses.activate
def test_account_balance_and_info(hoiio):
    responses.post(f"{OPEN}/user/get_balance", json=fixture("account_balance.json"))
    responses.post(f"{OPEN}/user/get_info", json=fixture("account_info.json"))
    balance = hoiio.balance()
    info = hoiio.account_info()
    assert (balance.currency, balance.balance, balance.points, balance.bonus) == (
        "USD",
        Decimal("12.40"),
        Decimal("10"),
        Decimal("2.40"),
    )
    assert (info.uid, info.prefix) == ("AA-1234", "1")


# --- errors, by what certainly happened on the wire -----------------------------


@responses.activate
def test_an_error_status_in_a_200_is_refused_and_logged_as_such(hoiio):
    responses.post(f"{OPEN}/sms/send", json=fixture("error_insufficient_credit.json"))
    with pytest.raises(PermanentError) as raised:
        hoiio.send_sms(dest="+639171234567", msg="hi")
    assert raised.value.reason == "error_insufficient_credit"
    assert OutboundCall.objects.get().outcome == OutboundCall.Outcome.PERMANENT


@responses.activate
def test_rate_limit_exceeded_is_rate_limited(hoiio):
    responses.post(f"{OPEN}/sms/send", json=fixture("error_rate_limit_exceeded.json"))
    with pytest.raises(RateLimited):
        hoiio.send_sms(dest="+639171234567", msg="hi")


@responses.activate
def test_an_internal_error_is_an_unknown_outcome(hoiio):
    responses.post(f"{OPEN}/sms/send", json=fixture("error_internal_server_error.json"))
    with pytest.raises(OutcomeUnknown):
        hoiio.send_sms(dest="+639171234567", msg="hi")


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_any_5xx_is_an_unknown_outcome(hoiio, status):
    responses.post(f"{OPEN}/voice/call", body="Bad gateway", status=status)
    with pytest.raises(OutcomeUnknown):
        hoiio.call_back(dest1="+639171234567", dest2="+639181234567")
    assert OutboundCall.objects.get().outcome == OutboundCall.Outcome.UNKNOWN


@responses.activate
def test_an_unreadable_200_is_an_unknown_outcome(hoiio):
    """The SDK's own bug in reverse: the request was answered, so it may have
    been applied; Hatid must not read that as a failure to retry."""
    responses.post(f"{OPEN}/sms/send", body="<html>oops</html>")
    with pytest.raises(OutcomeUnknown):
        hoiio.send_sms(dest="+639171234567", msg="hi")


@responses.activate
def test_a_connection_refused_is_transient(hoiio):
    responses.post(
        f"{OPEN}/sms/send",
        body=requests.exceptions.ConnectTimeout("connect timed out"),
    )
    with pytest.raises(TransientError):
        hoiio.send_sms(dest="+639171234567", msg="hi")


@responses.activate
def test_a_read_timeout_is_an_unknown_outcome(hoiio):
    responses.post(f"{OPEN}/sms/send", body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(OutcomeUnknown):
        hoiio.send_sms(dest="+639171234567", msg="hi")


def test_an_app_without_an_access_token_is_a_configuration_error():
    app = HoiioAppFactory(access_token="")
    with pytest.raises(ProviderConfigurationError):
        HoiioClient(app).balance()

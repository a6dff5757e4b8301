"""The Hoiio twin over real HTTP: SMS (send, bulk, status, history, rate),
credentials and methods, credit, and the account."""

from decimal import Decimal

import pytest
import requests

from sandbox.client import wait_for
from tests.integration.sandbox.hoiio.conftest import APP_ID, TOKEN, A, B, C, form


def test_sms_send_is_charged_delivered_and_notified(sandbox, hoiio, app_server):
    answer = hoiio.ok(
        "sms/send", dest=A, msg="Hoiio World", tag="t-1", notify_url=app_server.uri("sms")
    )
    txn_ref = answer["txn_ref"]
    [notification] = app_server.wait_for("sms")
    assert notification.method == "POST"
    assert notification.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form(notification) | {"date": "x"} == {
        "txn_ref": txn_ref,
        "tag": "t-1",
        "dest": A,
        "date": "x",
        "sms_status": "delivered",
        "split_count": "1",
        "currency": "SGD",
        "rate": "0.05",
        "debit": "0.05",
    }
    status = hoiio.ok("sms/query_status", txn_ref=txn_ref)
    assert status["sms_status"] == "delivered" and status["tag"] == "t-1"
    assert sandbox.hoiio_account_detail(APP_ID)["balance"] == "99.95"


def test_a_long_unicode_sms_is_billed_per_part(hoiio):
    rate = hoiio.ok("sms/get_rate", dest=A, msg="€" + "x" * 160)
    assert (rate["split_count"], rate["is_unicode"]) == ("2", "false")
    rate = hoiio.ok("sms/get_rate", dest=A, msg="日本" * 40)
    assert (rate["split_count"], rate["is_unicode"], rate["total_cost"]) == ("2", "true", "0.10")
    assert hoiio.ok("sms/get_rate", incoming=A)["rate"] == "0.01"


def test_a_number_that_fails_gets_a_failed_status(sandbox, hoiio):
    sandbox.phone(B, sms="failed")
    txn_ref = hoiio.ok("sms/send", dest=B, msg="hi")["txn_ref"]
    wait_for(lambda: hoiio.ok("sms/query_status", txn_ref=txn_ref)["sms_status"] == "failed")


def test_bulk_send_gives_one_bulk_txn_ref_and_each_sms_its_own(sandbox, hoiio, app_server):
    answer = hoiio.ok(
        "sms/bulk_send",
        dest=f"{A},{B},{C}",
        msg="To all",
        tag="b-1",
        notify_url=app_server.uri("sms"),
    )
    bulk = answer["bulk_txn_ref"]
    notifications = [form(n) for n in app_server.wait_for("sms", 3)]
    assert {n["dest"] for n in notifications} == {A, B, C}
    assert {n["bulk_txn_ref"] for n in notifications} == {bulk}
    assert len({n["txn_ref"] for n in notifications}) == 3
    history = hoiio.ok("sms/get_history")["entries"]
    assert sorted(e["dest"] for e in history if e.get("bulk_txn_ref") == bulk) == [A, B, C]
    assert Decimal(sandbox.hoiio_account_detail(APP_ID)["balance"]) == Decimal("99.85")


def test_bulk_send_takes_at_most_a_thousand_numbers(sandbox, hoiio):
    numbers = ",".join(f"+63917{n:07d}" for n in range(1001))
    assert hoiio.post("sms/bulk_send", dest=numbers, msg="x")["status"] == (
        "error_invalid_dest_param"
    )
    assert sandbox.hoiio_transactions() == []


def test_history_pages_by_a_hundred_and_filters_by_date(hoiio):
    numbers = ",".join(f"+63917{n:07d}" for n in range(150))
    hoiio.ok("sms/bulk_send", dest=numbers, msg="x")
    first = hoiio.ok("sms/get_history")
    second = hoiio.ok("sms/get_history", page="2")
    assert (first["total_entries_count"], first["entries_count"]) == ("150", "100")
    assert second["entries_count"] == "50"
    later = hoiio.ok("sms/get_history", **{"from": "2100-01-01 00:00:00"})
    assert later["entries"] == []
    assert hoiio.post("sms/get_history", **{"from": "yesterday"})["status"] == (
        "error_invalid_from_param"
    )


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"dest": "09171234567", "msg": "x"}, "error_invalid_dest_param"),
        ({"dest": A}, "error_msg_param_missing"),
        ({"msg": "x"}, "error_dest_param_missing"),
    ],
)
def test_sms_parameters_are_checked(sandbox, hoiio, params, status):
    assert hoiio.post("sms/send", **params)["status"] == status
    assert sandbox.hoiio_transactions() == []


@pytest.mark.parametrize(
    ("credentials", "status"),
    [
        ({"access_token": TOKEN}, "error_app_id_param_missing"),
        ({"app_id": APP_ID}, "error_access_token_param_missing"),
        ({"app_id": APP_ID, "access_token": "wrong"}, "error_invalid_access_token"),
        ({"app_id": "nobody", "access_token": TOKEN}, "error_invalid_app_id"),
    ],
)
def test_credentials_are_checked(hoiio, credentials, status):
    assert hoiio.post("sms/send", credentials=credentials, dest=A, msg="x")["status"] == status


def test_only_get_and_post_are_accepted(hoiio):
    response = requests.put(hoiio.url + "sms/send", timeout=10)
    assert response.json() == {"status": "error_invalid_http_method"}


def test_insufficient_credit_sends_nothing(sandbox, hoiio):
    sandbox.hoiio_account(APP_ID, points="0.01", bonus="0")
    assert hoiio.post("sms/send", dest=A, msg="x")["status"] == "error_insufficient_credit"
    assert sandbox.hoiio_transactions() == []


def test_bonus_is_spent_first(sandbox, hoiio):
    sandbox.hoiio_account(APP_ID, points="10.00", bonus="0.03")
    hoiio.ok("sms/send", dest=A, msg="x")
    balance = hoiio.ok("user/get_balance")
    assert (balance["points"], balance["bonus"], balance["balance"]) == ("9.98", "0.00", "9.98")


def test_account_info(hoiio):
    info = hoiio.ok("user/get_info")
    assert (info["uid"][:3], info["mobile_number"], info["currency"], info["prefix"]) == (
        "AA-",
        "+639170000001",
        "SGD",
        "+65",
    )


def test_status_of_an_unknown_txn_ref(hoiio):
    assert hoiio.post("sms/query_status", txn_ref="AA-S-999")["status"] == (
        "error_invalid_txn_ref_param"
    )


# --- faults -------------------------------------------------------------------------


def test_a_503_fault_applies_nothing(sandbox, hoiio):
    sandbox.set_fault("hoiio_sms", status=503, times=1)
    response = hoiio.session.post(
        hoiio.url + "sms/send",
        data={"app_id": APP_ID, "access_token": TOKEN, "dest": A, "msg": "x"},
        timeout=10,
    )
    assert response.status_code == 503
    assert response.json() == {"status": "error_internal_server_error"}
    assert sandbox.hoiio_transactions() == []


def test_a_reset_after_apply_leaves_the_sms_sent(sandbox, hoiio):
    sandbox.set_fault("hoiio_sms", after_apply="reset", times=1)
    with pytest.raises(requests.ConnectionError):
        hoiio.post("sms/send", dest=A, msg="x", tag="lost-answer")
    [txn] = sandbox.hoiio_transactions(tag="lost-answer")
    assert txn["kind"] == "sms"


def test_an_error_after_apply_answers_500_with_the_sms_sent(sandbox, hoiio):
    sandbox.set_fault("hoiio_sms", after_apply="error", times=1)
    response = hoiio.session.post(
        hoiio.url + "sms/send",
        data={"app_id": APP_ID, "access_token": TOKEN, "dest": A, "msg": "x"},
        timeout=10,
    )
    assert response.status_code == 500
    assert len(sandbox.hoiio_transactions()) == 1


def test_a_rate_limit_fault_says_so_in_hoiios_words(sandbox, hoiio):
    sandbox.set_fault("hoiio_sms", status=429, times=1)
    response = hoiio.session.post(hoiio.url + "sms/send", data={}, timeout=10)
    assert (response.status_code, response.json()["status"]) == (429, "error_rate_limit_exceeded")


def test_the_callbacks_fault_duplicates_notifications(sandbox, hoiio, app_server):
    sandbox.set_fault("callbacks", duplicate=True, times=1)
    hoiio.ok("sms/send", dest=A, msg="x", notify_url=app_server.uri("sms"))
    first, second = app_server.wait_for("sms", 2)
    assert form(first) == form(second)

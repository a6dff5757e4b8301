"""Charging: the documented example, every documented error through subscriber state,
referenceCode idempotency (also under concurrency), getLastRefCode."""

from decimal import Decimal

import pytest

from tests.integration.sandbox.conftest import NUMBER, Platform, wallet
from tests.support.concurrency import at_once

CHARGE = "/payment/v1/transactions/amount"


def charge_form(**extra):
    return {
        "amount": "0.00",
        "description": "my application",
        "endUserId": "9171234567",
        "referenceCode": "12341000022",
        "transactionOperationStatus": "Charged",
        "duration": "0",
        **extra,
    }


def balance(sandbox) -> Decimal:
    [subscriber] = [s for s in sandbox.subscribers() if s["number"] == "+639171234567"]
    return Decimal(subscriber["balance"])


def test_charge_documented_example_gets_the_documented_answer(sandbox, platform, token):
    # curl -F sends multipart/form-data, as the docs' example does.
    files = {name: (None, value) for name, value in charge_form().items()}
    response = platform.post(CHARGE, params={"access_token": token}, files=files)

    assert response.status_code == 201, response.text
    transaction = response.json()["amountTransaction"]
    assert len(transaction.pop("serverReferenceCode")) == 24
    assert transaction == {
        "endUserId": "9171234567",
        "paymentAmount": {
            "chargingInformation": {
                "amount": "0.00",
                "currency": "PHP",
                "description": "my application",
            },
            "totalAmountCharged": "0.00",
        },
        "referenceCode": "12341000022",
        "resourceURL": None,
    }


def test_charge_takes_the_amount_from_the_prepaid_balance(sandbox, platform, token):
    response = platform.post(
        CHARGE,
        params={"access_token": token},
        data=charge_form(amount="12.50", endUserId="tel:+639171234567"),
    )
    assert response.status_code == 201
    assert balance(sandbox) == Decimal("87.50")
    [delivery] = sandbox.deliveries("charge", number=NUMBER)
    assert delivery["referenceCode"] == "12341000022" and delivery["amount"] == "12.50"


def test_charge_without_duration_is_one_time_as_the_sdk_sends_it(platform, token):
    form = charge_form()
    del form["duration"]
    assert platform.post(CHARGE, params={"access_token": token}, data=form).status_code == 201


def test_charge_repeated_reference_code_never_charges_twice(sandbox, platform, token, app):
    first = platform.post(CHARGE, params={"access_token": token}, data=charge_form(amount="5.00"))
    again = platform.post(CHARGE, params={"access_token": token}, data=charge_form(amount="9.00"))

    assert again.status_code == 201 and again.json() == first.json()
    assert balance(sandbox) == Decimal("95.00")
    [delivery] = sandbox.deliveries("charge")
    assert delivery["duplicate_submissions"] == 1


def test_charge_concurrent_duplicates_charge_once(sandbox, token, sandbox_process):
    clients = 10
    answers = at_once(
        lambda: Platform(sandbox_process.url).post(
            CHARGE, params={"access_token": token}, data=charge_form(amount="3.00")
        ),
        clients,
    )

    assert [a.status_code for a in answers] == [201] * clients
    assert len({a.text for a in answers}) == 1
    assert balance(sandbox) == Decimal("97.00")
    [delivery] = sandbox.deliveries("charge")
    assert delivery["duplicate_submissions"] == clients - 1


MESSAGES = {
    400: "Authentication Error/Missing parameters in request body.",
    401: "App Is deactivated (due to inactivity).",
    402: "Subscriber Not found (invalid number).",
    405: "Failure to update the TM subscriber\u2019s balance or failure to check the TM "
    "subscriber\u2019s balance.",
    407: "Failure since postpaid charging is not permitted.",
    411: "GHP Subscriber has insufficient balance.",
    412: "TM Subscriber has insufficient balance.",
    416: "Failure to check the subscriber's balance.",
    701: "Charging is disallowed for the subscriber. Do not retry. Inform the subscriber "
    "to call the hotline for activation.",
}


@pytest.mark.parametrize(
    ("status", "app_change", "subscriber_change", "form_change", "token_change"),
    [
        (400, {}, {}, {}, "not-a-token"),
        (400, {}, {}, {"description": ""}, None),
        (400, {}, {}, {"transactionOperationStatus": "Refunded"}, None),
        (400, {}, {}, {"referenceCode": "99991000022"}, None),  # not this short code
        (400, {}, {}, {"referenceCode": "1234100002"}, None),  # 6, not 7, after the suffix
        (400, {}, {}, {"amount": "1.005"}, None),
        (401, {"active": False}, {}, {}, None),
        (402, {}, {}, {"endUserId": "09181112222"}, None),
        (402, {}, {}, {"endUserId": "12"}, None),
        (405, {}, {"brand": "tm", "balance_check_fails": True}, {}, None),
        (407, {}, {"postpaid": True}, {}, None),
        (411, {}, {"balance": "1.00"}, {"amount": "2.00"}, None),
        (412, {}, {"brand": "tm", "balance": "1.00"}, {"amount": "2.00"}, None),
        (416, {}, {"balance_check_fails": True}, {}, None),
        (701, {}, {"charging_allowed": False}, {}, None),
    ],
)
def test_charge_documented_errors_come_from_state_and_cost_fifty_centavos(
    sandbox, platform, token, app, status, app_change, subscriber_change, form_change, token_change
):
    if app_change:
        sandbox.register_app(app_id=app["app_id"], **app_change)
    if subscriber_change:
        sandbox.add_subscriber(NUMBER, **subscriber_change)
    before = Decimal(wallet(sandbox, app))
    subscriber_before = balance(sandbox)

    response = platform.post(
        CHARGE, params={"access_token": token_change or token}, data=charge_form(**form_change)
    )

    assert (response.status_code, response.json()) == (status, {"error": MESSAGES[status]})
    assert sandbox.deliveries("charge") == []
    assert balance(sandbox) == subscriber_before
    charged = before - Decimal(wallet(sandbox, app))
    # The token names the app, so a bad token cannot be charged to anyone.
    assert charged == (Decimal("0") if token_change else Decimal("0.50"))


def test_charge_of_another_subscriber_than_the_tokens_is_an_authentication_error(
    sandbox, platform, token
):
    sandbox.add_subscriber("09181112222")
    response = platform.post(
        CHARGE, params={"access_token": token}, data=charge_form(endUserId="09181112222")
    )
    assert (response.status_code, response.json()) == (400, {"error": MESSAGES[400]})


def test_charge_that_failed_can_be_retried_with_the_same_reference(sandbox, platform, token):
    sandbox.add_subscriber(NUMBER, balance="1.00")
    form = charge_form(amount="5.00")
    assert platform.post(CHARGE, params={"access_token": token}, data=form).status_code == 411
    sandbox.add_subscriber(NUMBER, balance="10.00")
    assert platform.post(CHARGE, params={"access_token": token}, data=form).status_code == 201
    assert balance(sandbox) == Decimal("5.00")


def test_get_last_ref_code(sandbox, platform, token, app):
    params = {"app_id": app["app_id"], "app_secret": app["app_secret"]}
    empty = platform.get("/payment/v1/transactions/getLastRefCode", params=params)
    assert empty.json() == {"referenceCode": None, "status": "SUCCESS", "shortcode": "21581234"}

    for reference in ("12341000005", "1234100000A"):
        platform.post(
            CHARGE, params={"access_token": token}, data=charge_form(referenceCode=reference)
        )
    response = platform.get("/payment/v1/transactions/getLastRefCode", params=params)

    assert response.status_code == 200
    assert response.json() == {
        "referenceCode": "1234100000A",
        "status": "SUCCESS",
        "shortcode": "21581234",
    }


def test_get_last_ref_code_with_a_wrong_secret_is_401_and_charged(sandbox, platform, app):
    before = Decimal(wallet(sandbox, app))
    response = platform.get(
        "/payment/v1/transactions/getLastRefCode",
        params={"app_id": app["app_id"], "app_secret": "wrong"},
    )
    assert (response.status_code, response.json()) == (401, {"error": "Invalid App Secret"})
    assert before - Decimal(wallet(sandbox, app)) == Decimal("0.50")


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (503, "System is busy, please try again later."),
        (702, "System is busy. Please try again later and contact api@globe.com.ph"),
    ],
)
def test_charge_busy_errors_come_from_faults_and_charge_nothing(
    sandbox, platform, token, app, status, error
):
    sandbox.set_fault("charge", status=status)
    before = wallet(sandbox, app)
    response = platform.post(
        CHARGE, params={"access_token": token}, data=charge_form(amount="1.00")
    )
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert balance(sandbox) == Decimal("100.00")
    assert wallet(sandbox, app) == before

"""The Globe client's exact wire format, request by request, against the
documented examples (recorded under tests/fixtures/globe/). `responses` stands
in for the platform here only to pin bytes on the wire; behaviour against a
stateful platform is tested through the sandbox."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from telecom.crypto import Secret
from telecom.errors import (
    OutcomeUnknown,
    PermanentError,
    ProviderConfigurationError,
    RateLimited,
    TokenRevoked,
    TransientError,
)
from telecom.globe import GlobeClient
from tests.support.factories import ProviderAppFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "globe"
API = "https://api.globe.test"
OAUTH = "https://oauth.globe.test"
TROPO = "https://tropo.globe.test"
TOKEN = Secret("3YM8xurK_IPdhvX4OUWXQljcHTIPgQDdTESLXDIes4g")

pytestmark = pytest.mark.django_db


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(autouse=True)
def urls(settings):
    settings.GLOBE_API_URL, settings.GLOBE_OAUTH_URL, settings.TROPO_API_URL = API, OAUTH, TROPO


@pytest.fixture
def app():
    return ProviderAppFactory(
        app_id="B54z9Ug55zLh5rTGRT5g6hq64pGUq6ap",
        app_secret="f6554137d08f5607a696cd40741993758c411af3bb5f6c230270ec26e8d54126",
        shortcode="21581234",
        rewards_token="I7SkxKYid_F_p-JSgTejow",
        passphrase="",
    )


@pytest.fixture
def globe(app):
    return GlobeClient(app)


def query(call):
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


@responses.activate
def test_send_sms_posts_the_documented_request(globe):
    url = f"{API}/smsmessaging/v1/outbound/1234/requests"
    responses.post(url, json=fixture("sms_sent.json"), status=201)
    accepted = globe.send_sms(
        token=TOKEN, to="09171234567", text="Hello World", client_correlator="123456"
    )
    call = responses.calls[0]
    assert query(call) == {"access_token": TOKEN.reveal()}
    assert call.request.headers["Content-Type"] == "application/json"
    assert json.loads(call.request.body) == {
        "outboundSMSMessageRequest": {
            "clientCorrelator": "123456",
            "senderAddress": "1234",
            "outboundSMSTextMessage": {"message": "Hello World"},
            "address": "tel:+639171234567",
        }
    }
    assert accepted.resource_url.startswith("https://devapi.globelabs.com.ph/smsmessaging")
    assert accepted.address == "tel:+639175595283"


@responses.activate
def test_send_binary_sms_posts_udh_and_coding_scheme(globe):
    responses.post(f"{API}/binarymessaging/v1/outbound/1234/requests", json={}, status=201)
    globe.send_binary_sms(
        token=TOKEN,
        to="+639171234567",
        message="samplebinarymessage",
        user_data_header="06050423F423F4",
        data_coding_scheme=4,
        client_correlator="b-1",
    )
    body = json.loads(responses.calls[0].request.body)["outboundBinaryMessageRequest"]
    assert body == {
        "clientCorrelator": "b-1",
        "senderAddress": "21581234",
        "address": "tel:+639171234567",
        "userDataHeader": "06050423F423F4",
        "dataCodingScheme": 4,
        "outboundBinaryMessage": {"message": "samplebinarymessage"},
    }


@responses.activate
def test_exchange_code_posts_credentials_as_query_parameters(globe, app):
    responses.post(f"{OAUTH}/oauth/access_token", json=fixture("token_grant.json"))
    grant = globe.exchange_code("the-code")
    assert query(responses.calls[0]) == {
        "app_id": app.app_id,
        "app_secret": app.app_secret.reveal(),
        "code": "the-code",
    }
    assert grant.subscriber_number == "9171234567"
    assert grant.access_token == "1ixLbltjWkzwqLMXT-8UF-UQeKRma0hOOWFA6o91oXw"


@responses.activate
def test_exchange_code_without_token_in_answer_is_permanent(globe):
    responses.post(f"{OAUTH}/oauth/access_token", json={"error": "Invalid code"})
    with pytest.raises(PermanentError, match="without access_token"):
        globe.exchange_code("c")


def test_consent_dialog_url_with_and_without_amount(globe, app):
    assert globe.consent_dialog_url() == f"{OAUTH}/dialog/oauth/{app.app_id}"
    assert (
        globe.consent_dialog_url(Decimal("1")) == f"{OAUTH}/dialog/oauth/{app.app_id}?amount=1.00"
    )


@responses.activate
def test_charging_sms_optin_posts_its_query(globe, app):
    responses.post(f"{API}/payment/v1/smsoptin", json={"status": "ok"})
    globe.charging_sms_optin(to="+639171234567", amount=Decimal("5"), duration_days=7)
    assert query(responses.calls[0]) == {
        "app_id": app.app_id,
        "app_secret": app.app_secret.reveal(),
        "subscriber_number": "9171234567",
        "duration": "7",
        "amount": "5.00",
    }


@responses.activate
def test_locate_reads_the_documented_answer(globe):
    responses.get(f"{API}/location/v1/queries/location", json=fixture("location.json"), status=201)
    where = globe.locate(token=TOKEN, address="09171234567", requested_accuracy=100)
    assert query(responses.calls[0]) == {
        "access_token": TOKEN.reveal(),
        "address": "tel:+639171234567",
        "requestedAccuracy": "100",
    }
    assert where.latitude == Decimal("14.5609722")
    assert where.longitude == Decimal("121.0193394")
    assert where.accuracy == 100
    assert where.retrieval_status == "Retrieved"
    assert where.located_at == datetime(2014, 6, 6, 9, 25, 15, tzinfo=UTC)


@responses.activate
@pytest.mark.parametrize(
    ("kind", "name", "amount"),
    [("balance", "balance.json", "602.00"), ("reload_amount", "reload_amount.json", "300.00")],
)
def test_subscriber_amounts_use_the_sdk_paths(globe, kind, name, amount):
    responses.get(f"{API}/location/v1/queries/{kind}", json=fixture(name))
    result = globe.subscriber_amount(token=TOKEN, address="09171234567", kind=kind)
    assert query(responses.calls[0]) == {"access_token": TOKEN.reveal(), "address": "639171234567"}
    assert result.amount == Decimal(amount)


@responses.activate
@pytest.mark.parametrize(
    ("answered", "pesos"), [("7500", "75.00"), (7500, "75.00"), ("602.00", "602.00")]
)
def test_subscriber_amounts_are_read_as_centavos_unless_written_in_pesos(globe, answered, pesos):
    entry = {"address": "639171234567", "subBalance": answered}
    responses.get(
        f"{API}/location/v1/queries/balance",
        json={"terminalLocationList": {"terminalLocation": [entry]}},
    )
    result = globe.subscriber_amount(token=TOKEN, address="+639171234567", kind="balance")
    assert result.amount == Decimal(pesos)


@responses.activate
@pytest.mark.parametrize("answered", ["-5", "lots", True, None])
def test_an_unreadable_subscriber_amount_is_a_permanent_error(globe, answered):
    entry = {"address": "639171234567", "subBalance": answered}
    responses.get(
        f"{API}/location/v1/queries/balance",
        json={"terminalLocationList": {"terminalLocation": [entry]}},
    )
    with pytest.raises(PermanentError):
        globe.subscriber_amount(token=TOKEN, address="+639171234567", kind="balance")


@responses.activate
def test_charge_posts_the_documented_form(globe):
    responses.post(
        f"{API}/payment/v1/transactions/amount", json=fixture("charged.json"), status=201
    )
    result = globe.charge(
        token=TOKEN,
        address="9171234567",
        amount=Decimal("2.5"),
        description="my application",
        reference_code="12341000023",
    )
    call = responses.calls[0]
    assert query(call) == {"access_token": TOKEN.reveal()}
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert {k: v[0] for k, v in parse_qs(call.request.body).items()} == {
        "amount": "2.50",
        "description": "my application",
        "endUserId": "tel:+639171234567",
        "referenceCode": "12341000023",
        "transactionOperationStatus": "Charged",
        "duration": "0",
    }
    assert result.server_reference_code == "528f5369b390e16a62000006"
    assert result.total_amount_charged == Decimal("0.00")


@responses.activate
@pytest.mark.parametrize(
    ("status", "error", "says"),
    [
        (400, PermanentError, "missing parameters"),
        (401, PermanentError, "deactivated"),
        (402, PermanentError, "not found"),
        (405, PermanentError, "TM subscriber"),
        (407, PermanentError, "Postpaid"),
        (411, PermanentError, "insufficient balance"),
        (412, PermanentError, "insufficient balance"),
        (416, PermanentError, "check the subscriber"),
        (701, PermanentError, "Do not retry"),
        (503, TransientError, "busy"),
        (702, TransientError, "busy"),
        (500, OutcomeUnknown, None),
    ],
)
def test_every_documented_charging_code_maps_to_its_treatment(globe, status, error, says):
    responses.post(f"{API}/payment/v1/transactions/amount", json={"error": "x"}, status=status)
    with pytest.raises(error, match=says) as caught:
        globe.charge(
            token=TOKEN,
            address="9171234567",
            amount=Decimal("1"),
            description="d",
            reference_code="12341000001",
        )
    assert not isinstance(caught.value, TokenRevoked)


@responses.activate
def test_last_reference_code_reads_the_documented_answer(globe, app):
    responses.get(
        f"{API}/payment/v1/transactions/getLastRefCode", json=fixture("last_refcode.json")
    )
    last = globe.last_reference_code()
    assert query(responses.calls[0]) == {
        "app_id": app.app_id,
        "app_secret": app.app_secret.reveal(),
    }
    assert (last.reference_code, last.status, last.shortcode) == (
        "12341000005",
        "SUCCESS",
        "21581234",
    )


@responses.activate
def test_send_reward_posts_the_documented_request(globe, app):
    responses.post(f"{API}/rewards/v1/transactions/send", json=fixture("reward_accepted.json"))
    accepted = globe.send_reward(address="+639271051129", promo="LOAD 50")
    assert json.loads(responses.calls[0].request.body) == {
        "outboundRewardRequest": {
            "app_id": app.app_id,
            "app_secret": app.app_secret.reveal(),
            "rewards_token": "I7SkxKYid_F_p-JSgTejow",
            "address": "9271051129",
            "promo": "LOAD 50",
        }
    }
    assert accepted.transaction_id == "1805759"


@responses.activate
def test_reward_server_error_is_an_unknown_outcome_never_transient(globe):
    responses.post(
        f"{API}/rewards/v1/transactions/send", json={"error": "Something went wrong"}, status=500
    )
    with pytest.raises(OutcomeUnknown):
        globe.send_reward(address="9271051129", promo="LOAD 50")


@responses.activate
def test_ussd_reply_posts_the_documented_request(globe):
    responses.post(f"{API}/ussd/v1/outbound/1234/reply/requests", json=fixture("ussd_reply.json"))
    accepted = globe.reply_ussd(
        token=TOKEN,
        to="+639171111111",
        message="Simple USSD Message\nOption - 1\nOption - 2",
        flash=False,
        session_id="012345678912",
    )
    assert json.loads(responses.calls[0].request.body) == {
        "outboundUSSDMessageRequest": {
            "outboundUSSDMessage": {"message": "Simple USSD Message\nOption - 1\nOption - 2"},
            "address": "639171111111",
            "senderAddress": "21581234",
            "flash": False,
            "sessionID": "012345678912",
        }
    }
    assert accepted.reference_id == "f7b61b82054e4b5e"


@responses.activate
@pytest.mark.parametrize("action", ["send", "reply"])
def test_ussd_normalises_the_address_as_sms_does(globe, action):
    responses.post(
        f"{API}/ussd/v1/outbound/1234/{action}/requests", json=fixture("ussd_reply.json")
    )
    extra = {"session_id": "012345678912"} if action == "reply" else {}
    getattr(globe, f"{action}_ussd")(
        token=TOKEN, to="09171111111", message="Hi", flash=False, **extra
    )
    body = json.loads(responses.calls[0].request.body)["outboundUSSDMessageRequest"]
    assert body["address"] == "639171111111"


@responses.activate
def test_ussd_send_has_no_session_id(globe):
    responses.post(f"{API}/ussd/v1/outbound/1234/send/requests", json=fixture("ussd_reply.json"))
    globe.send_ussd(token=TOKEN, to="09171111111", message="Hi", flash=True)
    body = json.loads(responses.calls[0].request.body)["outboundUSSDMessageRequest"]
    assert "sessionID" not in body and body["flash"] is True


@responses.activate
@pytest.mark.parametrize(
    ("message", "error"),
    [("Invalid access token", TokenRevoked), ("App is not provisioned for USSD", PermanentError)],
)
def test_ussd_401_revokes_only_for_token_problems(globe, message, error):
    responses.post(
        f"{API}/ussd/v1/outbound/1234/send/requests", json={"error": message}, status=401
    )
    with pytest.raises(error) as caught:
        globe.send_ussd(token=TOKEN, to="09171111111", message="Hi", flash=True)
    assert isinstance(caught.value, TokenRevoked) == (error is TokenRevoked)


@responses.activate
def test_sms_401_revokes_the_token(globe):
    responses.post(f"{API}/smsmessaging/v1/outbound/1234/requests", json={"error": "x"}, status=401)
    with pytest.raises(TokenRevoked):
        globe.send_sms(token=TOKEN, to="09171234567", text="x", client_correlator="c")


@responses.activate
def test_wallet_uses_the_passphrase_when_the_app_has_one(app):
    app.passphrase = "my passphrase"
    responses.post(
        f"{API}/wallet/v1/balance/",
        json={"wallet_balance": "1234.50", "as_of": "2018-06-06T03:19:11"},
    )
    balance = GlobeClient(app).wallet_balance()
    assert json.loads(responses.calls[0].request.body) == {
        "walletBalanceRequest": {
            "app_id": app.app_id,
            "app_secret": app.app_secret.reveal(),
            "passphrase": "my passphrase",
        }
    }
    assert balance.balance == Decimal("1234.50")


@responses.activate
def test_wallet_falls_back_to_an_access_token_and_honours_429(globe):
    responses.post(
        f"{API}/wallet/v1/balance/",
        json={"error": "Too many requests"},
        status=429,
        headers={"Retry-After": "30"},
    )
    with pytest.raises(RateLimited) as caught:
        globe.wallet_balance(token=TOKEN)
    assert caught.value.retry_after == 30
    assert json.loads(responses.calls[0].request.body) == {
        "walletBalanceRequest": {"access_token": TOKEN.reveal()}
    }


def test_wallet_without_passphrase_or_token_is_a_configuration_error(globe):
    with pytest.raises(ProviderConfigurationError):
        globe.wallet_balance()


@responses.activate
def test_trigger_call_uses_the_session_api(globe):
    responses.get(f"{TROPO}/1.0/sessions", json={"success": True, "id": "abc123"})
    session = globe.trigger_call(
        voice_token=Secret("voice-token"), parameters={"numberToDial": "9171234567"}
    )
    assert query(responses.calls[0]) == {
        "action": "create",
        "token": "voice-token",
        "numberToDial": "9171234567",
    }
    assert session == "abc123"


def test_missing_credentials_are_a_configuration_error():
    app = ProviderAppFactory(rewards_token="")
    with pytest.raises(ProviderConfigurationError, match="rewards_token"):
        GlobeClient(app).send_reward(address="9271051129", promo="LOAD 50")

"""Fidelity check: the official Globe Connect SDK (`pip install globe`) against the sandbox.

The SDK is Python 2 code: it imports `StringIO` and sends with pycurl. Under a
small shim (a `StringIO` module whose buffer takes text and bytes) its SMS,
location, subscriber, payment, rewards (Amax), USSD and OAuth modules run on
Python 3. Their URLs are module constants, pointed here at the sandbox. Each
test shows the SDK's own requests getting the documented answers, and pins
down where the SDK itself is broken (those tests assert the broken
behaviour, so they fail if a fixed SDK appears):

- `voice` does not load: `voiceLib/choices.py` is a syntax error in Python 2
  and 3 alike, and `voice.py` imports `voiceLib` as an implicit relative import;
- `Location.setRequestedAccuracy` discards its argument: every query asks 10 m;
- `Sms.sendMessage` prefixes `tel:` to the stored address on each call, so a
  second send from the same object goes to `tel:tel:...` and is refused;
- `Payment.sendPaymentRequest` writes its form body without URL-encoding, so
  a description with `&` arrives cut short; it never sends `duration`;
- `Ussd.sendUssdRequest(msg=...)` throws the message away (it sets None), and
  `Ussd.getResponse()` returns the buffer object, not the body;
- no call exposes the HTTP status: `getResponse()` is the body only.
"""

import ast
import importlib
import json
import re
import types
from pathlib import Path

import pytest

from sandbox.globe_sdk import load_sdk
from tests.integration.sandbox.conftest import NUMBER, SHORTCODE

pycurl = pytest.importorskip("pycurl")
globe_package = pytest.importorskip("globe")


@pytest.fixture
def sdk(monkeypatch, sandbox_process):
    """The SDK's modules, importable on Python 3, with every URL pointing at the sandbox."""
    modules = load_sdk(sandbox_process.url, monkeypatch.setitem, monkeypatch.setattr)
    return types.SimpleNamespace(**modules)


def body_of(response: bytes) -> dict:
    return json.loads(response)


def test_sdk_send_sms_gets_the_documented_answer(sandbox, sdk, token):
    sms = sdk.sms.Sms("1234", token)
    sms.setReceiverAddress("+639171234567")
    sms.setMessage("Hello World")
    sms.setClientCorrelator("sdk-1")
    answer = body_of(sms.sendMessage().getResponse())["outboundSMSMessageRequest"]

    assert answer["address"] == "tel:+639171234567"
    assert answer["senderAddress"] == "1234"
    assert answer["outboundSMSTextMessage"] == {"message": "Hello World"}
    [delivery] = sandbox.deliveries("sms")
    # The SDK's own request shape: sender "tel:1234", address a one-element list.
    assert delivery["request"]["senderAddress"] == "tel:1234"
    assert delivery["request"]["address"] == ["tel:+639171234567"]


def test_sdk_bug_a_second_send_from_the_same_object_is_refused(sandbox, sdk, token):
    sms = sdk.sms.Sms("1234", token)
    sms.setReceiverAddress("+639171234567").setMessage("one")
    sms.sendMessage()
    second = body_of(sms.sendMessage(msg="two").getResponse())
    assert second == {"error": "Invalid subscriber number"}  # it sent tel:tel:+63...
    assert len(sandbox.deliveries("sms")) == 1


def test_sdk_binary_sms_with_the_token_in_the_body(sandbox, sdk, token):
    sms = sdk.sms.Sms("1234", token)
    sms.setUserDataHeader("06050423F423F4").setDataEncodingScheme(4)
    sms.setReceiverAddress("9171234567").setMessage("samplebinarymessage")
    answer = body_of(sms.sendBinaryMessage().getResponse())["outboundBinaryMessageRequest"]
    assert (answer["dataCodingScheme"], answer["userDataHeader"]) == (4, "06050423F423F4")
    assert sandbox.deliveries("binary")[0]["request"]["access_token"] == token


def test_sdk_location_and_its_ignored_accuracy(sdk, token):
    location = sdk.location.Location(token).setAddress("09171234567").setRequestedAccuracy(100)
    answer = body_of(location.getLocation().getResponse())["terminalLocationList"]
    terminal = answer["terminalLocation"]
    assert terminal["locationRetrievalStatus"] == "Retrieved"
    assert terminal["currentLocation"]["latitude"] == "14.5609722"
    assert terminal["currentLocation"]["accuracy"] == 10  # asked 100: the setter drops it


def test_sdk_subscriber_balance_and_reload_amount(sdk, token):
    subscriber = sdk.subscriber.Subscriber(token).setAddress("09171234567")
    balance = body_of(subscriber.getSubscriberBalance().getResponse())
    reload_amount = body_of(subscriber.getReloadAmount().getResponse())
    assert balance["terminalLocationList"]["terminalLocation"][0]["subBalance"] == "10000"
    assert reload_amount["terminalLocationList"]["terminalLocation"][0]["reloadAmount"] == "30000"


def test_sdk_payment_and_last_reference_code(sandbox, sdk, token, app):
    payment = sdk.payment.Payment(token)
    payment.setAmount("1.00").setDescription("my application").setEndUserId("9171234567")
    payment.setReferenceCode("12341000023").setTransactionOperationStatus("Charged")
    charged = body_of(payment.sendPaymentRequest().getResponse())["amountTransaction"]
    assert charged["referenceCode"] == "12341000023"
    assert charged["paymentAmount"]["totalAmountCharged"] == "1.00"
    assert "duration" not in sandbox.deliveries("charge")[0]["request"]  # never sent

    last = sdk.payment.Payment(token).setAppKey(app["app_id"]).setAppSecret(app["app_secret"])
    assert body_of(last.getLastReferenceCode().getResponse()) == {
        "referenceCode": "12341000023",
        "status": "SUCCESS",
        "shortcode": SHORTCODE,
    }


def test_sdk_bug_payment_body_is_not_url_encoded(sdk, token):
    payment = sdk.payment.Payment(token)
    payment.setAmount("1.00").setDescription("fish & chips").setEndUserId("9171234567")
    payment.setReferenceCode("12341000024").setTransactionOperationStatus("Charged")
    charged = body_of(payment.sendPaymentRequest().getResponse())["amountTransaction"]
    assert charged["paymentAmount"]["chargingInformation"]["description"] == "fish "


def test_sdk_amax_reward_and_its_callback(sdk, app, app_server):
    amax = sdk.amax.Amax(app["app_id"], app["app_secret"])
    amax.setAddress("9271051129").setToken(app["rewards_token"]).setPromo("LOAD 50")
    answer = body_of(amax.sendReward().getResponse())["outboundRewardRequest"]
    assert answer["status"] == "Please check your Rewards Callback URI for status"
    [callback] = app_server.wait_for("rewards")
    assert callback.body["outboundRewardRequest"]["transaction_id"] == answer["transaction_id"]


def test_sdk_ussd_send_and_its_broken_response_and_message(sandbox, sdk, token):
    ussd = sdk.ussd.Ussd(token, "1234")
    ussd.setAddress("639171234567").setUssdMessage("Menu\n1 - Yes").setFlash(False)
    buffer = ussd.sendUssdRequest().getResponse()
    assert not isinstance(buffer, bytes)  # the buffer object, not the body
    answer = body_of(buffer.getvalue())["outboundUSSDMessageRequest"]
    assert answer["outboundUSSDMessage"] == {"message": "Menu\n1 - Yes"}
    assert sandbox.handset(NUMBER)["ussd"]["screen"] == "Menu\n1 - Yes"

    dropped = sdk.ussd.Ussd(token, "1234").setAddress("639171234567")
    refused = body_of(dropped.sendUssdRequest(msg="Hello").getResponse().getvalue())
    assert refused == {"error": "Missing parameters"}  # msg= became None


def test_sdk_oauth_redirect_url_and_access_token(sandbox, sdk, app, platform):
    oauth = sdk.oauth.Oauth(app["app_id"], app["app_secret"])
    assert platform.session.get(oauth.getRedirectUrl(), timeout=10).status_code == 200

    page = platform.post(
        f"/dialog/oauth/{app['app_id']}", data={"step": "number", "subscriber_number": NUMBER}
    )
    reference = re.search(r'name="reference" value="([^"]+)"', page.text)[1]
    pin = re.search(r"is (\d{6})", sandbox.inbox(NUMBER)[-1]["text"])[1]
    done = platform.post(
        f"/dialog/oauth/{app['app_id']}",
        data={"step": "pin", "reference": reference, "pin": pin},
        allow_redirects=False,
    )
    code = done.headers["Location"].split("code=")[1]
    assert body_of(oauth.getAccessToken(code))["subscriber_number"] == "9171234567"


def test_sdk_voice_module_does_not_parse():
    connect = Path(globe_package.__file__).parent / "connect"
    with pytest.raises(SyntaxError):
        ast.parse((connect / "voiceLib" / "choices.py").read_text())
    with pytest.raises(ImportError):
        importlib.import_module("globe.connect.voice")

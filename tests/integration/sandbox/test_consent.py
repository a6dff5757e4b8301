"""Consent: SMS opt-in (INFO, YES, STOP), the OAuth dialog and code exchange, charging opt-in."""

import re

import pytest
import requests

from tests.integration.sandbox.conftest import NUMBER, SHORTCODE


def test_info_sends_the_welcome_message_and_nothing_to_the_app(sandbox, app, app_server):
    result = sandbox.text(NUMBER, SHORTCODE, "INFO")

    assert result["action"] == "info"
    assert result["callbacks"] == []
    [welcome] = result["replies"]
    assert welcome["peer"] == SHORTCODE
    assert "Demo app" in welcome["text"] and "Deliveries, tracked." in welcome["text"]
    assert "help@example.com" in welcome["text"] and "YES" in welcome["text"]
    assert app_server.received == []


def test_yes_sends_the_token_and_ten_digit_number_to_the_redirect_uri(sandbox, app, app_server):
    result = sandbox.text(NUMBER, SHORTCODE, "yes")

    assert result["action"] == "optin"
    [callback] = result["callbacks"]
    assert (callback["method"], callback["status"], callback["response_status"]) == (
        "GET",
        "delivered",
        200,
    )
    [received] = app_server.of("redirect")
    assert received.method == "GET"
    assert received.query["subscriber_number"] == "9171234567"
    [grant] = sandbox.grants(app_id=app["app_id"], number=NUMBER)
    assert received.query["access_token"] == grant["access_token"]
    assert len(grant["access_token"]) == 43


def test_consenting_again_keeps_the_same_token(sandbox, app, app_server):
    sandbox.text(NUMBER, SHORTCODE, "YES")
    sandbox.text(NUMBER, SHORTCODE, "YES")
    first, second = app_server.of("redirect")
    assert first.query["access_token"] == second.query["access_token"]


@pytest.mark.parametrize("keyword", ["STOP", "STOPSVC"])
def test_stop_revokes_the_token_and_posts_unsubscribed(sandbox, platform, app, app_server, keyword):
    sandbox.text(NUMBER, SHORTCODE, "YES")
    token = app_server.of("redirect")[0].query["access_token"]

    result = sandbox.text(NUMBER, SHORTCODE, keyword)

    assert result["action"] == "unsubscribe"
    unsubscribed = app_server.of("redirect")[-1]
    assert unsubscribed.method == "POST"
    assert set(unsubscribed.body) == {"unsubscribed"}
    body = unsubscribed.body["unsubscribed"]
    assert body["subscriber_number"] == "9171234567"
    assert body["access_token"] == token
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", body["time_stamp"])
    response = platform.sms(
        token, {"address": NUMBER, "outboundSMSTextMessage": {"message": "still there?"}}
    )
    assert response.status_code == 401

    sandbox.text(NUMBER, SHORTCODE, "YES")
    assert app_server.of("redirect")[-1].query["access_token"] != token


def test_stop_without_consent_sends_no_callback(sandbox, app, app_server):
    result = sandbox.text(NUMBER, SHORTCODE, "STOP")
    assert result["callbacks"] == []
    assert app_server.received == []


def test_text_to_an_unknown_short_code_is_a_404(sandbox, app):
    with pytest.raises(Exception, match="404"):
        sandbox.text(NUMBER, "29990000", "INFO")


def exchange(platform, app, code: str):
    params = {"app_id": app["app_id"], "app_secret": app["app_secret"], "code": code}
    return platform.post("/oauth/access_token", params=params)


def _pin(sandbox) -> str:
    return re.search(r"PIN .* is (\d{6})", sandbox.inbox(NUMBER)[-1]["text"])[1]


def _walk_dialog(sandbox, url: str, number: str = NUMBER) -> requests.Response:
    """Act out the consent dialog in a browser-less session; the final answer, unfollowed."""
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    assert page.status_code == 200 and "Grant" in page.text
    page = browser.post(url, data={"step": "number", "subscriber_number": number}, timeout=10)
    assert page.status_code == 200 and "Confirm" in page.text
    reference = re.search(r'name="reference" value="([^"]+)"', page.text)[1]
    wrong = browser.post(url, data={"step": "pin", "reference": reference, "pin": "x"}, timeout=10)
    assert wrong.status_code == 400 and "not right" in wrong.text
    return browser.post(
        url,
        data={"step": "pin", "reference": reference, "pin": _pin(sandbox)},
        allow_redirects=False,
        timeout=10,
    )


@pytest.mark.parametrize("path", ["/dialog/oauth/{app_id}", "/dialog/oauth?app_id={app_id}"])
def test_oauth_dialog_redirects_with_a_code_that_works_once(
    sandbox, platform, app, app_server, path
):
    answer = _walk_dialog(sandbox, platform.url + path.format(app_id=app["app_id"]))

    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(app["redirect_uri"] + "?code=")
    code = location.split("code=", 1)[1]
    exchanged = exchange(platform, app, code)
    assert exchanged.status_code == 200
    assert exchanged.json()["subscriber_number"] == "9171234567"
    [grant] = sandbox.grants(app_id=app["app_id"], number=NUMBER)
    assert exchanged.json()["access_token"] == grant["access_token"]

    again = exchange(platform, app, code)
    assert (again.status_code, again.json()) == (400, {"error": "Invalid code"})


def test_oauth_charging_dialog_sends_code_and_amount_to_the_notify_uri(
    sandbox, platform, app, app_server
):
    url = f"{platform.url}/dialog/oauth/{app['app_id']}/?amount=1.00"
    answer = _walk_dialog(sandbox, url)

    assert answer.status_code == 302
    assert answer.headers["Location"] == app["redirect_uri"]
    [notified] = app_server.of("notify")
    assert notified.method == "GET" and notified.query["amount"] == "1.00"
    exchanged = exchange(platform, app, notified.query["code"])
    assert exchanged.status_code == 200


def test_oauth_dialog_for_an_unknown_app_is_a_404_page(platform):
    assert platform.get("/dialog/oauth/nope").status_code == 404


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({"app_id": "nope", "app_secret": "x", "code": "c"}, 404, "App not found"),
        ({"app_secret": "{secret}", "code": "c"}, 400, "Missing parameters"),
        ({"app_id": "{app_id}", "app_secret": "wrong", "code": "c"}, 401, "Invalid App Secret"),
        ({"app_id": "{app_id}", "app_secret": "{secret}"}, 400, "Missing parameters"),
        ({"app_id": "{app_id}", "app_secret": "{secret}", "code": "bad"}, 400, "Invalid code"),
    ],
)
def test_access_token_errors(platform, app, params, status, error):
    values = {"app_id": app["app_id"], "secret": app["app_secret"]}
    response = platform.post(
        "/oauth/access_token", params={k: v.format(**values) for k, v in params.items()}
    )
    assert (response.status_code, response.json()) == (status, {"error": error})


def test_charging_sms_optin_texts_a_keyword_and_yes_keyword_sends_code_and_amount(
    sandbox, platform, app, app_server
):
    response = platform.post(
        "/payment/v1/smsoptin",
        params={
            "app_id": app["app_id"],
            "app_secret": app["app_secret"],
            "subscriber_number": "9171234567",
            "duration": "7",
            "amount": "2.50",
        },
    )
    assert response.status_code == 201, response.text
    offer = sandbox.inbox(NUMBER)[-1]["text"]
    keyword = re.search(r"Reply YES (\w+)", offer)[1]
    assert keyword == "GLABS2P50" and "PHP 2.50" in offer and "7 days" in offer

    result = sandbox.text(NUMBER, SHORTCODE, f"YES {keyword.lower()}")

    assert result["action"] == "charging_optin"
    [notified] = app_server.of("notify")
    assert notified.method == "GET" and notified.query["amount"] == "2.50"
    exchanged = exchange(platform, app, notified.query["code"])
    assert exchanged.json()["subscriber_number"] == "9171234567"


def test_info_lists_provisioned_charging_keywords(sandbox, app, app_server):
    sandbox.register_app(app_id=app["app_id"], charging_keywords={"GLABS1": "1.00"})
    [welcome] = sandbox.text(NUMBER, SHORTCODE, "INFO")["replies"]
    assert "YES GLABS1 for PHP 1.00" in welcome["text"]
    sandbox.text(NUMBER, SHORTCODE, "YES GLABS1")
    assert app_server.of("notify")[0].query["amount"] == "1.00"

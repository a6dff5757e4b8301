"""The virtual handset page in a real browser (the system Chromium, through Playwright):
create a number, opt in by SMS and see the welcome, dial USSD and walk the app's menu.

The app side is an `AppServer` that keeps the token the opt-in sends and
answers USSD through the sandbox's reply API, as any app would.
"""

import pytest

from tests.integration.sandbox.conftest import Platform

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

MENU = "Welcome to Demo app\n1 Balance\n2 Promos"


def use_number(page, url: str, number: str, e164: str) -> None:
    page.goto(url + "/")
    page.fill("#number-input", number)
    page.click("#use-number")
    playwright.expect(page.locator("#handset-number")).to_have_text(e164)


@pytest.fixture
def demo_app(sandbox, sandbox_process, app_server):
    platform = Platform(sandbox_process.url)
    tokens = {}

    def opted_in(received):
        if received.method == "GET":
            tokens[received.query["subscriber_number"]] = received.query["access_token"]

    def menu(received):
        [message] = received.body["inboundUSSDMessageList"]["inboundUSSDMessage"]
        start = message["sessionStart"]
        text = MENU if start else "Your balance is PHP 100.00. Thank you!"
        platform.post(
            "/ussd/v1/outbound/1234/reply/requests",
            params={"access_token": tokens[message["senderAddress"][2:]]},
            json={
                "outboundUSSDMessageRequest": {
                    "outboundUSSDMessage": {"message": text},
                    "address": message["senderAddress"],
                    "senderAddress": message["destinationAddress"],
                    "sessionID": message["sessionID"],
                    "flash": not start,
                }
            },
        )

    app_server.on("redirect", opted_in)
    app_server.on("ussd", menu)
    return sandbox.register_app(
        app_id="demo", app_secret="s", shortcode="21581234", name="Demo app", **app_server.uris()
    )


def test_handset_page_opt_in_and_ussd_menu(sandbox_process, demo_app, app_server, browser_page):
    expect = playwright.expect
    page = browser_page
    use_number(page, sandbox_process.url, "09171234567", "+639171234567")

    page.select_option("#to-select", "21581234")
    page.fill("#sms-text", "INFO")
    page.click("#send-sms")
    expect(page.locator("#inbox .message.received").last).to_contain_text("Welcome to Demo app!")

    page.fill("#sms-text", "YES")
    page.press("#sms-text", "Enter")
    expect(page.locator("#inbox .message.received").last).to_contain_text("now subscribed")
    assert app_server.of("redirect")[0].query["subscriber_number"] == "9171234567"

    page.fill("#ussd-dial", "*120*1234#")
    page.click("#dial-button")
    expect(page.locator("#ussd-screen")).to_have_text(MENU)

    page.fill("#ussd-input", "1")
    page.click("#ussd-send")
    expect(page.locator("#ussd-screen")).to_contain_text("Your balance is PHP 100.00")
    expect(page.locator("#ussd-screen")).to_have_attribute("data-state", "closed")
    expect(page.locator("#ussd-input")).to_be_disabled()


def test_handset_page_calls_the_app_and_keys_an_answer(
    sandbox, sandbox_process, app_server, browser_page
):
    menu = {
        "tropo": [
            {"say": {"value": "Welcome to the demo line."}},
            {"ask": {"choices": {"value": "1, 2"}, "say": {"value": "Press 1 or 2."}}},
            {"on": {"event": "continue", "next": "/voice/chosen"}},
        ]
    }
    thanks = {"tropo": [{"say": {"value": "You chose well."}}, {"hangup": {}}]}
    app_server.on("voice", lambda received: thanks if received.path.endswith("chosen") else menu)
    sandbox.register_app(app_id="demo", app_secret="s", shortcode="21581234", **app_server.uris())
    expect = playwright.expect
    page = browser_page
    use_number(page, sandbox_process.url, "09171234567", "+639171234567")

    page.select_option("#call-to", "21581234")
    page.click("#call-button")
    expect(page.locator("#call-transcript")).to_contain_text("Asked: Press 1 or 2. (1, 2)")
    expect(page.locator("#call-state")).to_contain_text("waiting for your answer")

    page.click(".keypad button[data-key='2']")
    page.click(".keypad button[data-key='#']")
    expect(page.locator("#call-keys")).to_have_value("2#")
    page.click("#send-keys")

    expect(page.locator("#call-transcript")).to_contain_text("Heard: You chose well.")
    expect(page.locator("#call-state")).to_have_attribute("data-state", "ended")
    [result] = [r for r in app_server.of("voice") if r.path == "/voice/chosen"]
    assert result.body["result"]["actions"]["interpretation"] == "2"

"""The operator console in a real browser (system Chromium through Playwright):
subscribers found by any number form, the SMS length counter, the USSD menu
editor's counter and walk-through, a campaign from preview to progress bar."""

import re

import pytest

from subscribers.services.consent import subscriber_opt_in
from tests.support.ussd_menus import shop_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscriber_search_by_any_form_and_the_consent_history(console, globe_app):
    subscriber_opt_in(app=globe_app, msisdn="+639171234567", token="token-abcdefgh", channel="sms")
    subscriber_opt_in(app=globe_app, msisdn="+639181111111", token="token-ijklmnop", channel="sms")
    console.goto(f"{console.base}/admin/subscribers/subscriber/")
    console.fill("#searchbar", "0917 123 4567")
    console.press("#searchbar", "Enter")
    rows = console.locator("#result_list tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1 and "+639171234567" in rows.first.inner_text()
    rows.first.locator("a").first.click()
    console.get_by_text("Opted in by SMS", exact=True).wait_for()
    assert "token-abcdefgh" not in console.content()


def test_compose_counts_characters_and_parts_as_the_operator_types(console):
    console.goto(f"{console.base}/admin/telecom/message/compose/")
    console.fill("textarea[name=text]", "x" * 161)
    console.get_by_text("161 characters, 2 parts (GSM-7, 160 per part)").wait_for()
    console.fill("textarea[name=text]", "Salamat 🙏")
    console.get_by_text(re.compile(r"\d+ characters, 1 part \(UCS-2")).wait_for()


def test_ussd_editor_counts_and_the_walk_through_answers(console, globe_app):
    menu = shop_menu(globe_app, name="Shop", is_live=False)
    main = menu.start_screen
    console.goto(f"{console.base}/admin/telecom/ussdscreen/{main.pk}/change/")
    console.fill("textarea[name=text]", "y" * 190)
    console.get_by_text("190 / 182 characters — too long for one USSD screen").wait_for()
    console.goto(f"{console.base}/admin/telecom/ussdmenu/{menu.pk}/preview/")
    assert console.inner_text("#ussd-screen") == "Welcome\n1. Info\n2. Buy load"
    console.fill("#ussd-input", "1")
    console.click("input[value=Send]")
    console.wait_for_function(
        "document.querySelector('#ussd-screen').innerText === 'We will text you the details.'"
    )


def test_campaign_from_preview_to_progress(console, globe_app):
    for n in range(3):
        subscriber_opt_in(
            app=globe_app, msisdn=f"+63917000000{n}", token=f"token-0000000{n}", channel="sms"
        )
    console.goto(f"{console.base}/admin/telecom/campaign/add/")
    console.select_option("select[name=app]", str(globe_app.pk))
    console.fill("input[name=name]", "Launch")
    console.fill("textarea[name=text]", "We launched!")
    console.click("input[value=Preview]")
    console.locator("#preview").wait_for()
    assert "3 recipients" in console.inner_text("#preview")
    console.click("input[value='Confirm and start']")
    console.locator("#campaign-progress progress").wait_for()
    assert console.inner_text("#campaign-status") in ("Creating messages", "Sending", "Completed")

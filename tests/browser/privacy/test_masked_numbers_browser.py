"""A Viewer in a real browser: the message list and a message's page show
numbers masked, and searching by a full number finds its messages
(docs/screenshots/masked-numbers.png with HATID_SCREENSHOTS=1)."""

import pytest
from playwright.sync_api import expect

from subscribers.models import Subscriber
from tests.support.factories import inbound_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBERS = ("+639171234567", "+639189876543", "+639205550123")
TEXTS = ("LOAD 50 please", "Salamat! Call me on 09171234567", "STOP")


def messages_from(app):
    for number, text in zip(NUMBERS, TEXTS, strict=True):
        subscriber = Subscriber.objects.create(app=app, msisdn=number)
        inbound_message(subscriber, text=text, platform_key=f"mo-{number}")
        inbound_message(
            subscriber,
            text="Thanks, we got it.",
            direction="out",
            status="sent",
            source="admin",
            client_correlator=f"mt-{number}",
        )


def test_a_viewer_sees_masked_numbers_and_finds_one_by_its_full_number(
    viewer_console, globe_app, screenshots
):
    messages_from(globe_app)
    page = viewer_console
    page.goto(f"{page.base}/admin/telecom/message/")
    table = page.locator("#result_list")
    expect(table).to_contain_text("+63917•••4567")
    text = page.content()
    for number in NUMBERS:
        assert number not in text and number[1:] not in text
    assert "09171234567" not in text and "0917•••4567" in text
    page.set_viewport_size({"width": 1600, "height": 560})
    page.screenshot(path=str(screenshots / "masked-numbers.png"))

    page.fill("#searchbar", "0917 123 4567")
    page.press("#searchbar", "Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(table).not_to_contain_text("+63918•••6543")
    assert "+639171234567" not in page.content()

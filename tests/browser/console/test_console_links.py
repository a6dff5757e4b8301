"""Links between console pages carry a number as typed: "+63…", never " 63…"."""

import re

import pytest

from subscribers.services.consent import subscriber_opt_in
from tests.support.factories import ProviderAppFactory, inbound_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def subscriber(globe_app):
    ProviderAppFactory(name="Another app")  # so the app has to be preselected
    subscriber = subscriber_opt_in(
        app=globe_app, msisdn="+639171234567", token="token-abcdefgh", channel="sms"
    ).subscriber
    inbound_message(subscriber, text="hello")
    return subscriber


def test_send_a_message_link_fills_the_number_and_the_app(subscriber, console, globe_app, tmp_path):
    console.goto(f"{console.base}/admin/telecom/message/conversation/{subscriber.pk}/")
    console.click("text=Send a message")
    console.wait_for_url(re.compile(r".*/compose/.*"))
    assert console.input_value("textarea[name=to], input[name=to]") == "+639171234567"
    assert console.input_value("select[name=app]") == str(globe_app.pk)
    console.screenshot(path=str(tmp_path / "compose.png"), full_page=True)


def test_subscriber_traffic_link_searches_the_number_as_written(subscriber, console):
    console.goto(f"{console.base}/admin/subscribers/subscriber/{subscriber.pk}/change/")
    console.click(".field-traffic a:text-is('Messages')")
    console.wait_for_url(re.compile(r".*/admin/telecom/message/\?.*"))
    assert console.input_value("#searchbar") == "+639171234567"
    rows = console.locator("#result_list tbody tr")
    rows.first.wait_for()
    assert "hello" in rows.first.inner_text()

"""A Hoiio recipient unsubscribed and subscribed again from the subscriber
list in a real browser (system Chromium through Playwright), the consent
history on its page saying who did what; a Viewer is offered neither action.
Takes docs/screenshots/hoiio-consent-history.png (HATID_SCREENSHOTS=1)."""

import pytest

from subscribers.models import Subscriber
from subscribers.services.opt_out import hoiio_opt_out
from telecom.models import Message
from tests.support.factories import HoiioAppFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
A = "+639171234567"


def run_action(page, subscriber, action: str) -> None:
    page.goto(f"{page.base}/admin/subscribers/subscriber/?q={subscriber.msisdn[1:]}")
    page.check(f"input[name=_selected_action][value='{subscriber.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.locator(".messagelist").wait_for()


def test_an_operator_unsubscribes_and_the_page_shows_the_history(console, screenshots):
    app = HoiioAppFactory(name="Parcel alerts")
    subscriber = Subscriber.objects.create(app=app, msisdn=A, status="active")
    hoiio_opt_out(app=app, number=A, detail="texted STOP")  # as a handset's STOP records it
    run_action(console, subscriber, "resubscribe")
    assert "Subscribed again: 1" in console.locator(".messagelist").inner_text()
    run_action(console, subscriber, "unsubscribe")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    console.goto(f"{console.base}/admin/subscribers/subscriber/{subscriber.pk}/change/")
    history = console.locator("#consent_events-group")
    history.wait_for()
    text = history.inner_text()
    assert text.count("by an operator (olive)") == 2 and "texted STOP" in text
    console.set_viewport_size({"width": 1400, "height": 900})
    console.screenshot(path=str(screenshots / "hoiio-consent-history.png"), full_page=True)
    assert not Message.objects.exists()  # an operator's change texts nobody


def test_a_viewer_is_offered_neither_action(viewer_console):
    app = HoiioAppFactory()
    Subscriber.objects.create(app=app, msisdn=A, status="active")
    viewer_console.goto(f"{viewer_console.base}/admin/subscribers/subscriber/")
    viewer_console.locator("#result_list").wait_for()
    assert viewer_console.locator("option[value=unsubscribe]").count() == 0
    assert viewer_console.locator("option[value=resubscribe]").count() == 0

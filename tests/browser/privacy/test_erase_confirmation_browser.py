"""Erasing a number from the console in a real browser: an Operator picks the
action, reads the confirmation page, chooses "every app" and confirms; a
Viewer is not offered the action (docs/screenshots/erase-confirmation.png
with HATID_SCREENSHOTS=1)."""

import pytest
from playwright.sync_api import expect

from subscribers.models import Subscriber
from telecom.models import AuditEvent, Charge, Message
from tests.support.factories import charge_row, inbound_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "+639171234567"
OTHER = "+639189876543"


def subscribers_of(app):
    erased = Subscriber.objects.create(app=app, msisdn=NUMBER, status="active")
    kept = Subscriber.objects.create(app=app, msisdn=OTHER, status="active")
    inbound_message(erased, text="Call me on 09171234567", platform_key="mo-1")
    inbound_message(kept, text="LOAD 50 please", platform_key="mo-2")
    return erased, kept


def test_an_operator_confirms_an_erasure_on_its_own_page(console, globe_app, screenshots):
    erased, kept = subscribers_of(globe_app)
    queued = charge_row(erased, "21581234000001")
    page = console
    page.goto(f"{page.base}/admin/subscribers/subscriber/")
    page.locator(f"input[name=_selected_action][value='{erased.pk}']").check()
    page.select_option("select[name=action]", "erase")
    page.click("button[name=index]")

    expect(page.locator("#question")).to_contain_text("Erase 1 number? This cannot be undone.")
    expect(page.locator("#erase-confirm")).to_contain_text("calls and faxes to the number stopped")
    expect(page.locator("#erased-subscribers")).to_contain_text(NUMBER)
    assert Subscriber.objects.get(pk=erased.pk).msisdn == NUMBER  # nothing done yet
    page.check("input[name=apps][value=all]")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.screenshot(path=str(screenshots / "erase-confirmation.png"), full_page=True)

    page.click("#confirm-erase")

    expect(page.locator(".messagelist")).to_contain_text("Erased 1 number(s) from every app")
    expect(page.locator(".messagelist")).to_contain_text(
        "1 queued charge, reward, webhook, call or fax stopped before it went out"
    )
    assert Charge.objects.get(pk=queued.pk).status == "cancelled"
    erased.refresh_from_db()
    assert erased.msisdn.startswith("erased:") and erased.status == "unsubscribed"
    assert Message.objects.get(subscriber=erased).text == ""
    assert Subscriber.objects.get(pk=kept.pk).msisdn == OTHER
    expect(page.locator("#result_list")).to_contain_text(erased.msisdn)
    expect(page.locator("#result_list")).not_to_contain_text(NUMBER)
    event = AuditEvent.objects.get(action="subscriber.erase")
    assert event.actor == "olive" and "9171234567" not in str(event.targets)


def test_a_viewer_is_not_offered_the_erasure(viewer_console, globe_app):
    subscribers_of(globe_app)
    page = viewer_console
    page.goto(f"{page.base}/admin/subscribers/subscriber/")
    expect(page.locator("#result_list")).to_be_visible()
    # A Viewer may run no action on the list: no action menu at all, so no erasure.
    expect(page.locator("select[name=action]")).to_have_count(0)
    expect(page.locator("option[value=erase]")).to_have_count(0)
    page.goto(f"{page.base}/admin/subscribers/subscriber/?q=0917")
    expect(page.locator("#result_list")).to_contain_text("+63917•••4567")

"""Scheduling a campaign in the console, in a real browser: an Operator picks
a time in Manila, confirms, reads "Scheduled for ..." on the campaign's page
and cancels it; a Viewer sees the schedule and no control. The page is
docs/screenshots/campaign-scheduled.png (HATID_SCREENSHOTS=1)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from subscribers.services.consent import subscriber_opt_in
from telecom.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MANILA = ZoneInfo("Asia/Manila")


def tomorrow_at_nine() -> datetime:
    today = timezone.now().astimezone(MANILA).date()
    return datetime.combine(today + timedelta(days=1), time(9), tzinfo=MANILA)


def test_an_operator_schedules_a_campaign_sees_when_and_cancels_it(
    console, globe_app, screenshots, settings
):
    settings.TIME_ZONE = "Asia/Manila"
    globe_app.name = "Kape Corner"
    globe_app.quiet_hours = True
    globe_app.save()
    for n in range(3):
        subscriber_opt_in(
            app=globe_app, msisdn=f"+63917000000{n}", token=f"token-0000000{n}", channel="sms"
        )
    at = tomorrow_at_nine()
    console.goto(f"{console.base}/admin/telecom/campaign/add/")
    console.select_option("select[name=app]", str(globe_app.pk))
    console.fill("input[name=name]", "Payday promo")
    console.fill(
        "textarea[name=text]", "Payday treat: 20% off any latte until noon. Reply STOP to opt out."
    )
    console.fill("input[name=send_at]", f"{at:%Y-%m-%dT%H:%M}")
    console.click("input[value=Preview]")
    starts = console.locator("#starts")
    starts.wait_for()
    when = f"{at:%a} {at.day} {at:%b}, 09:00 (Asia/Manila)"
    assert f"Starts {when}" in starts.inner_text()
    assert "quiet hours, 21:00 to 08:00 (Asia/Manila)" in starts.inner_text()
    console.click("input[value='Confirm and schedule']")
    waiting = console.locator("#waiting")
    waiting.wait_for()
    assert waiting.inner_text() == f"Scheduled for {when}"
    assert console.inner_text("#campaign-status") == "Scheduled"
    campaign = Campaign.objects.get()
    assert campaign.send_at == at  # stored in UTC, the same moment
    console.screenshot(path=str(screenshots / "campaign-scheduled.png"), full_page=True)

    console.click("#campaign-controls input[name=cancel]")
    console.get_by_text("Cancel: done.").wait_for()
    assert console.inner_text("#campaign-status") == "Cancelled"
    assert not console.locator("#waiting").is_visible()
    campaign.refresh_from_db()
    assert campaign.status == "cancelled"


def test_a_viewer_sees_the_schedule_and_cannot_cancel(viewer_console, globe_app, settings):
    settings.TIME_ZONE = "Asia/Manila"
    at = tomorrow_at_nine()
    campaign = Campaign.objects.create(
        app=globe_app, name="Payday promo", text="hi", status="scheduled", send_at=at
    )
    viewer_console.goto(f"{viewer_console.base}/admin/telecom/campaign/{campaign.pk}/change/")
    viewer_console.locator("#waiting").wait_for()
    assert viewer_console.inner_text("#waiting").startswith("Scheduled for ")
    assert viewer_console.locator("#campaign-controls").count() == 0
    campaign.refresh_from_db()
    assert campaign.status == "scheduled"

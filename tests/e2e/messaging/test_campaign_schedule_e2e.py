"""Scheduled campaigns and quiet hours end to end: a real worker, the Globe
Labs sandbox over HTTP. The clock's two beat tasks are called here when a
beat would (`start_due_campaigns`, `keep_quiet_hours`); everything else is
the worker's. Each handset gets its message once, quiet hours or not."""

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sandbox.client import wait_for
from telecom.models import Campaign, Message
from telecom.services import campaign_schedule, campaigns
from tests.e2e.messaging.test_messaging_e2e import granted

pytestmark = pytest.mark.e2e
MANILA = ZoneInfo("Asia/Manila")


def status_of(campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).status


def counts(campaign) -> Counter:
    return Counter(Message.objects.filter(campaign=campaign).values_list("status", flat=True))


def each_got_one(hatid, numbers, text):
    for number in numbers:
        inbox = [m["text"] for m in hatid.sandbox.inbox(number)]
        assert inbox.count(text) == 1, (number, inbox)
    deliveries = hatid.sandbox.deliveries("sms")
    assert len(deliveries) == len(numbers)
    assert all(d["duplicate_submissions"] == 0 for d in deliveries)


def test_a_scheduled_campaign_is_started_by_the_clock_and_delivered_once(hatid, celery_worker):
    hatid.app.sms_per_second = 10_000
    hatid.app.save()
    numbers = [f"+6391800{n:05d}" for n in range(5)]
    for number in numbers:
        granted(hatid, number)
    campaign = campaigns.create_campaign(
        app=hatid.app,
        name="Later",
        text="Doors open!",
        segment={},
        send_at=timezone.now() + timedelta(seconds=1),
    )
    assert status_of(campaign) == "scheduled"

    def started():  # the beat, every few seconds
        return campaign_schedule.start_due_campaigns()

    wait_for(started, timeout=10, interval=0.2, what="the clock to start it")
    wait_for(lambda: status_of(campaign) == "completed", timeout=60, what="completed")
    assert campaign_schedule.start_due_campaigns() == []
    each_got_one(hatid, numbers, "Doors open!")


def test_quiet_hours_pause_a_running_campaign_and_it_resumes_after_sending_nothing_twice(
    hatid, celery_worker
):
    hatid.app.sms_per_second = 4  # slow enough to be mid-campaign when quiet hours begin
    hatid.app.quiet_hours = False
    hatid.app.save()
    numbers = [f"+6391810{n:05d}" for n in range(24)]
    for number in numbers:
        granted(hatid, number)
    campaign = campaigns.create_campaign(app=hatid.app, name="Night", text="Night sale", segment={})
    wait_for(lambda: counts(campaign)["sent"] >= 3, timeout=60, what="a few sent")

    # Quiet hours begin (the app's window now holds the present moment).
    local = timezone.now().astimezone(MANILA)
    hatid.app.quiet_hours = True
    hatid.app.quiet_from = (local - timedelta(minutes=1)).time()
    hatid.app.quiet_until = (local + timedelta(hours=1)).time()
    hatid.app.save()
    campaign_schedule.keep_quiet_hours()  # the beat's tick

    def settled():  # nothing in flight: every message sent or held
        now = counts(campaign)
        return set(now) <= {"sent", "held"} and now

    during = wait_for(settled, timeout=30, what="the campaign to hold its messages")
    assert status_of(campaign) == "quiet"
    assert during["held"] > 0, "quiet hours began after the campaign had finished"
    assert len(hatid.sandbox.deliveries("sms")) == during["sent"]
    progress = campaigns.progress(Campaign.objects.get(pk=campaign.pk))
    assert progress["waiting"].startswith("Waiting for quiet hours to end at ")

    # Quiet hours end.
    hatid.app.quiet_hours = False
    hatid.app.save()
    assert campaign_schedule.keep_quiet_hours() == {"quieted": 0, "resumed": 1}
    wait_for(lambda: status_of(campaign) == "completed", timeout=60, what="completed")
    assert counts(campaign) == Counter({"sent": 24})
    each_got_one(hatid, numbers, "Night sale")

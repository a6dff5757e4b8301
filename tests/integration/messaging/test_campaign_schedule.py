"""Scheduled campaigns and quiet hours (`telecom.services.campaign_schedule`):
started by the clock once, cancelled while waiting, held in quiet hours and
released after, the senders' gate, and the words the console shows."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connections, transaction
from django.utils import timezone

from telecom import outbox
from telecom.errors import HeldBack, ServiceError
from telecom.models import Campaign, Message, OutboundCall
from telecom.services import campaign_schedule, campaigns
from telecom.services.message_delivery import MessageDelivery
from telecom.services.messaging import send_sms
from tests.support.concurrency import at_once

pytestmark = pytest.mark.django_db
MANILA = ZoneInfo("Asia/Manila")


def manila(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=MANILA)


@pytest.fixture
def audience(globe_app, subscribe):
    return [subscribe(f"+63917{n:07d}") for n in range(4)]


def night(app, on=True):
    """Quiet hours 21:00 to 08:00 (Manila)."""
    app.quiet_hours, app.quiet_from, app.quiet_until = on, time(21), time(8)
    app.save()
    return app


def quiet_now(app):
    """Quiet hours around the real clock's now (what a worker reads)."""
    local = timezone.now().astimezone(MANILA)
    app.quiet_hours = True
    app.quiet_from = (local - timedelta(hours=1)).time().replace(microsecond=0)
    app.quiet_until = (local + timedelta(hours=1)).time().replace(microsecond=0)
    app.save()
    return app


def running(app) -> Campaign:
    campaign = campaigns.create_campaign(app=app, name="c", text="hi", segment={})
    campaigns.build_campaign(campaign.pk)
    campaign.refresh_from_db()
    return campaign


def statuses(campaign) -> list[str]:
    return sorted(Message.objects.filter(campaign=campaign).values_list("status", flat=True))


# --- scheduling -----------------------------------------------------------------


def test_a_campaign_with_send_at_waits_scheduled_and_builds_nothing(globe_app, audience):
    send_at = timezone.now() + timedelta(hours=2)
    campaign = campaigns.create_campaign(
        app=globe_app, name="Later", text="hi", segment={}, send_at=send_at
    )
    assert (campaign.status, campaign.send_at) == (Campaign.Status.SCHEDULED, send_at)
    campaigns.build_campaign(campaign.pk)  # a stray build task does nothing
    assert not Message.objects.filter(campaign=campaign).exists()


def test_the_clock_starts_a_campaign_when_due_and_not_before(globe_app, audience):
    send_at = timezone.now() + timedelta(hours=2)
    campaign = campaigns.create_campaign(
        app=globe_app, name="c", text="hi", segment={}, send_at=send_at
    )
    assert campaign_schedule.start_due_campaigns(send_at - timedelta(seconds=1)) == []
    assert campaign_schedule.start_due_campaigns(send_at) == [campaign.pk]
    assert campaign_schedule.start_due_campaigns(send_at) == []  # once
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.BUILDING
    campaigns.build_campaign(campaign.pk)  # what the published task does
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING
    assert statuses(campaign) == ["queued"] * 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clocks_at_once_start_each_campaign_exactly_once(globe_app, audience):
    send_at = timezone.now() + timedelta(minutes=5)
    made = [
        campaigns.create_campaign(
            app=globe_app, name=f"c{n}", text="hi", segment={}, send_at=send_at
        ).pk
        for n in range(6)
    ]

    def tick():
        try:
            return campaign_schedule.start_due_campaigns(send_at)
        finally:
            connections.close_all()

    started = [pk for one in at_once(tick, 4) for pk in one]
    assert sorted(started) == sorted(made)  # each by one clock, none twice
    assert set(Campaign.objects.values_list("status", flat=True)) == {"building"}


def test_a_build_lost_after_the_start_is_published_again_by_the_watch(globe_app, audience):
    send_at = timezone.now() + timedelta(minutes=1)
    campaign = campaigns.create_campaign(
        app=globe_app, name="c", text="hi", segment={}, send_at=send_at
    )
    campaign_schedule.start_due_campaigns(send_at)
    # The clock's process died after its commit: the build was never published.
    Campaign.objects.filter(pk=campaign.pk).update(updated_at=timezone.now() - timedelta(minutes=3))
    assert campaigns.watch() == 1


@pytest.mark.parametrize(
    ("send_at", "said"),
    [
        (datetime(2030, 1, 1, 9, 0), "time zone offset"),  # naive
        (timezone.now() - timedelta(minutes=1), "in the past"),
        (timezone.now() + timedelta(days=400), "days ahead"),
    ],
)
def test_send_at_is_refused_naming_the_field(globe_app, send_at, said):
    with pytest.raises(ServiceError, match=said) as refused:
        campaigns.create_campaign(app=globe_app, name="c", text="hi", segment={}, send_at=send_at)
    assert refused.value.field == "send_at"
    assert not Campaign.objects.exists()


def test_a_scheduled_campaign_is_cancelled_and_never_starts(globe_app, audience):
    send_at = timezone.now() + timedelta(hours=1)
    campaign = campaigns.create_campaign(
        app=globe_app, name="c", text="hi", segment={}, send_at=send_at
    )
    campaigns.cancel_campaign(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED and campaign.finished_at
    assert campaign_schedule.start_due_campaigns(send_at + timedelta(hours=1)) == []


def test_waiting_says_when_a_scheduled_campaign_starts(globe_app, settings):
    settings.TIME_ZONE = "Asia/Manila"
    campaign = Campaign(app=globe_app, status="scheduled", send_at=manila(7, 9))
    said = campaign_schedule.waiting(campaign, now=manila(6, 12))
    assert said == "Scheduled for Mon 7 Dec, 09:00 (Asia/Manila)"
    next_year = campaign_schedule.waiting(campaign, now=manila(6, 12) - timedelta(days=400))
    assert next_year == "Scheduled for Mon 7 Dec 2026, 09:00 (Asia/Manila)"


# --- quiet hours ----------------------------------------------------------------


def test_the_clock_holds_a_running_campaign_in_quiet_hours_and_releases_it(
    globe_app, audience, settings
):
    settings.TIME_ZONE = "Asia/Manila"
    # Built before quiet hours are set: built inside them (the real clock at
    # night in Manila), it would start held and this test would read the clock.
    campaign = running(globe_app)
    assert campaign.status == Campaign.Status.RUNNING
    night(globe_app)
    assert campaign_schedule.keep_quiet_hours(manila(7, 20, 59)) == {"quieted": 0, "resumed": 0}
    assert campaign_schedule.keep_quiet_hours(manila(7, 21)) == {"quieted": 1, "resumed": 0}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUIET
    assert statuses(campaign) == ["held"] * 4
    assert outbox.claim(Message, Message.objects.filter(campaign=campaign).first().pk) is None
    assert campaign_schedule.waiting(campaign, now=manila(8, 2)) == (
        "Waiting for quiet hours to end at 08:00"
    )
    assert campaign_schedule.keep_quiet_hours(manila(8, 7, 59)) == {"quieted": 0, "resumed": 0}
    assert campaign_schedule.keep_quiet_hours(manila(8, 8)) == {"quieted": 0, "resumed": 1}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING
    assert statuses(campaign) == ["queued"] * 4


def test_an_app_with_quiet_hours_off_is_never_held(globe_app, audience):
    campaign = running(night(globe_app, on=False))
    assert campaign_schedule.keep_quiet_hours(manila(7, 23)) == {"quieted": 0, "resumed": 0}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING


def test_a_campaign_built_in_quiet_hours_waits_with_its_messages_held(globe_app, audience):
    campaign = running(quiet_now(globe_app))
    assert campaign.status == Campaign.Status.QUIET
    assert statuses(campaign) == ["held"] * 4


def test_an_operators_pause_outlasts_quiet_hours_and_resume_waits_for_them(globe_app, audience):
    campaign = running(quiet_now(globe_app))
    assert campaigns.pause_campaign(campaign)
    campaign_schedule.keep_quiet_hours(timezone.now() + timedelta(hours=2))  # quiet is over
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED  # the clock leaves a pause alone
    assert campaigns.resume_campaign(campaign)  # still quiet by the real clock
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUIET
    assert statuses(campaign) == ["held"] * 4


def test_the_sender_holds_back_campaign_rows_in_quiet_hours_before_any_request(globe_app, audience):
    campaign = running(globe_app)
    ids = list(Message.objects.filter(campaign=campaign).values_list("pk", flat=True))
    quiet_now(globe_app)  # quiet hours began before the clock's next tick
    MessageDelivery().run_many(ids)
    assert not OutboundCall.objects.exists()  # nothing left for the platform
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.QUIET  # held with its campaign
    rows = Message.objects.filter(campaign=campaign)
    assert [(m.status, m.attempts) for m in rows] == [("held", 0)] * 4


def test_quiet_hours_do_not_hold_a_single_send(globe_app, subscribe, sandbox):
    subscribe("+639170000009")
    quiet_now(globe_app)
    message = send_sms(app=globe_app, to="+639170000009", text="your code is 1234")
    MessageDelivery().run_many([message.pk])
    message.refresh_from_db()
    assert message.attempts == 1 and message.status != "held"
    assert OutboundCall.objects.count() == 1  # it went to the platform


def test_a_row_held_back_just_as_the_quiet_ended_goes_back_to_the_queue(globe_app, audience):
    campaign = running(globe_app)  # running, and the app not quiet now
    row = outbox.claim(Message, Message.objects.filter(campaign=campaign).first().pk)
    with transaction.atomic():
        MessageDelivery().on_held_back(row, HeldBack("quiet hours"))
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 0)
    assert row.next_attempt_at <= timezone.now()


def test_a_row_held_back_for_a_cancelled_campaign_is_cancelled(globe_app, audience):
    campaign = running(globe_app)
    row = outbox.claim(Message, Message.objects.filter(campaign=campaign).first().pk)
    campaigns.cancel_campaign(campaign)
    with transaction.atomic():
        MessageDelivery().on_held_back(row, HeldBack("paused"))
    row.refresh_from_db()
    assert row.status == "cancelled"

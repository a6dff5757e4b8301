"""Campaigns: segments, preview, batched building with constant queries,
idempotent rebuilds, pause, resume, cancel, progress."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subscribers.services.consent import subscriber_unsubscribe
from subscribers.services.tags import tag_subscribers
from telecom.errors import ServiceError
from telecom.models import Campaign, Message
from telecom.services import campaigns

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(globe_app, subscribe):
    subs = [subscribe(f"+63917{n:07d}") for n in range(12)]
    subscriber_unsubscribe(app=globe_app, msisdn=subs[0].msisdn, token=None)
    tag_subscribers(subscriber_ids=[s.pk for s in subs[:6]], tag_name="vip")
    return subs


def build(campaign):
    campaigns.build_campaign(campaign.pk)
    campaign.refresh_from_db()
    return campaign


def test_preview_counts_recipients_unreachable_and_parts(globe_app, audience):
    preview = campaigns.preview(globe_app, "x" * 200, {"tag": "vip"})
    assert preview["recipients"] == 5 and preview["unreachable"] == 1
    assert preview["parts"] == 2 and preview["total_parts"] == 10


def test_preview_of_numbers_counts_unknown_ones_as_unreachable(globe_app, audience):
    numbers = [audience[3].msisdn, "0917 000 0004", "09991234567"]
    preview = campaigns.preview(globe_app, "hi", {"numbers": numbers})
    assert (preview["recipients"], preview["unreachable"]) == (2, 1)


def test_segment_with_bad_numbers_is_refused_naming_them(globe_app):
    with pytest.raises(ServiceError, match="1 invalid number"):
        campaigns.create_campaign(
            app=globe_app, name="c", text="hi", segment={"numbers": ["09171234567", "12"]}
        )


def test_build_creates_one_message_per_reachable_subscriber_and_starts(globe_app, audience):
    campaign = build(
        campaigns.create_campaign(
            app=globe_app, name="Sale", text="Sale today", segment={"status": "active"}
        )
    )
    assert campaign.status == Campaign.Status.RUNNING
    assert (campaign.recipients, campaign.skipped) == (11, 0)
    messages = Message.objects.filter(campaign=campaign)
    assert messages.count() == 11
    assert len(set(messages.values_list("client_correlator", flat=True))) == 11


def test_build_twice_creates_nothing_twice(globe_app, audience):
    campaign = campaigns.create_campaign(app=globe_app, name="c", text="hi", segment={})
    campaigns.build_campaign(campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.BUILDING)
    campaigns.build_campaign(campaign.pk)  # at-least-once: the task ran again
    assert Message.objects.filter(campaign=campaign).count() == 11


@pytest.mark.postgres  # SQLite caps the variables per statement, so it splits bulk inserts
def test_build_uses_a_few_queries_per_thousand_recipients(globe_app, settings):
    from subscribers.models import AccessToken, Subscriber

    subs = Subscriber.objects.bulk_create(
        Subscriber(app=globe_app, msisdn=f"+63917{n:07d}", status="active") for n in range(2500)
    )
    AccessToken.objects.bulk_create(
        AccessToken(
            subscriber=s, token=f"tok-{s.pk}", digest=f"{s.pk:064d}", granted_at="2026-01-01T00:00Z"
        )
        for s in subs
    )
    campaign = campaigns.create_campaign(app=globe_app, name="big", text="hi", segment={})
    with CaptureQueriesContext(connection) as queries:
        campaigns.build_campaign(campaign.pk)
    assert Message.objects.filter(campaign=campaign).count() == 2500
    per_thousand = len(queries) / 2.5
    assert per_thousand < 12, "\n".join(q["sql"][:100] for q in queries.captured_queries)


def test_pause_resume_cancel(globe_app, audience):
    campaign = build(campaigns.create_campaign(app=globe_app, name="c", text="hi", segment={}))
    assert campaigns.pause_campaign(campaign)
    assert not campaigns.pause_campaign(campaign)  # already paused
    assert campaigns.resume_campaign(campaign)
    cancelled = campaigns.cancel_campaign(campaign)
    assert cancelled == 11
    progress = campaigns.progress(Campaign.objects.get(pk=campaign.pk))
    assert progress["status"] == "cancelled" and progress["cancelled"] == 11
    assert progress["percent"] == 100.0

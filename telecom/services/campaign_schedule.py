"""The campaigns' clock: scheduled starts and quiet hours.

- `start_due_campaigns` (beat, every CAMPAIGN_CLOCK_INTERVAL_SECONDS) moves
  the `scheduled` campaigns whose `send_at` has come to `building` and
  publishes their builds once that commits. Each is taken under
  `SELECT … FOR UPDATE SKIP LOCKED` and moved by a conditional UPDATE, so two
  clocks running at once start each campaign once; a build whose publish was
  lost (a crash after the commit) is published again by `watch`.
- `keep_quiet_hours` (beat, as often) puts a running campaign whose app has
  entered its quiet hours into `quiet` (its queued messages held, as a pause)
  and sends the held messages of a `quiet` one once they end.
- `CampaignHours`, mixed into the senders of campaign rows, is the gate for
  the minute between two ticks: a campaign row handed to a worker while its
  app is quiet (or its campaign paused) raises `HeldBack` before anything
  leaves, and `on_held_back` holds it with its campaign, under the
  campaign's row lock, so a clock ending the quiet at the same moment either
  sees the row held (and releases it) or runs first (and the row goes back
  to the queue). No message is sent twice: a held row was never attempted.
- `waiting` says why a campaign waits, for the console and the API.

Only campaigns keep quiet hours; keyword replies and partner API sends do not.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telecom import outbox
from telecom.errors import HeldBack
from telecom.models import Campaign
from telecom.quiet_hours import is_quiet
from telecom.services import campaigns

START_BATCH = 100
WAITING_ROWS = (Campaign.Status.PAUSED, Campaign.Status.QUIET)


def start_due_campaigns(now: datetime | None = None) -> list[int]:
    """Start the scheduled campaigns whose time has come; the ids this call started."""
    now = now or timezone.now()
    started = []
    with transaction.atomic():
        due = list(
            Campaign.objects.select_for_update(skip_locked=True)
            .filter(status=Campaign.Status.SCHEDULED, send_at__lte=now)
            .order_by("send_at")
            .values_list("pk", flat=True)[:START_BATCH]
        )
        for pk in due:
            moved = Campaign.objects.filter(pk=pk, status=Campaign.Status.SCHEDULED).update(
                status=Campaign.Status.BUILDING, updated_at=timezone.now()
            )
            if moved:
                started.append(pk)
                transaction.on_commit(lambda pk=pk: campaigns.publish_build(pk))
    return started


def keep_quiet_hours(now: datetime | None = None) -> dict[str, int]:
    """Hold running campaigns whose app is quiet at `now`; release quiet ones whose
    app no longer is. How many of each."""
    now = now or timezone.now()
    done = {"quieted": 0, "resumed": 0}
    watched = Campaign.objects.filter(
        status__in=[Campaign.Status.RUNNING, Campaign.Status.QUIET]
    ).select_related("app")
    for campaign in watched:
        quiet = is_quiet(campaign.app.quiet_window(), now)
        if campaign.status == Campaign.Status.RUNNING and quiet:
            done["quieted"] += campaigns.quiet_campaign(campaign)
        elif campaign.status == Campaign.Status.QUIET and not quiet:
            done["resumed"] += campaigns.end_quiet(campaign)
    return done


def moment(at: datetime, now: datetime) -> str:
    """`Mon 7 Dec, 09:00 (Asia/Manila)`, in the operator's zone (the year when not this one)."""
    local = timezone.localtime(at)
    year = "" if local.year == timezone.localtime(now).year else f" {local.year}"
    return f"{local:%a} {local.day} {local:%b}{year}, {local:%H:%M} ({settings.TIME_ZONE})"


def waiting(campaign: Campaign, now: datetime | None = None) -> str:
    """Why the campaign waits, in the operator's zone; "" when it does not."""
    now = now or timezone.now()
    if campaign.status == Campaign.Status.SCHEDULED and campaign.send_at:
        return f"Scheduled for {moment(campaign.send_at, now)}"
    if campaign.status == Campaign.Status.QUIET:
        hours = campaign.app.quiet_window()
        if hours is None or not hours.contains(now):
            return "Quiet hours are over: it goes on within a minute"
        ends = timezone.localtime(hours.ends_after(now))
        return f"Waiting for quiet hours to end at {ends:%H:%M}"
    return ""


def starts(app, send_at: datetime | None, now: datetime | None = None) -> str:
    """When a campaign about to be created starts, and its app's quiet hours."""
    now = now or timezone.now()
    when = f"Starts {moment(send_at, now)}" if send_at else "Starts as soon as you confirm"
    hours = app.quiet_window()
    if hours is None:
        return f"{when}."
    return f"{when}; nothing is sent in {app}'s quiet hours, {hours.describe()}."


class CampaignHours:
    """For a sender of campaign rows (with `campaign_id` and `app`): call
    `note_waiting(rows)` from `prepare` and `hold_back_if_waiting(row)` in
    `send` before anything leaves."""

    waiting_campaigns: frozenset[int] = frozenset()

    def note_waiting(self, rows: list) -> None:
        ids = {row.campaign_id for row in rows if row.campaign_id}
        self.waiting_campaigns = frozenset(
            Campaign.objects.filter(pk__in=ids, status__in=WAITING_ROWS).values_list(
                "pk", flat=True
            )
            if ids
            else ()
        )

    def hold_back_if_waiting(self, row) -> None:
        if row.campaign_id is None:
            return
        if row.campaign_id in self.waiting_campaigns:
            raise HeldBack("its campaign is paused or waiting for quiet hours to end")
        if is_quiet(row.app.quiet_window(), timezone.now()):
            raise HeldBack("quiet hours")

    def on_held_back(self, row, exc: HeldBack) -> None:
        # Inside the outcomes' transaction, the row still held by this attempt.
        campaign = (
            Campaign.objects.select_for_update(of=("self",))
            .select_related("app")
            .get(pk=row.campaign_id)
        )
        now = timezone.now()
        hours = campaign.app.quiet_window()
        quiet = is_quiet(hours, now)
        if campaign.status == Campaign.Status.CANCELLED:
            outbox.finish(row, "cancelled", last_error="campaign cancelled")
        elif campaign.status in WAITING_ROWS or (
            campaign.status == Campaign.Status.RUNNING and quiet
        ):
            # Held with the campaign's other unsent rows; released with them.
            outbox.put_back(row, "held", last_error="")
            if campaign.status == Campaign.Status.RUNNING:
                campaigns.quiet_campaign(campaign)
        else:
            # Running and no longer quiet (the clock ended the quiet since the
            # check): due now. Still building: due when the quiet ends, unless
            # the build ends in quiet hours and holds it first.
            due = hours.ends_after(now) if quiet else now
            if outbox.put_back(row, outbox.QUEUED, next_attempt_at=due, enqueued_at=due):
                outbox.enqueue_on_commit(type(row), [row.pk])

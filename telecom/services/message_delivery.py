"""How an outbound SMS is delivered (see `telecom.outbox_sender` for the bookkeeping).

The app's channel (`telecom.services.sms_channels`) sends it. Through Globe
Labs every attempt posts the row's own clientCorrelator, so a resend after a
lost answer (timeout, reset) or a killed worker is delivered once by the
platform: unknown outcomes are retried. Through Hoiio, which has no such
key, the message is sent once (`telecom.send_once`): a lost answer leaves it
`unknown` until Hoiio's history or delivery report settles it. Each send
first waits for its token of the app's rate limit, shared by all workers
(a chunk's tokens are reserved together, only MESSAGE_CHUNK_SECONDS ahead:
the rows beyond go back to the queue). A campaign's task of many ids is
sent in chunks of MESSAGE_CHUNK_SIZE, an API message's task in a chunk of
ten, filled with other due rows. A campaign's message is not
sent in its app's quiet hours nor while its campaign is paused
(`telecom.services.campaign_schedule.CampaignHours`): it is held back.
"""

import time
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from subscribers.services.consent import revoke_rejected_token
from telecom.errors import OutcomeUnknown
from telecom.models import Campaign, Message
from telecom.ratelimit import acquire_many
from telecom.send_once import SendOnceSender
from telecom.services.campaign_schedule import CampaignHours
from telecom.services.sms_channels import sms_channel


class MessageDelivery(CampaignHours, SendOnceSender):
    model = Message
    done_status = Message.Status.SENT
    unknown_status = Message.Status.UNKNOWN
    retry_statuses = (Message.Status.FAILED, Message.Status.CANCELLED)

    deadline_setting = "SMS_RETRY_DEADLINE_SECONDS"

    def prepare(self, rows: list[Message]) -> list[Message]:
        self.note_waiting(rows)
        # One round trip reserves the chunk's tokens of each app's rate limit,
        # only those usable soon (MESSAGE_CHUNK_SECONDS, inside the lease): a
        # large chunk of a slow app leaves the rest to the queue rather than
        # reserving tokens it would give back unused, or sending on for long
        # after its campaign was paused. A row in doubt sends nothing: no token.
        within = min(self.attempt_budget(), settings.MESSAGE_CHUNK_SECONDS)
        by_app = defaultdict(list)
        for row in rows:
            if not row.in_doubt:
                by_app[row.app_id].append(row)
        later = []
        for same_app in by_app.values():
            app = same_app[0].app
            start = time.monotonic()
            waits = acquire_many(f"sms:{app.pk}", app.sms_per_second, len(same_app), within=within)
            for row, wait in zip(same_app, waits, strict=False):
                row.send_not_before = start + wait
            later += same_app[len(waits) :]
        return later

    def send(self, row: Message):
        row.channel = sms_channel(row.app)
        # Before anything is marked as submitted: waiting here sends nothing.
        wait = row.send_not_before - time.monotonic()
        if wait > 0:  # a sleep of 0 still gives up the CPU, for milliseconds on a busy host
            time.sleep(wait)
        self.hold_back_if_waiting(row)  # after the wait: quiet hours may have begun
        if row.channel.has_idempotency_key:
            return row.channel.send(row)
        return super().send(row)  # submitted_at first: sent once

    def submit(self, row: Message):
        return row.channel.send(row)

    def record(self, row: Message, result) -> dict:
        return row.channel.record(row, result)

    def on_token_revoked(self, row: Message, exc) -> None:
        revoke_rejected_token(row.token_used, exc.reason)

    def on_outcome_unknown(self, row: Message, exc: OutcomeUnknown) -> None:
        if sms_channel(row.app).has_idempotency_key:
            # Resent with the same clientCorrelator: the platform delivers it once.
            self.retry_or_fail(row, str(exc))
        else:
            super().on_outcome_unknown(row, exc)

    def run_many(self, pks: list[int], chunk: int | None = None, *, fill: bool = False) -> list:
        if chunk is None:
            # A campaign's task of many ids: fewer, larger chunks (statements per
            # chunk are the same); an API message's one-id task: ten, filled.
            chunk = settings.MESSAGE_CHUNK_SIZE if len(pks) > 10 else 10
        return complete_campaigns_of(super().run_many(pks, chunk, fill=fill))


def complete_campaigns_of(rows: list) -> list:
    """After delivering `rows` (messages or bulks), complete their campaigns if
    nothing is left to send. Returns the rows."""
    for campaign_id in {row.campaign_id for row in rows if row.campaign_id}:
        complete_campaign_if_done(campaign_id)
    return rows


def complete_campaign_if_done(campaign_id: int) -> bool:
    pending = Message.objects.filter(
        campaign_id=campaign_id,
        status__in=[
            Message.Status.QUEUED,
            Message.Status.SENDING,
            Message.Status.HELD,
            Message.Status.BATCHED,
        ],
    ).exists()
    if pending:
        return False
    return bool(
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.RUNNING).update(
            status=Campaign.Status.COMPLETED, finished_at=timezone.now()
        )
    )

"""Campaigns: one text to a segment, built and sent in the background.

Building streams the segment's subscriber ids and bulk-inserts their messages
a batch at a time (constant memory, a few queries per thousand recipients);
it can run twice without duplicating anything (one message per campaign and
subscriber). Delivery publishes many message ids per task.

Who is reachable, and how the messages go out, is the app's SMS channel's
say (`telecom.services.sms_channels`): through Hoiio the messages are
created `batched`, grouped as they are built into bulk sends of at most
1,000 (`SmsBulk`, one request each), and the bulks are what is published,
paused, resumed and cancelled.

A campaign given a `send_at` is created `scheduled` and built only when the
clock starts it (`telecom.services.campaign_schedule`); one whose app is in
its quiet hours waits `quiet`, its unsent messages held as in a pause
(`quiet_campaign`, `end_quiet`), and the senders hold back any campaign
message they are handed then (`telecom.services.message_delivery`).

A campaign from a message template copies its text and defaults when it is
created (`Campaign.variables`); building reads each recipient's attributes
with their id and fills their own text (`telecom.services.message_templates`),
so the messages differ in text and parts; Hoiio's bulk sends then hold one
filled text each.
"""

from datetime import UTC, datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from subscribers.models import Subscriber
from telecom import outbox
from telecom.errors import ServiceError
from telecom.models import Campaign, Message, MessageTemplate, ProviderApp, SmsBulk
from telecom.models.message import new_client_correlator
from telecom.msisdn import InvalidMsisdn, normalize_msisdn
from telecom.quiet_hours import is_quiet
from telecom.send_once import new_tag
from telecom.services.message_templates import estimate, fill, plausible_fill
from telecom.services.message_templates import preview as preview_template
from telecom.services.messaging import validate_text
from telecom.services.sms_channels import sms_channel
from telecom.sms_length import measure

BUILD_CHUNK = 1000
MAX_NUMBERS = 200_000


def clean_segment(segment: dict) -> dict:
    """The segment with numbers in E.164; a ServiceError naming what is wrong."""
    if not isinstance(segment, dict):
        raise ServiceError("the segment must be an object", field="segment")
    unknown = set(segment) - {"status", "tag", "numbers"}
    if unknown:
        raise ServiceError(f"unknown segment keys: {', '.join(sorted(unknown))}", field="segment")
    clean: dict = {}
    if segment.get("status"):
        if segment["status"] not in Subscriber.Status.values:
            raise ServiceError("unknown subscriber status", field="segment.status")
        clean["status"] = segment["status"]
    if segment.get("tag"):
        clean["tag"] = str(segment["tag"])
    if segment.get("numbers") is not None:
        numbers = segment["numbers"]
        if not isinstance(numbers, list) or len(numbers) > MAX_NUMBERS:
            raise ServiceError(
                f"numbers must be a list of at most {MAX_NUMBERS}", field="segment.numbers"
            )
        normalized, bad = set(), []
        for raw in numbers:
            try:
                normalized.add(normalize_msisdn(raw))
            except InvalidMsisdn:
                bad.append(str(raw))
        if bad:
            shown = ", ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
            raise ServiceError(f"{len(bad)} invalid number(s): {shown}", field="segment.numbers")
        clean["numbers"] = sorted(normalized)
    return clean


def clean_send_at(send_at: datetime | None, now: datetime) -> datetime | None:
    """`send_at` checked: aware, in the future, within CAMPAIGN_SCHEDULE_MAX_DAYS.
    A time already past is refused rather than started at once: a client that
    meant "later" should hear that it is too late."""
    if send_at is None:
        return None
    if not isinstance(send_at, datetime) or timezone.is_naive(send_at):
        raise ServiceError("send_at needs a time zone offset (e.g. +08:00)", field="send_at")
    if send_at <= now:
        raise ServiceError("send_at is in the past; leave it out to start now", field="send_at")
    if send_at > now + timedelta(days=settings.CAMPAIGN_SCHEDULE_MAX_DAYS):
        raise ServiceError(
            f"send_at is more than {settings.CAMPAIGN_SCHEDULE_MAX_DAYS} days ahead",
            field="send_at",
        )
    return send_at


def segment_queryset(app: ProviderApp, segment: dict):
    """Subscribers of the segment (everyone of the app when it says nothing)."""
    queryset = Subscriber.objects.filter(app=app)
    if segment.get("status"):
        queryset = queryset.filter(status=segment["status"])
    if segment.get("tag"):
        queryset = queryset.filter(tags__name=segment["tag"])
    if "numbers" in segment:
        queryset = queryset.filter(msisdn__in=segment["numbers"])
    return queryset


def audience(app: ProviderApp, segment: dict) -> int:
    """How many the segment names: its numbers, or its subscribers."""
    if "numbers" in segment:
        return len(segment["numbers"])
    return segment_queryset(app, segment).count()


def reachable(app: ProviderApp, queryset):
    return sms_channel(app).reachable(queryset)


def preview(
    app: ProviderApp, text: str, segment: dict, template: MessageTemplate | None = None
) -> dict:
    """What a campaign would send: recipients and billed parts, before confirming.
    From a template, the parts are the most a filled text may take (the longest
    plausible values) and `sample` is the text its first recipient would get."""
    segment = clean_segment(segment)
    text, defaults = _written(app, text, template)
    length = estimate(text or "", defaults)
    queryset = reachable(app, segment_queryset(app, segment))
    recipients = queryset.count()
    answer = {
        "recipients": recipients,
        "unreachable": audience(app, segment) - recipients,
        **length.as_dict(),
        "total_parts": recipients * length.parts,
    }
    if template is not None:
        first = queryset.order_by("pk").first()
        answer["sample"] = preview_template(template, first)
    return answer


def _written(app: ProviderApp, text: str, template: MessageTemplate | None):
    """The campaign's text and, from a template, its variables' defaults (None
    when the text goes out as written)."""
    if template is None:
        return text, None
    if template.app_id != app.pk:
        raise ServiceError(f"the template {template} belongs to another app", field="template")
    if text:
        raise ServiceError("give a text or a template, not both", field="template")
    return template.text, dict(template.defaults)


@transaction.atomic
def create_campaign(
    *,
    app: ProviderApp,
    name: str,
    text: str = "",
    segment: dict,
    template: MessageTemplate | None = None,
    created_by=None,
    partner=None,
    send_at: datetime | None = None,
) -> Campaign:
    """A campaign of `text`, or of `template` filled for each recipient (its text
    and defaults kept as they are now: editing the template later changes
    nothing); built at once, or `scheduled` when it has a `send_at`."""
    text, defaults = _written(app, text, template)
    try:
        validate_text(text if defaults is None else plausible_fill(text, defaults))
    except ServiceError as exc:
        if defaults is None:
            raise
        raise ServiceError(f"filled at its longest, {exc}", field="template") from None
    sms_channel(app)
    if not name or not name.strip():
        raise ServiceError("a campaign needs a name", field="name")
    segment = clean_segment(segment)
    send_at = clean_send_at(send_at, timezone.now())
    campaign = Campaign.objects.create(
        status=Campaign.Status.SCHEDULED if send_at else Campaign.Status.BUILDING,
        send_at=send_at,
        app=app,
        name=name.strip()[:100],
        text=text,
        template=template,
        variables=defaults,
        segment=segment,
        parts_per_message=estimate(text, defaults).parts,
        created_by=created_by,
        partner=partner,
    )
    if not send_at:
        transaction.on_commit(lambda: publish_build(campaign.pk))
    return campaign


def publish_build(campaign_id: int) -> None:
    _publish("telecom.tasks.build_campaign", campaign_id)


def _publish(task: str, campaign_id: int) -> None:
    current_app.send_task(task, args=[campaign_id])


def build_campaign(campaign_id: int) -> int:
    """Create the campaign's messages in batches, then start sending. Idempotent."""
    campaign = Campaign.objects.select_related("app").get(pk=campaign_id)
    if campaign.status != Campaign.Status.BUILDING:
        return 0
    everyone = segment_queryset(campaign.app, campaign.segment)
    length = measure(campaign.text)
    created = 0
    columns = ("pk", "msisdn", "attributes") if campaign.personalized else ("pk", "msisdn")
    ids = reachable(campaign.app, everyone).order_by("pk").values_list(*columns).distinct()
    chunk: list[tuple] = []
    for row in ids.iterator(chunk_size=BUILD_CHUNK):
        chunk.append(row)
        if len(chunk) == BUILD_CHUNK:
            created += _insert(campaign, chunk, length)
            chunk = []
    if chunk:
        created += _insert(campaign, chunk, length)
    total = Message.objects.filter(campaign=campaign).count()
    skipped = max(0, audience(campaign.app, campaign.segment) - total)
    Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.BUILDING).update(
        status=Campaign.Status.RUNNING,
        recipients=total,
        skipped=skipped,
        started_at=timezone.now(),
    )
    if is_quiet(campaign.app.quiet_window(), timezone.now()):
        quiet_campaign(campaign)  # built in quiet hours: held until they end
    else:
        dispatch_campaign(campaign.pk)
    return created


def _texts(campaign: Campaign, rows, length):
    """Each row's subscriber id, number, text and length: the campaign's text,
    or its template filled with the row's attributes."""
    if not campaign.personalized:
        for pk, msisdn in rows:
            yield pk, msisdn, campaign.text, length
        return
    for pk, msisdn, attributes in rows:
        text = fill(campaign.text, campaign.variables, number=msisdn, attributes=attributes)
        yield pk, msisdn, text, measure(text)


def _insert(campaign: Campaign, rows, length) -> int:
    now = timezone.now()
    bulk_limit = sms_channel(campaign.app).bulk_limit
    messages = [
        Message(
            app_id=campaign.app_id,
            subscriber_id=pk,
            msisdn=msisdn,
            direction=Message.Direction.OUT,
            status=Message.Status.BATCHED if bulk_limit else Message.Status.QUEUED,
            source=Message.Source.CAMPAIGN,
            text=text,
            encoding=size.encoding,
            parts=size.parts,
            client_correlator=new_client_correlator(),
            campaign=campaign,
            partner=campaign.partner,
            created_at=now,
            next_attempt_at=now,
            enqueued_at=now,
        )
        for pk, msisdn, text, size in _texts(campaign, rows, length)
    ]
    with transaction.atomic():
        Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=BUILD_CHUNK)
        if bulk_limit:
            _batch(campaign, bulk_limit)
        Campaign.objects.filter(pk=campaign.pk).update(updated_at=now)
    return len(messages)


def _batch(campaign: Campaign, limit: int) -> None:
    """Group the campaign's messages not yet in a bulk send into bulks of `limit`,
    each of one text (a bulk send carries one: a template's filled texts that
    differ go in different bulks)."""
    unbatched = Message.objects.filter(
        campaign=campaign, status=Message.Status.BATCHED, bulk__isnull=True
    )
    while True:
        text = unbatched.order_by("pk").values_list("text", flat=True).first()
        if text is None:
            return
        ids = list(unbatched.filter(text=text).order_by("pk").values_list("pk", flat=True)[:limit])
        bulk = SmsBulk.objects.create(
            app_id=campaign.app_id,
            campaign=campaign,
            text=text,
            size=len(ids),
            tag=new_tag("b"),
        )
        Message.objects.filter(pk__in=ids).update(bulk=bulk)


def dispatch_campaign(campaign_id: int) -> int:
    """Publish delivery tasks for every queued message (or bulk send) of the campaign."""
    bulks = list(
        SmsBulk.objects.filter(campaign_id=campaign_id, status=SmsBulk.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if bulks:
        SmsBulk.objects.filter(pk__in=bulks).update(enqueued_at=timezone.now())
        for pk in bulks:
            outbox.publish(SmsBulk, [pk])
    size = settings.MESSAGE_BATCH_SIZE
    queued = (
        Message.objects.filter(campaign_id=campaign_id, status=Message.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batch, published = [], 0
    for pk in queued.iterator(chunk_size=size * 10):
        batch.append(pk)
        if len(batch) == size:
            outbox.publish(Message, batch)
            published += len(batch)
            batch = []
    if batch:
        outbox.publish(Message, batch)
        published += len(batch)
    Message.objects.filter(campaign_id=campaign_id, status=Message.Status.QUEUED).update(
        enqueued_at=timezone.now()
    )
    return published + len(bulks)


def _switch(campaign: Campaign, was: str, now: str, *, sends: tuple[str, str], **also) -> bool:
    """Move the campaign from `was` to `now` (False when it was not `was`), and its
    messages and bulk sends from `sends[0]` to `sends[1]` (with `also` set on them)."""
    moved = Campaign.objects.filter(pk=campaign.pk, status=was).update(status=now)
    if moved:
        before, after = sends
        for model in (Message, SmsBulk):
            model.objects.filter(campaign=campaign, status=before).update(status=after, **also)
    return bool(moved)


HOLD = (Message.Status.QUEUED, Message.Status.HELD)  # the same two states on SmsBulk


@transaction.atomic
def pause_campaign(campaign: Campaign) -> bool:
    """Hold the queued messages and bulk sends; those already being sent finish.
    A campaign waiting for quiet hours to end is paused too (an operator's pause
    outlasts them)."""
    for was in (Campaign.Status.RUNNING, Campaign.Status.QUIET):
        if _switch(campaign, was, Campaign.Status.PAUSED, sends=HOLD):
            return True
    return False


@transaction.atomic
def quiet_campaign(campaign: Campaign) -> bool:
    """Quiet hours began: hold a running campaign's queued messages, as a pause."""
    return _switch(campaign, Campaign.Status.RUNNING, Campaign.Status.QUIET, sends=HOLD)


@transaction.atomic
def end_quiet(campaign: Campaign) -> bool:
    """Quiet hours ended: send the held messages again."""
    return _release(campaign, Campaign.Status.QUIET)


@transaction.atomic
def resume_campaign(campaign: Campaign) -> bool:
    """Send the held messages again; in the app's quiet hours, wait for them to end."""
    app = ProviderApp.objects.get(pk=campaign.app_id)
    if is_quiet(app.quiet_window(), timezone.now()):
        return _switch(campaign, Campaign.Status.PAUSED, Campaign.Status.QUIET, sends=HOLD)
    return _release(campaign, Campaign.Status.PAUSED)


def _release(campaign: Campaign, was: str) -> bool:
    now = timezone.now()
    resumed = _switch(
        campaign,
        was,
        Campaign.Status.RUNNING,
        sends=(Message.Status.HELD, Message.Status.QUEUED),
        # Retry deadlines count from here, not from before the wait.
        next_attempt_at=now,
        retry_from=now,
    )
    if resumed:
        transaction.on_commit(lambda: dispatch_campaign(campaign.pk))
    return resumed


@transaction.atomic
def cancel_campaign(campaign: Campaign) -> int:
    updated = Campaign.objects.filter(
        pk=campaign.pk,
        status__in=[
            Campaign.Status.SCHEDULED,
            Campaign.Status.BUILDING,
            Campaign.Status.RUNNING,
            Campaign.Status.PAUSED,
            Campaign.Status.QUIET,
        ],
    ).update(status=Campaign.Status.CANCELLED, finished_at=timezone.now())
    if not updated:
        return 0
    SmsBulk.objects.filter(
        campaign=campaign, status__in=[SmsBulk.Status.QUEUED, SmsBulk.Status.HELD]
    ).update(status=SmsBulk.Status.CANCELLED, finished_at=timezone.now())
    unsent = Q(status__in=[Message.Status.QUEUED, Message.Status.HELD]) | Q(
        status=Message.Status.BATCHED, bulk__status=SmsBulk.Status.CANCELLED
    )
    return Message.objects.filter(unsent, campaign=campaign).update(
        status=Message.Status.CANCELLED,
        last_error="campaign cancelled",
        finished_at=timezone.now(),
    )


def progress(campaign: Campaign) -> dict:
    from telecom.services.campaign_schedule import waiting

    counts = dict(
        Message.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("pk"))
    )
    window = 10
    since = timezone.now() - timedelta(seconds=window)
    recent = Message.objects.filter(
        campaign=campaign, status=Message.Status.SENT, finished_at__gte=since
    ).count()
    total = campaign.recipients or sum(counts.values())
    done = sum(counts.get(s, 0) for s in ("sent", "failed", "cancelled"))
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "send_at": campaign.send_at and campaign.send_at.astimezone(UTC),
        "waiting": waiting(campaign),
        "recipients": total,
        "skipped": campaign.skipped,
        "queued": sum(counts.get(s, 0) for s in ("queued", "sending", "held", "batched")),
        "unknown": counts.get("unknown", 0),
        "sent": counts.get("sent", 0),
        "failed": counts.get("failed", 0),
        "cancelled": counts.get("cancelled", 0),
        "percent": round(100 * done / total, 1) if total else 0.0,
        "per_second": round(recent / window, 1),
        "total_parts": total * campaign.parts_per_message,
    }


def watch() -> int:
    """Restart builds whose task was lost, and complete campaigns with nothing
    left to send (beat runs this every minute)."""
    from telecom.services.message_delivery import complete_campaign_if_done

    stale = timezone.now() - timedelta(minutes=2)
    restarted = 0
    for pk in Campaign.objects.filter(
        status=Campaign.Status.BUILDING, updated_at__lt=stale
    ).values_list("pk", flat=True):
        Campaign.objects.filter(pk=pk).update(updated_at=timezone.now())
        _publish("telecom.tasks.build_campaign", pk)
        restarted += 1
    for pk in Campaign.objects.filter(status=Campaign.Status.RUNNING).values_list("pk", flat=True):
        complete_campaign_if_done(pk)
    return restarted

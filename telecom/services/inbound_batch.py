"""A lane's batch of inbound SMS callbacks (`telecom.callbacks.lanes`).

Before the batch's events are handled, the rows every message needs are
fetched or made in bulk (`prepare_inbound_batch`): the senders' subscribers
in one SELECT (and, for senders not seen before, one `INSERT ... ON CONFLICT
DO NOTHING` and one SELECT more); each app's active keyword rules and
webhook partners come from the lane worker's cache of app configuration
(`telecom.callbacks.app_cache.app_config`: read again only after one of them
changed). The result rides on each event (`event.prepared`, with its parsed
messages in `event.inbound_sms`); a handler called without it (a re-run)
looks them up itself.

Plain messages (one SMS, not a part of a multipart one) are then stored
together (`receive_plain`): the keys already stored in one SELECT, the new
messages in one INSERT, each handled (`services.inbound.handle`) in the order
it came. Everything else goes through `services.inbound.receive_sms`, one
event at a time.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from subscribers.models import Subscriber
from telecom.callbacks.app_cache import app_config
from telecom.errors import RejectedPayload
from telecom.globe.inbound.sms import parse_inbound
from telecom.inbound_events import InboundSms
from telecom.models import KeywordRule, Message, Partner
from telecom.services.inbound import handle, new_message


@dataclass
class PreparedBatch:
    subscribers: dict[tuple[int, str], Subscriber] = field(default_factory=dict)
    rules: dict[int, list[KeywordRule]] = field(default_factory=dict)
    partners: dict[int, list[Partner]] = field(default_factory=dict)

    def subscriber(self, app, msisdn: str) -> Subscriber | None:
        return self.subscribers.get((app.pk, msisdn))


def parsed_sms(event) -> list[InboundSms]:
    """The event's messages: as the batch's preparation read them, or read now."""
    messages = getattr(event, "inbound_sms", None)
    if messages is None:
        try:
            data = event.json()
        except ValueError:
            raise RejectedPayload("the body is not JSON", {"body": ["expected JSON"]}) from None
        messages = event.inbound_sms = parse_inbound(data, event.app.shortcode)
    return messages


def prepare_inbound_batch(events) -> PreparedBatch:
    """Make the batch's subscribers and read its apps' rules and partners;
    `event.prepared` (and `event.inbound_sms`, its messages) is set on each event."""
    senders: set[tuple[int, str]] = set()
    for event in events:
        if event.method != "POST":
            continue
        try:
            messages = parsed_sms(event)
        except RejectedPayload:
            continue  # its handler rejects it
        senders.update((event.app_id, sms.sender) for sms in messages)
    prepared = PreparedBatch()
    if senders:
        found = _subscribers(senders)
        if len(found) < len(senders):
            Subscriber.objects.bulk_create(
                [
                    Subscriber(app_id=app_id, msisdn=msisdn)
                    for app_id, msisdn in sorted(senders - found.keys())
                ],
                ignore_conflicts=True,
            )
            found = _subscribers(senders)
        prepared.subscribers = found
        for app_id in {app_id for app_id, _ in senders}:
            rules, partners = app_config(app_id, "inbound", lambda app_id=app_id: _handling(app_id))
            prepared.rules[app_id], prepared.partners[app_id] = rules, partners
    for event in events:
        event.prepared = prepared
    return prepared


def _handling(app_id: int) -> tuple[list[KeywordRule], list[Partner]]:
    """The app's active keyword rules, the first to try first (the lowest
    position, then the oldest), and its webhook partners."""
    rules = list(
        KeywordRule.objects.filter(app_id=app_id, is_active=True)
        .select_related("tag", "reply_template", "webhook_partner")
        .order_by("position", "pk")
    )
    partners = list(Partner.objects.filter(apps=app_id).exclude(webhook_url="").order_by("pk"))
    return rules, partners


def _subscribers(senders: set[tuple[int, str]]) -> dict[tuple[int, str], Subscriber]:
    app_ids = {app_id for app_id, _ in senders}
    numbers = {msisdn for _, msisdn in senders}
    found = Subscriber.objects.filter(app_id__in=app_ids, msisdn__in=numbers)
    return {(s.app_id, s.msisdn): s for s in found if (s.app_id, s.msisdn) in senders}


def plain_sms(event) -> InboundSms | None:
    """The event's message if it can be stored with others: one SMS, whole."""
    if event.method != "POST":
        return None
    messages = parsed_sms(event)
    if len(messages) != 1 or messages[0].multipart_ref is not None:
        return None
    return messages[0]


def receive_plain(events) -> list[str]:
    """Store and handle the plain messages of these events (`plain_sms`), in
    their order, each once; a note for each event."""
    items = [(event, plain_sms(event)) for event in events]
    stored = _stored_keys(items)
    notes: list[str | None] = []
    new: list[tuple[Message, object]] = []
    for event, sms in items:
        key = (event.app_id, sms.platform_key)
        if key in stored:
            notes.append(f"duplicate of {sms.platform_key}")
            continue
        stored.add(key)
        prepared = getattr(event, "prepared", None)
        subscriber = prepared.subscriber(event.app, sms.sender) if prepared else None
        if subscriber is None:
            subscriber, _ = Subscriber.objects.get_or_create(app=event.app, msisdn=sms.sender)
        message = new_message(
            event.app,
            subscriber,
            key=sms.platform_key,
            text=sms.text,
            sent_at=sms.sent_at,
            event=event,
        )
        new.append((message, event))
        notes.append(None)
    # Not `ignore_conflicts`: the new messages' ids are needed (keyword rules,
    # webhooks). A key stored meanwhile by another transaction fails the
    # INSERT, and the lane worker handles these events one by one instead.
    Message.objects.bulk_create([message for message, _ in new])
    handled = iter(new)
    return [note if note is not None else handle(*next(handled)) for note in notes]


def _stored_keys(items) -> set[tuple[int, str]]:
    by_app: dict[int, set[str]] = {}
    for event, sms in items:
        by_app.setdefault(event.app_id, set()).add(sms.platform_key)
    wanted = Q()
    for app_id, keys in by_app.items():
        wanted |= Q(app_id=app_id, platform_key__in=keys)
    return set(
        Message.objects.filter(wanted, direction=Message.Direction.IN).values_list(
            "app_id", "platform_key"
        )
    )

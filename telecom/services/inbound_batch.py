"""Preparing a lane's batch of inbound SMS callbacks (`telecom.callbacks.lanes`).

Before the batch's events are handled one by one (`services.inbound`), the
rows every message of the batch needs are fetched or made in bulk: the
senders' subscribers in one `INSERT ... ON CONFLICT DO NOTHING` and one
SELECT, each app's active keyword rules and webhook partners once. The result
rides on each event (`event.prepared`), so nothing outlives the batch's
transaction and a handler called without it (a re-run) looks them up itself.
"""

from dataclasses import dataclass, field

from subscribers.models import Subscriber
from telecom.errors import RejectedPayload
from telecom.globe.inbound.sms import parse_inbound
from telecom.models import KeywordRule, Partner


@dataclass
class PreparedBatch:
    subscribers: dict[tuple[int, str], Subscriber] = field(default_factory=dict)
    rules: dict[int, list[KeywordRule]] = field(default_factory=dict)
    partners: dict[int, list[Partner]] = field(default_factory=dict)

    def subscriber(self, app, msisdn: str) -> Subscriber | None:
        return self.subscribers.get((app.pk, msisdn))


def prepare_inbound_batch(events) -> PreparedBatch:
    """Make the batch's subscribers and read its apps' rules and partners;
    `event.prepared` is set on each event."""
    senders: set[tuple[int, str]] = set()
    for event in events:
        if event.method != "POST":
            continue
        try:
            messages = parse_inbound(event.json(), event.app.shortcode)
        except (ValueError, RejectedPayload):
            continue  # its handler rejects it
        senders.update((event.app_id, sms.sender) for sms in messages)
    prepared = PreparedBatch()
    if senders:
        Subscriber.objects.bulk_create(
            [Subscriber(app_id=app_id, msisdn=msisdn) for app_id, msisdn in sorted(senders)],
            ignore_conflicts=True,
        )
        app_ids = {app_id for app_id, _ in senders}
        numbers = {msisdn for _, msisdn in senders}
        for subscriber in Subscriber.objects.filter(app_id__in=app_ids, msisdn__in=numbers):
            prepared.subscribers[(subscriber.app_id, subscriber.msisdn)] = subscriber
        for app_id in app_ids:
            prepared.rules[app_id] = list(
                KeywordRule.objects.filter(app_id=app_id, is_active=True).select_related(
                    "tag", "reply_template"
                )
            )
            prepared.partners[app_id] = list(
                Partner.objects.filter(apps=app_id).exclude(webhook_url="")
            )
    for event in events:
        event.prepared = prepared
    return prepared

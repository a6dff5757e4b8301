"""Partner webhooks: inbound messages posted to the partners of the app,
signed so partners can trust them (see `telecom.partner_webhooks` for the
wire format)."""

import secrets

from django.core.exceptions import ValidationError

from telecom.errors import ServiceError
from telecom.models import Message, Partner, WebhookDelivery
from telecom.outbox_sender import OutboxSender
from telecom.partner_webhooks import PartnerWebhookClient, message_body, payload
from telecom.services.queueing import queue_once


def queue_webhook(
    partner: Partner, *, event: str, dedupe_key: str, body: dict, message: Message | None = None
) -> WebhookDelivery | None:
    """Queue one event for the partner's webhook, once per event and key."""
    if not partner.webhook_url:
        return None
    # None: already queued for this partner.
    return queue_once(
        WebhookDelivery,
        partner=partner,
        event=event,
        dedupe_key=dedupe_key[:64],
        body=body,
        message=message,
    )


def queue_message_webhook(partner: Partner, message: Message) -> WebhookDelivery | None:
    return queue_webhook(
        partner,
        event="message.received",
        dedupe_key=f"message:{message.pk}",
        body=message_body(message),
        message=message,
    )


def notify_partners(message: Message, partners: list[Partner] | None = None) -> int:
    """A webhook to each of the app's partners (`partners`, when the caller read them)."""
    if partners is None:
        partners = Partner.objects.filter(apps=message.app).exclude(webhook_url="")
    return sum(1 for partner in partners if queue_message_webhook(partner, message))


def set_webhook_url(partner: Partner, *, url: str) -> str | None:
    """Point the partner's webhooks at `url` (blank: no webhooks), if the
    outbound-URL policy allows it (the field's validators are the policy).
    Returns a new signing secret, to be shown once, when the partner had none."""
    url = url.strip()
    try:
        url = Partner._meta.get_field("webhook_url").clean(url, partner)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field="webhook_url") from None
    partner.webhook_url = url
    partner.save(update_fields=["webhook_url"])
    if url and not partner.webhook_secret:
        return rotate_webhook_secret(partner)
    return None


def rotate_webhook_secret(partner: Partner) -> str:
    """A new signing secret for the partner; returned once, to be shown once."""
    secret = "whsec_" + secrets.token_urlsafe(32)
    partner.webhook_secret = secret
    partner.save(update_fields=["webhook_secret"])
    return secret


class WebhookDeliveryRunner(OutboxSender):
    """Partners deduplicate by `delivery_id`, so a lost answer is posted again."""

    model = WebhookDelivery
    done_status = WebhookDelivery.Status.DELIVERED

    deadline_setting = "WEBHOOK_RETRY_DEADLINE_SECONDS"

    def send(self, row: WebhookDelivery):
        partner = row.partner
        if not partner.webhook_url or not partner.webhook_secret:
            raise ServiceError("the partner has no webhook URL and secret any more")
        return PartnerWebhookClient().post(
            partner.webhook_url, partner.webhook_secret.reveal(), payload(row), subject=row
        )

    def record(self, row, response) -> dict:
        return {"response_status": response.status}

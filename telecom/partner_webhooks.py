"""The wire format of Hatid's webhooks to partners, and their client.

    POST <partner's webhook URL>
    Content-Type: application/json
    X-Hatid-Timestamp: 1700000000
    X-Hatid-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the partner's secret>

A partner recomputes the HMAC over the timestamp, a dot and the raw body,
compares in constant time, and rejects timestamps older than a few minutes.
`delivery_id` is the same on every retry, for the partner to deduplicate.
"""

import hashlib
import hmac
import json
import time

from telecom.errors import PermanentError, RateLimited, TransientError
from telecom.http import ProviderClient, ProviderResponse


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def message_body(message) -> dict:
    return {
        "message": {
            "id": message.pk,
            "app": message.app_id,
            "from": message.msisdn,
            "to": message.app.shortcode,
            "text": message.text,
            "incomplete": message.incomplete,
            "keyword_rule": message.keyword_rule_id,
            "received_at": message.created_at.isoformat(),
        }
    }


def payload(delivery) -> dict:
    return {"event": delivery.event, "delivery_id": delivery.pk, **delivery.body}


class PartnerWebhookClient(ProviderClient):
    provider = "partner"
    success_statuses = tuple(range(200, 300))
    # A partner's URL: the outbound-URL policy applies (telecom.outbound_urls).
    guard_urls = True

    def post(self, url: str, secret: str, body: dict, *, subject=None) -> ProviderResponse:
        raw = json.dumps(body, separators=(",", ":")).encode()
        timestamp = int(time.time())
        return self.call(
            "webhook",
            "POST",
            url,
            data=raw,
            headers={
                "Content-Type": "application/json",
                "X-Hatid-Timestamp": str(timestamp),
                "X-Hatid-Signature": signature(secret, timestamp, raw),
            },
            subject=subject,
        )

    def classify_error(self, response: ProviderResponse, operation: str):
        kwargs = {"provider": self.provider, "status": response.status, "body": response.text}
        if response.status == 429:
            return RateLimited("the partner asked to slow down", **kwargs)
        if response.status >= 500 or response.status in (408, 409, 425):
            return TransientError(f"the partner answered {response.status}", **kwargs)
        return PermanentError(f"the partner refused it ({response.status})", **kwargs)

"""Globe's rewards callback URI (API docs: "Load API"): the final status of a
reward, read into a `RewardReport`.

    {"outboundRewardRequest": {"status", "promo", "timestamp",
      "transaction_id", "address"}}
"""

import contextlib

from telecom.callbacks.registry import json_body
from telecom.dates import parse_globe_datetime
from telecom.errors import RejectedPayload
from telecom.inbound_events import RewardReport
from telecom.msisdn import try_normalize


def parse_reward_report(event) -> RewardReport:
    data = json_body(event)
    inner = data.get("outboundRewardRequest") if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        raise RejectedPayload(
            'expected {"outboundRewardRequest": {...}}',
            {"outboundRewardRequest": ["This field is required."]},
        )
    status = inner.get("status")
    if not isinstance(status, str) or not status.strip():
        raise RejectedPayload(
            "status is required", {"outboundRewardRequest.status": ["This field is required."]}
        )
    transaction_id = inner.get("transaction_id")
    if transaction_id is not None and not isinstance(transaction_id, (int, str)):
        raise RejectedPayload(
            "transaction_id must be a number",
            {"outboundRewardRequest.transaction_id": ["must be a number"]},
        )
    at = event.received_at  # close enough to match by, when the timestamp is unreadable
    if isinstance(inner.get("timestamp"), str):
        with contextlib.suppress(ValueError):
            at = parse_globe_datetime(inner["timestamp"])
    return RewardReport(
        transaction_id=str(transaction_id) if transaction_id is not None else "",
        status=status,
        msisdn=try_normalize(inner.get("address")),
        promo=inner.get("promo") if isinstance(inner.get("promo"), str) else None,
        at=at,
    )

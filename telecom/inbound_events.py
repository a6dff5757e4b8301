"""What a provider told Hatid, in neutral terms: the events its callback
parsers produce and the services consume, whichever provider sent them.

Globe Labs' parsers (`telecom.globe.inbound`) and Hoiio's
(`telecom.hoiio.notifications`, whose incoming SMS becomes an `InboundSms`)
know the wire formats; the services (`telecom.services.inbound`,
`telecom.services.ussd`, `telecom.services.rewards`) know only these.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class InboundSms:
    """One SMS a subscriber sent to one of an app's numbers (or one part of it)."""

    message_id: str | None
    text: str
    sender: str  # E.164
    destination: str
    sent_at: datetime | None
    multipart_ref: str | None = None
    multipart_seq: int | None = None
    multipart_total: int | None = None

    @property
    def platform_key(self) -> str:
        """messageId, or a hash of everything the platform told us."""
        if self.message_id:
            return f"id:{self.message_id}"[:80]
        material = "\x1f".join(
            [
                self.sender,
                self.destination,
                self.sent_at.isoformat() if self.sent_at else "",
                self.text,
            ]
        )
        return "sha256:" + hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True)
class UssdInput:
    """A subscriber dialing an app's USSD code, or answering its screen."""

    session_id: str
    sender: str
    starts: bool
    presets: tuple[str, ...]
    text: str
    key: str  # identifies this very callback, to answer a repeat once


@dataclass(frozen=True)
class RewardReport:
    """The final status of a reward the platform was asked to send."""

    transaction_id: str  # "" when the platform sent none
    status: str
    msisdn: str | None
    promo: str | None
    at: datetime  # when it happened, or when the report arrived

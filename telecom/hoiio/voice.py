"""Voice (SDK: `hoiio.service.voice`): call-back, conference, hangup, status,
history, rate.

A call-back is one transaction for both legs (hangup ends both); a
conference is one transaction per participant, "currently limited to 8 per
room" (SDK guide), and another participant joins by naming the room.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

from telecom.hoiio import wire
from telecom.hoiio.records import CallRecord, Page, Rate
from telecom.hoiio.sms import history_params

CONFERENCE_ROOM_LIMIT = 8


@dataclass(frozen=True)
class ConferenceStarted:
    room: str
    txn_refs: list[str]


class VoiceApi:
    def call_back(
        self,
        *,
        dest1: str,
        dest2: str,
        caller_id: str = "",
        max_duration: int | None = None,
        tag: str = "",
        notify_url: str = "",
        subject: Model | None = None,
    ) -> str:
        """Call `dest1`, then `dest2`, and connect them; the txn_ref."""
        data = self.request(
            "voice.call",
            "voice/call",
            {
                "dest1": wire.dest(dest1),
                "dest2": wire.dest(dest2),
                "caller_id": caller_id,
                "max_duration": max_duration,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject=subject,
        )
        return wire.text(data.get("txn_ref"))

    def conference(
        self,
        *,
        dests: list[str],
        room: str = "",
        caller_id: str = "",
        tag: str = "",
        notify_url: str = "",
        subject: Model | None = None,
    ) -> ConferenceStarted:
        """Call each number into `room` (a new room when empty); one txn_ref per number."""
        if not 0 < len(dests) <= CONFERENCE_ROOM_LIMIT:
            raise ValueError(f"a conference takes 1 to {CONFERENCE_ROOM_LIMIT} numbers")
        data = self.request(
            "voice.conference",
            "voice/conference",
            {
                "dest": wire.dests(dests),
                "room": room,
                "caller_id": caller_id,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject=subject,
        )
        return ConferenceStarted(
            room=wire.text(data.get("room")), txn_refs=wire.split_refs(data.get("txn_refs"))
        )

    def hangup(self, *, txn_ref: str, subject: Model | None = None) -> None:
        """End a call-back (both legs) or one conference participant."""
        self.request("voice.hangup", "voice/hangup", {"txn_ref": txn_ref}, subject=subject)

    def call_status(self, *, txn_ref: str) -> CallRecord:
        return CallRecord.from_json(
            self.request("voice.status", "voice/query_status", {"txn_ref": txn_ref})
        )

    def call_history(
        self, *, since: datetime | None = None, until: datetime | None = None, page: int = 1
    ) -> Page:
        data = self.request(
            "voice.history", "voice/get_history", history_params(since, until, page)
        )
        return Page.from_json(data, CallRecord.from_json)

    def call_rate(self, *, dest1: str, dest2: str) -> Rate:
        """The rate per minute and the talk time the balance buys."""
        data = self.request(
            "voice.rate", "voice/get_rate", {"dest1": wire.dest(dest1), "dest2": wire.dest(dest2)}
        )
        return Rate.from_json(data)

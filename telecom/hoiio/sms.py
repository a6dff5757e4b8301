"""SMS (SDK: `hoiio.service.sms`): send, bulk send, status, history, rate."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

from telecom.hoiio import wire
from telecom.hoiio.records import Page, Rate, SmsRecord

# "It sends up to 1,000 SMS in a single request" (SDK guide, Send bulk SMS).
BULK_LIMIT = 1000


@dataclass(frozen=True)
class BulkAccepted:
    bulk_txn_ref: str
    # The SDK says each SMS's own txn_ref comes with its notification; kept
    # here too when Hoiio returns them at once.
    txn_refs: list[str]


def history_params(since: datetime | None, until: datetime | None, page: int | None) -> dict:
    return {
        "from": wire.format_datetime(since) if since else None,
        "to": wire.format_datetime(until) if until else None,
        "page": page,
    }


class SmsApi:
    def send_sms(
        self,
        *,
        dest: str,
        msg: str,
        sender_name: str = "",
        tag: str = "",
        notify_url: str = "",
        subject: Model | None = None,
    ) -> str:
        """Send one SMS; its txn_ref."""
        data = self.request(
            "sms.send",
            "sms/send",
            {
                "dest": wire.dest(dest),
                "msg": msg,
                "sender_name": sender_name,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject=subject,
        )
        return wire.text(data.get("txn_ref"))

    def bulk_send_sms(
        self,
        *,
        dests: list[str],
        msg: str,
        sender_name: str = "",
        tag: str = "",
        notify_url: str = "",
        subject: Model | None = None,
    ) -> BulkAccepted:
        """Send one text to up to 1,000 numbers (comma-separated `dest`)."""
        if not 0 < len(dests) <= BULK_LIMIT:
            raise ValueError(f"a bulk send takes 1 to {BULK_LIMIT} numbers, not {len(dests)}")
        data = self.request(
            "sms.bulk_send",
            "sms/bulk_send",
            {
                "dest": wire.dests(dests),
                "msg": msg,
                "sender_name": sender_name,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject=subject,
        )
        return BulkAccepted(
            bulk_txn_ref=wire.text(data.get("bulk_txn_ref")),
            txn_refs=wire.split_refs(data.get("txn_refs")),
        )

    def sms_status(self, *, txn_ref: str) -> SmsRecord:
        return SmsRecord.from_json(
            self.request("sms.status", "sms/query_status", {"txn_ref": txn_ref})
        )

    def sms_history(
        self, *, since: datetime | None = None, until: datetime | None = None, page: int = 1
    ) -> Page:
        """One page (up to 100 entries) of SMS sent and received."""
        data = self.request("sms.history", "sms/get_history", history_params(since, until, page))
        return Page.from_json(data, SmsRecord.from_json)

    def sms_rate(self, *, dest: str, msg: str) -> Rate:
        """What sending `msg` to `dest` costs: rate, split_count, total_cost, is_unicode."""
        data = self.request("sms.rate", "sms/get_rate", {"dest": wire.dest(dest), "msg": msg})
        return Rate.from_json(data)

    def sms_rate_in(self, *, incoming: str) -> Rate:
        """What receiving an SMS on this Hoiio number costs."""
        data = self.request("sms.rate_in", "sms/get_rate", {"incoming": wire.dest(incoming)})
        return Rate.from_json(data)

"""Fax (SDK: `hoiio.service.fax`): send a PDF, status, history, rate.

The document goes base64-encoded in `file`; `filename` is the name Hoiio
stores it under. Hoiio posts the fax's status to `notify_url`, and a fax
received on a Hoiio number (in fax mode) to the number's `forward_to`, each
with a `fax_url` to fetch the document from.
"""

import base64
from datetime import datetime

from django.db.models import Model

from telecom.hoiio import wire
from telecom.hoiio.records import FaxRecord, Page, Rate
from telecom.hoiio.sms import history_params

FAX_TYPES = ("incoming", "outgoing", "all")


class FaxApi:
    def send_fax(
        self,
        *,
        dest: str,
        document: bytes,
        filename: str = "",
        caller_id: str = "",
        tag: str = "",
        notify_url: str = "",
        subject: Model | None = None,
    ) -> str:
        """Fax a PDF to `dest`; the txn_ref."""
        data = self.request(
            "fax.send",
            "fax/send",
            {
                "dest": wire.dest(dest),
                "file": base64.b64encode(document).decode("ascii"),
                "filename": filename,
                "caller_id": caller_id,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject=subject,
        )
        return wire.text(data.get("txn_ref"))

    def fax_status(self, *, txn_ref: str) -> FaxRecord:
        return FaxRecord.from_json(
            self.request("fax.status", "fax/query_status", {"txn_ref": txn_ref})
        )

    def fax_history(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        page: int = 1,
        type: str = "all",  # Hoiio's parameter name
    ) -> Page:
        if type not in FAX_TYPES:
            raise ValueError(f"type must be one of {', '.join(FAX_TYPES)}")
        params = {**history_params(since, until, page), "type": type}
        return Page.from_json(
            self.request("fax.history", "fax/get_history", params), FaxRecord.from_json
        )

    def fax_rate(self, *, dest: str) -> Rate:
        return Rate.from_json(self.request("fax.rate", "fax/get_rate", {"dest": wire.dest(dest)}))

    def fax_rate_in(self, *, incoming: str) -> Rate:
        return Rate.from_json(
            self.request("fax.rate_in", "fax/get_rate", {"incoming": wire.dest(incoming)})
        )

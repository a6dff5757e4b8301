"""USSD (API docs: "USSD"): network-initiated sends and replies within a session.

The path takes the shortcode's last four digits, the body the full shortcode
as senderAddress, the subscriber as `639171111111`, as the docs' examples do.
"""

from dataclasses import dataclass

from telecom.crypto import reveal
from telecom.globe.api import GlobeApi
from telecom.msisdn import without_plus


@dataclass(frozen=True)
class UssdAccepted:
    session_id: str
    reference_id: str


class UssdApi(GlobeApi):
    def send_ussd(self, *, token, to: str, message: str, flash: bool, subject=None):
        return self._ussd(
            "send",
            token=token,
            to=to,
            message=message,
            flash=flash,
            session_id=None,
            subject=subject,
        )

    def reply_ussd(
        self, *, token, to: str, message: str, flash: bool, session_id: str, subject=None
    ):
        return self._ussd(
            "reply",
            token=token,
            to=to,
            message=message,
            flash=flash,
            session_id=session_id,
            subject=subject,
        )

    def _ussd(self, action, *, token, to, message, flash, session_id, subject) -> UssdAccepted:
        request = {
            "outboundUSSDMessage": {"message": message},
            "address": without_plus(to),
            "senderAddress": self.shortcode,
            "flash": flash,
        }
        if session_id is not None:
            request["sessionID"] = session_id
        response = self.call(
            f"ussd.{action}",
            "POST",
            self.api(f"/ussd/v1/outbound/{self.suffix}/{action}/requests"),
            params={"access_token": reveal(token)},
            json={"outboundUSSDMessageRequest": request},
            correlation=session_id or "",
            subject=subject,
        )
        answer = (response.json() or {}).get("outboundUSSDMessageRequest") or {}
        receipt = answer.get("receiptRequest") or {}
        return UssdAccepted(
            session_id=str(receipt.get("sessionID") or session_id or ""),
            reference_id=str(receipt.get("referenceID") or ""),
        )

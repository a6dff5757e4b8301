"""SMS-MT and binary SMS (API docs: "Sending SMS", "Binary SMS")."""

from dataclasses import dataclass

from telecom.crypto import reveal
from telecom.globe.api import GlobeApi
from telecom.msisdn import normalize_msisdn


@dataclass(frozen=True)
class SmsAccepted:
    resource_url: str
    address: str


def tel(e164: str) -> str:
    """`tel:+639171234567`: the address form the SMS and charging docs ask for."""
    return "tel:" + normalize_msisdn(e164)


class SmsApi(GlobeApi):
    def send_sms(
        self, *, token, to: str, text: str, client_correlator: str, subject=None
    ) -> SmsAccepted:
        """POST the documented outboundSMSMessageRequest; the platform splits and bills
        messages over 160 characters per part."""
        body = {
            "outboundSMSMessageRequest": {
                "clientCorrelator": client_correlator,
                "senderAddress": self.suffix,
                "outboundSMSTextMessage": {"message": text},
                "address": tel(to),
            }
        }
        return self._post_sms("sms.send", "smsmessaging", token, body, client_correlator, subject)

    def send_binary_sms(
        self,
        *,
        token,
        to: str,
        message: str,
        user_data_header: str,
        data_coding_scheme: int,
        client_correlator: str,
        subject=None,
    ) -> SmsAccepted:
        """POST the documented outboundBinaryMessageRequest. The docs list no
        clientCorrelator for binary SMS; Hatid sends one anyway (OneAPI's binary
        messaging defines it) so a platform that honours it deduplicates retries."""
        body = {
            "outboundBinaryMessageRequest": {
                "clientCorrelator": client_correlator,
                "senderAddress": self.shortcode,
                "address": tel(to),
                "userDataHeader": user_data_header,
                "dataCodingScheme": data_coding_scheme,
                "outboundBinaryMessage": {"message": message},
            }
        }
        return self._post_sms(
            "sms.binary", "binarymessaging", token, body, client_correlator, subject
        )

    def _post_sms(
        self, operation: str, api: str, token, body: dict, client_correlator: str, subject
    ) -> SmsAccepted:
        """POST one outbound request of the `api` (`smsmessaging`, `binarymessaging`)
        with the subscriber's token; the platform's acceptance."""
        response = self.call(
            operation,
            "POST",
            self.api(f"/{api}/v1/outbound/{self.suffix}/requests"),
            params={"access_token": reveal(token)},
            json=body,
            correlation=client_correlator,
            subject=subject,
        )
        (root,) = body
        return _accepted(response.json(), root)


def _accepted(data, root: str) -> SmsAccepted:
    request = (data or {}).get(root) or {}
    info = request.get("deliveryInfoList") or {}
    resource_url = request.get("resourceURL") or info.get("resourceURL") or ""
    return SmsAccepted(resource_url=str(resource_url), address=str(request.get("address", "")))

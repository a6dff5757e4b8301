"""`VoicentClient`: the Voicent gateway's Simple Call Interface, over HTTP.

The gateway is a server on the business's own network (per app:
`gateway_host`, `gateway_port`, default port 8155 as in the published SDK).
Every call is a form POST to `http://host:port/ocall/<handler>.jsp`, exactly
the parameters the SDK's `postToGateway` sends; the answers are pages of
text, not JSON:

- `callreqHandler.jsp` (callText, callAudio, callTillConfirm) answers a page
  containing `[ReqId=<id>]`;
- `callstatusHandler.jsp` answers a page containing `^made^`, `^failed^` or
  `^retry^`, or none of them while the call is in progress (the reference
  lists only made and failed; its source code also knows retry);
- `callremoveHandler.jsp` answers nothing Hatid reads.

The gateway never calls back: status is polled. Neither callText nor
callAudio is idempotent, and nothing in the interface can find a call whose
answer was lost; a lost answer is an unknown outcome, never a second call.
`callTillConfirm` has the gateway run BroadcastByPhone's `vcast` program with
a call list (`.voc`) and a confirmation code; the SDK throws its request id
away, Hatid keeps it and polls it like any other request.
"""

import enum
import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings

from telecom.errors import OutcomeUnknown, PermanentError, ProviderConfigurationError
from telecom.http import ProviderClient, ProviderResponse
from telecom.msisdn import parse_msisdn

PROVIDER = "voicent"
_REQ_ID = re.compile(r"\[ReqId=([^\]]*)\]")
# The SDK's callTillConfirm sends this placeholder: the gateway wants a number,
# but the call list, not this, says whom to call.
TILL_CONFIRM_PLACEHOLDER = "1111111"
# "firstocc": the SDK always sends 10 (the first attempt, in seconds from now).
FIRST_OCCURRENCE = 10


class CallState(enum.StrEnum):
    MADE = "made"
    FAILED = "failed"
    RETRY = "retry"
    IN_PROGRESS = ""


@dataclass(frozen=True)
class StatusPage:
    state: CallState
    text: str


def dial_string(number: str) -> str:
    """What the gateway's phone line dials: the national form for local numbers
    (`09171234567`), `+` and the country code for the rest."""
    parsed = parse_msisdn(number)
    region = getattr(settings, "PHONE_REGION", "PH")
    if phonenumbers.region_code_for_number(parsed) == region:
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        return re.sub(r"\D", "", national)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def read_state(page: str) -> CallState:
    """As the SDK's callStatus reads the page, marker by marker."""
    for state in (CallState.MADE, CallState.FAILED, CallState.RETRY):
        if f"^{state.value}^" in page:
            return state
    return CallState.IN_PROGRESS


def till_confirm_cmdline(vocfile: str, wavfile: str, ccode: str) -> str:
    """The vcast command line, quoted exactly as the SDK builds it."""
    return f'"{vocfile}" -startnow -confirmcode {ccode} -wavfile "{wavfile}"'


CALL_REQUEST = "callreqHandler.jsp"


def text_call(phone: str, text: str, selfdelete: bool) -> dict:
    """The form a callText request posts to CALL_REQUEST (also shown by the flow simulator)."""
    return {
        "info": "simple text call",
        "phoneno": dial_string(phone),
        "firstocc": FIRST_OCCURRENCE,
        "txt": text,
        "selfdelete": int(selfdelete),
    }


def audio_call(phone: str, audiofile: str, selfdelete: bool) -> dict:
    """The form a callAudio request posts to CALL_REQUEST."""
    return {
        "info": "simple audio call",
        "phoneno": dial_string(phone),
        "firstocc": FIRST_OCCURRENCE,
        "audiofile": audiofile,
        "selfdelete": int(selfdelete),
    }


class VoicentClient(ProviderClient):
    provider = PROVIDER
    success_statuses = (200,)

    def base_url(self) -> str:
        host = getattr(self.app, "gateway_host", "") or ""
        if not host:
            raise ProviderConfigurationError(f"the app {self.app} has no gateway host")
        port = getattr(self.app, "gateway_port", None) or settings.VOICENT_DEFAULT_PORT
        prefix = (getattr(self.app, "gateway_path_prefix", "") or "").rstrip("/")
        return f"http://{host}:{port}{prefix}/ocall"

    def _post(self, operation: str, handler: str, params: dict, *, subject=None, key="") -> str:
        response = self.call(
            operation,
            "POST",
            f"{self.base_url()}/{handler}",
            data=params,
            correlation=key,
            subject=subject,
        )
        return response.text

    def check_answer(self, response: ProviderResponse, operation: str):
        if operation not in ("call.text", "call.audio", "call.till_confirm"):
            return None
        if _REQ_ID.search(response.text):
            return None
        if not response.text.strip():
            # Answered, but with nothing: the request may or may not be scheduled.
            return OutcomeUnknown(
                "the gateway answered an empty page", provider=PROVIDER, status=response.status
            )
        return PermanentError(
            f"the gateway did not take the call: {response.text.strip()[:200]}",
            provider=PROVIDER,
            status=response.status,
            body=response.text,
        )

    def classify_error(self, response: ProviderResponse, operation: str):
        kwargs = {"provider": PROVIDER, "status": response.status, "body": response.text}
        if response.status >= 500:
            # The gateway's JSP failed: maybe before, maybe after scheduling the call.
            return OutcomeUnknown("the gateway failed", **kwargs)
        return PermanentError(f"refused ({response.status})", **kwargs)

    @staticmethod
    def _req_id(page: str) -> str:
        match = _REQ_ID.search(page)
        return match.group(1).strip() if match else ""

    # --- the Simple Call Interface ---------------------------------------------

    def call_text(self, *, phone: str, text: str, selfdelete: bool, subject=None) -> str:
        """Call `phone` and speak `text` (the gateway's text-to-speech); the request id."""
        page = self._post(
            "call.text", CALL_REQUEST, text_call(phone, text, selfdelete), subject=subject
        )
        return self._req_id(page)

    def call_audio(self, *, phone: str, audiofile: str, selfdelete: bool, subject=None) -> str:
        """Call `phone` and play `audiofile` (a PCM 16-bit 8 kHz mono WAV on the
        gateway's host); the request id."""
        page = self._post(
            "call.audio", CALL_REQUEST, audio_call(phone, audiofile, selfdelete), subject=subject
        )
        return self._req_id(page)

    def call_status(self, *, req_id: str, subject=None) -> StatusPage:
        page = self._post(
            "call.status", "callstatusHandler.jsp", {"reqid": req_id}, subject=subject, key=req_id
        )
        return StatusPage(state=read_state(page), text=page)

    def call_remove(self, *, req_id: str, subject=None) -> None:
        """Remove the request's record (and the call, if not made yet)."""
        self._post(
            "call.remove", "callremoveHandler.jsp", {"reqid": req_id}, subject=subject, key=req_id
        )

    def call_till_confirm(
        self, *, vcast_program: str, call_list: str, wavfile: str, confirm_code: str, subject=None
    ) -> str:
        """Have the gateway run BroadcastByPhone on `call_list` until someone enters
        `confirm_code`; the request id of that scheduled run."""
        page = self._post(
            "call.till_confirm",
            "callreqHandler.jsp",
            {
                "info": "Simple Call till Confirm",
                "phoneno": TILL_CONFIRM_PLACEHOLDER,
                "firstocc": FIRST_OCCURRENCE,
                "selfdelete": 0,
                "startexec": vcast_program,
                "cmdline": till_confirm_cmdline(call_list, wavfile, confirm_code),
            },
            subject=subject,
        )
        return self._req_id(page)

"""`HoiioClient`: Hatid's client for every Hoiio API, in one class so it shares
one HTTP session and one error mapping. Each API module's calls live in their
own module as a mixin; this module owns the base URL, the credentials and the
plumbing.

A client is made per provider app (`HoiioClient(app)`): the app gives the
`app_id` and the `access_token` (stored encrypted, revealed only here).
Every call is a POST of a form body to `HOIIO_API_URL/open/<module>/<call>`;
the answer is JSON whose `status` says whether it worked (see `errors`).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Model

from telecom.crypto import reveal
from telecom.errors import PermanentError, ProviderConfigurationError
from telecom.hoiio import errors
from telecom.hoiio.account import AccountApi
from telecom.hoiio.fax import FaxApi
from telecom.hoiio.ivr import IvrApi
from telecom.hoiio.numbers import NumberApi
from telecom.hoiio.sms import SmsApi
from telecom.hoiio.voice import VoiceApi
from telecom.http import ProviderClient, ProviderResponse


class HoiioClient(SmsApi, VoiceApi, IvrApi, FaxApi, NumberApi, AccountApi, ProviderClient):
    provider = errors.PROVIDER
    success_statuses = (200,)
    # A fax's document is sent base64-encoded in `file`: logged by size only.
    omitted_fields = ("file",)

    # --- where things are ----------------------------------------------

    def open_url(self, path: str) -> str:
        return f"{settings.HOIIO_API_URL.rstrip('/')}/open/{path}"

    # --- what the app must have ------------------------------------------

    def _require(self, name: str) -> str:
        value = getattr(self.app, name, None)
        if not value:
            raise ProviderConfigurationError(f"the app {self.app} has no {name}")
        return reveal(value)

    # --- the call -------------------------------------------------------------

    def request(
        self,
        operation: str,
        path: str,
        params: dict,
        *,
        correlation: str = "",
        subject: Model | None = None,
    ) -> dict:
        """POST one call with the app's credentials; the answer's JSON (status success_ok).
        The call is logged under `correlation`, by default the request's own `tag`
        (how Hatid finds a transaction again in Hoiio's history)."""
        data = {"app_id": self._require("app_id"), "access_token": self._require("access_token")}
        data.update({k: str(v) for k, v in params.items() if v is not None and v != ""})
        response = self.call(
            operation,
            "POST",
            self.open_url(path),
            data=data,
            correlation=correlation or params.get("tag") or "",
            subject=subject,
        )
        return response.json()

    def check_answer(self, response: ProviderResponse, operation: str):
        if operation == "fax.download":
            return None
        data = response.json()
        code = data.get("status") if isinstance(data, dict) else None
        if not isinstance(code, str):
            return errors.unreadable(response.status, response.text)
        if code == errors.SUCCESS:
            return None
        return errors.classify_status(code, status=response.status, body=response.text)

    def classify_error(self, response: ProviderResponse, operation: str):
        data = response.json()
        code = data.get("status") if isinstance(data, dict) else None
        return errors.classify_http(
            response.status, code if isinstance(code, str) else None, response.text
        )

    # --- documents Hoiio serves (a received or sent fax) ------------------------

    def download(self, url: str, *, subject=None) -> bytes:
        """GET a document Hoiio links to (`fax_url`). Only from the hosts in
        HOIIO_FILE_HOSTS, and under the outbound-URL policy: the URL comes from
        a notification, and Hatid must not fetch whatever a forged one names."""
        host = urlsplit(url).hostname or ""
        if host not in settings.HOIIO_FILE_HOSTS:
            raise PermanentError(f"not a Hoiio document URL: {host or url[:60]}", provider="hoiio")
        # The policy (the URL's form, then each address) is checked in the call.
        return HoiioFiles(self.app).call("fax.download", "GET", url, subject=subject).content


class HoiioFiles(HoiioClient):
    """Hoiio's documents, at URLs a notification names: the outbound-URL policy
    applies (`telecom.outbound_urls`), on a session of their own."""

    guard_urls = True

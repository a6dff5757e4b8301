"""`GlobeClient`: Hatid's client for every Globe Labs API, in one class so it
shares one HTTP session and one error mapping. Each API's calls live in their
own module as a mixin; this module owns the base URLs and the plumbing.

A client is made per provider app (`GlobeClient(app)`): the app gives the
credentials and the shortcode; a subscriber's access token is passed to each
call that needs one, as a `Secret`, and revealed only here.
"""

from django.conf import settings

from telecom.crypto import reveal
from telecom.errors import ProviderConfigurationError
from telecom.globe.charging import ChargingApi
from telecom.globe.errors import PROVIDER, classify
from telecom.globe.location import LocationApi
from telecom.globe.oauth import OAuthApi
from telecom.globe.rewards import RewardsApi
from telecom.globe.sms import SmsApi
from telecom.globe.subscriber import SubscriberApi
from telecom.globe.ussd import UssdApi
from telecom.globe.voice import VoiceApi
from telecom.globe.wallet import WalletApi
from telecom.http import ProviderClient, ProviderResponse


class GlobeClient(
    SmsApi,
    OAuthApi,
    LocationApi,
    SubscriberApi,
    ChargingApi,
    RewardsApi,
    UssdApi,
    WalletApi,
    VoiceApi,
    ProviderClient,
):
    provider = PROVIDER

    def classify_error(self, response: ProviderResponse, operation: str):
        retry_after = response.headers.get("Retry-After", "")
        return classify(
            response.status,
            response.text,
            operation,
            retry_after=float(retry_after) if retry_after.isdigit() else None,
        )

    # --- where things are ----------------------------------------------

    def api(self, path: str) -> str:
        return settings.GLOBE_API_URL.rstrip("/") + path

    def oauth(self, path: str) -> str:
        return settings.GLOBE_OAUTH_URL.rstrip("/") + path

    def tropo(self, path: str) -> str:
        return settings.TROPO_API_URL.rstrip("/") + path

    # --- what the app must have ------------------------------------------

    def _require(self, name: str) -> str:
        value = getattr(self.app, name, None)
        if not value:
            raise ProviderConfigurationError(f"the app {self.app} has no {name}")
        return reveal(value)

    @property
    def app_id(self) -> str:
        return self._require("app_id")

    @property
    def app_secret(self) -> str:
        return self._require("app_secret")

    @property
    def shortcode(self) -> str:
        return self._require("shortcode")

    @property
    def suffix(self) -> str:
        return self.shortcode[-4:]

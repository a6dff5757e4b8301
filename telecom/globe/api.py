"""`GlobeApi`: the base of every Globe Labs API mixin (`SmsApi`,
`ChargingApi`, ...), declaring what the mixins rely on and `GlobeClient`
provides, so a reader and a type checker see the contract in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telecom.errors import PermanentError

if TYPE_CHECKING:
    from telecom.http import ProviderClient, ProviderResponse
    from telecom.models.provider_app import ProviderApp


class GlobeApi:
    """A Globe Labs API mixin. A class mixing it in must provide (`GlobeClient`
    does, with `ProviderClient`):

    - `call(operation, method, url, *, params, json, data, headers,
      correlation, subject)`: one request, logged, its failure classified
      (`ProviderClient.call`);
    - `api(path)`, `oauth(path)`, `tropo(path)`: URLs on the platform's hosts;
    - `app` and `provider`, and the app's `app_id`, `app_secret`, `shortcode`,
      `suffix` (the shortcode's last four digits, the SMS and USSD sender) and
      `_require(name)` (any other credential, or a configuration error).

    They are declared for type checkers only: a definition here would come
    before `ProviderClient` in `GlobeClient`'s method order and hide its `call`.
    """

    provider: str
    app: ProviderApp

    if TYPE_CHECKING:
        # The very signature of `ProviderClient.call`, which `GlobeClient` inherits.
        call = ProviderClient.call

        def api(self, path: str) -> str: ...

        def oauth(self, path: str) -> str: ...

        def tropo(self, path: str) -> str: ...

        def _require(self, name: str) -> str: ...

        @property
        def app_id(self) -> str: ...

        @property
        def app_secret(self) -> str: ...

        @property
        def shortcode(self) -> str: ...

        @property
        def suffix(self) -> str: ...

    def unexpected_answer(self, response: ProviderResponse, reason: str) -> PermanentError:
        """A success the platform answered in a shape Hatid cannot read: final
        (asking again would bring the same), with the answer's body kept."""
        return PermanentError(
            reason, provider=self.provider, status=response.status, body=response.text
        )

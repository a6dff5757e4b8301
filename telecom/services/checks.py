"""The checks every provider service makes before it queues anything: the app
is an active app of the right provider, a number is a number. Each failure is
a `ServiceError` naming the field, as the console and the API show it."""

from telecom.errors import ServiceError
from telecom.models.provider_app import ProviderApp
from telecom.msisdn import InvalidMsisdn, normalize_msisdn


def require_app(app: ProviderApp, provider: str) -> ProviderApp:
    if app.provider != provider:
        label = ProviderApp.Provider(provider).label
        raise ServiceError(f"{app} is not a {label} app", field="app")
    if not app.is_active:
        raise ServiceError(f"the app {app} is inactive", field="app")
    return app


def number(value, field: str) -> str:
    """E.164 for any accepted way of writing a number; a ServiceError on `field` if not."""
    try:
        return normalize_msisdn(value)
    except InvalidMsisdn as exc:
        raise ServiceError(str(exc), field=field) from None

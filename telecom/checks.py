"""System checks for settings whose values must agree with each other."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def outbox_lease_outlasts_a_call(app_configs, **kwargs):
    """A worker's lease must outlast one provider call, or a live worker's row
    could be taken back and sent again by another before the first one answers."""
    call = settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT
    if call >= settings.OUTBOX_LEASE_SECONDS:
        return [
            Error(
                f"OUTBOX_LEASE_SECONDS ({settings.OUTBOX_LEASE_SECONDS}) must exceed the "
                f"provider connect and read timeouts together ({call:g} s)",
                hint="raise OUTBOX_LEASE_SECONDS or lower PROVIDER_READ_TIMEOUT",
                id="hatid.E001",
            )
        ]
    return []

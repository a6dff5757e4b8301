"""The periodic look at Hoiio (beat: `resolve_hoiio`, and the admin's "ask
Hoiio now"): for each active Hoiio app, settle every request whose outcome
is unknown from Hoiio's own records, and catch up on statuses whose
notification never came. One app's failure (Hoiio down, a bad credential)
does not stop the others'.
"""

import logging

from telecom.errors import ProviderConfigurationError, ProviderError
from telecom.hoiio import HoiioClient
from telecom.models import ProviderApp
from telecom.services import fax
from telecom.services.hoiio import ivr, numbers, sms, voice

logger = logging.getLogger("telecom.hoiio")

STEPS = (
    sms.resolve_unknown_sms,
    sms.sync_sms_statuses,
    voice.resolve_unknown_calls,
    voice.sync_live_calls,
    ivr.watch_sessions,
    fax.resolve_unknown_faxes,
    numbers.resolve_unknown_numbers,
)


def resolve_app(app: ProviderApp) -> int:
    client = HoiioClient(app)
    return sum(step(app, client) for step in STEPS)


def resolve_all() -> int:
    changed = 0
    for app in ProviderApp.objects.filter(provider=ProviderApp.Provider.HOIIO, is_active=True):
        try:
            changed += resolve_app(app)
        except (ProviderError, ProviderConfigurationError) as exc:
            logger.warning("looking at Hoiio for %s failed: %s", app, exc)
    return changed

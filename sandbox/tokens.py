"""Access token lookups, remembered in memory between changes.

Every API call checks its access token, and at benchmark rates the query
(a grant with its app and subscriber) would cost more than the rest of an
SMS MT. The sandbox is one process and every change to grants, apps and
subscribers goes through its own code, which calls `forget()`; so a lookup
can be kept until then. What the cache holds is only read for identity and
flags (the app's short code and URIs, the subscriber's number and
blacklisting); balances and wallets are always read from the database.

The cache is bounded: past MAX_ENTRIES the oldest lookup goes. A campaign
sees each recipient's token once (100,000 grants kept whole, each with its
own copy of the app, were about 250 MB of the sandbox's 480), while what comes
back to a token (a USSD session's steps, a subscriber's replies) is recent.
The grants of one app share one copy of it.
"""

import threading

from sandbox import sql
from sandbox.models import App, Grant

_lock = threading.Lock()
_grants: dict[str, Grant] = {}
_apps: dict[int, App] = {}
_generation = 0
MAX_ENTRIES = 10_000


def live_grant(token: str) -> Grant | None:
    """The active grant behind `token` (with app and subscriber), or None."""
    grant = _grants.get(token)
    if grant is not None:
        return grant
    with _lock:
        generation = _generation
    grant = sql.live_grant(token)
    if grant is not None:
        with _lock:
            # Keep it only if nothing changed while it was being read.
            if generation == _generation:
                _remember(token, grant)
    return grant


def _remember(token: str, grant: Grant) -> None:
    grant.app = _apps.setdefault(grant.app.pk, grant.app)
    while len(_grants) >= MAX_ENTRIES:
        del _grants[next(iter(_grants))]  # the oldest: dicts keep their insertion order
    _grants[token] = grant


def forget() -> None:
    """Something about grants, apps or subscribers changed: look everything up again."""
    global _generation
    with _lock:
        _generation += 1
        _grants.clear()
        _apps.clear()

"""Per-key rate limiting on Redis: a fixed one-minute window per API key.

DRF's own SimpleRateThrottle keeps every request's timestamp in one cache
entry, which is rewritten on each request: fine at 60 a minute, a bottleneck at
6,000. An INCR per request costs the same at any rate.
"""

import logging
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger("telecom.api")

WINDOW_SECONDS = 60


class ApiKeyRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        api_key = request.auth
        if api_key is None:
            return True
        window = int(time.time() // WINDOW_SECONDS)
        key = f"throttle:{api_key.pk}:{window}"
        try:
            cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
            count = cache.incr(key)
        except Exception:
            # Rate limiting must not take the API down with Redis; /healthz reports it.
            logger.warning("rate limiting unavailable", exc_info=True)
            return True
        self._wait = WINDOW_SECONDS - (time.time() % WINDOW_SECONDS)
        return count <= api_key.effective_rate_per_minute

    def wait(self) -> float:
        return getattr(self, "_wait", WINDOW_SECONDS)

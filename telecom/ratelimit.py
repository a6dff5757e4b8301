"""A token bucket in Redis, shared by every worker on every host.

`acquire_many(key, rate, count)` takes `count` tokens in one round trip (a
worker's chunk) and returns how long the caller must wait before using each
(0 when one was available): the tokens are reserved either way, so callers
that wait their turn are served in order. A caller that cannot wait long
(a chunk inside its lease) passes `within` and gets only the tokens it can
use by then, leaving the rest to others. The bucket
refills continuously at `rate` per second and holds at most `burst` tokens.
The arithmetic runs in one Lua script against Redis' own clock, so concurrent
workers on different hosts can neither take the same token nor disagree on
time.
"""

import logging

from telecom.redis import client

logger = logging.getLogger("telecom.ratelimit")

# KEYS[1] bucket; ARGV: rate per second, burst, how many tokens, the longest
# wait wanted (< 0: any). The bucket stores the time at which it will next be
# full ("tat", the theoretical arrival time of GCRA). Returns each reserved
# token's wait, in order: the first always, the others while their wait is
# within the longest wanted.
_GCRA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local interval = 1 / tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local within = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local waits = {}
for i = 1, tonumber(ARGV[3]) do
  local wait = tat + interval - now - burst * interval
  if wait < 0 then wait = 0 end
  if i > 1 and within >= 0 and wait > within then break end
  tat = tat + interval
  waits[i] = tostring(wait)
end
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
return waits
"""

_script = None


def acquire_many(
    key: str, rate: float, count: int, burst: int | None = None, *, within: float | None = None
) -> list[float]:
    """Reserve `count` tokens at once; the seconds to wait before using each.
    With `within`, only those usable within that many seconds (and the first
    in any case): the list may be shorter than `count`."""
    global _script
    if rate <= 0 or count <= 0:
        return [0.0] * count
    burst = burst if burst is not None else max(1, int(rate))
    try:
        redis = client()
        if _script is None or _script.registered_client is not redis:
            _script = redis.register_script(_GCRA)
        waits = _script(
            keys=[f"hatid:rate:{key}"], args=[rate, burst, count, -1 if within is None else within]
        )
        return [float(wait) for wait in waits]
    except Exception:
        # Without Redis there is no broker either; do not add a second failure.
        logger.warning("rate limiter unavailable; not limiting", exc_info=True)
        return [0.0] * count

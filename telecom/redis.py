"""This process's Redis client (for what Django's cache API cannot express,
like the rate limiter's Lua script). One connection pool per process,
recreated after a fork."""

import os

import redis
from django.conf import settings

_client: tuple[int, str, redis.Redis] | None = None


def client() -> redis.Redis:
    global _client
    pid, url = os.getpid(), settings.REDIS_URL
    if _client is None or _client[0] != pid or _client[1] != url:
        _client = (pid, url, redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2))
    return _client[2]

"""config.broker: Celery's Redis transport keeps one client per channel for its commands."""

import pytest
from django.conf import settings

from config.broker import Transport
from config.celery import app

# A unix socket's URL (`make test` with nothing set: the embedded Redis) names
# kombu's own transport in its scheme, which kombu prefers (config/broker.py).
pytestmark = pytest.mark.skipif(
    settings.CELERY_BROKER_URL.startswith("redis+socket"),
    reason="the broker is reached by a unix socket: kombu's own transport",
)


def test_celery_publishes_and_consumes_through_it():
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, Transport)
        queue = connection.SimpleQueue("hatid-test-broker")
        try:
            queue.put({"n": 1})
            queue.put({"n": 2})
            received = [queue.get(timeout=5) for _ in range(2)]
            for message in received:
                message.ack()
            assert [message.payload for message in received] == [{"n": 1}, {"n": 2}]
            channel = queue.channel
            client = channel._create_client()
            assert channel._create_client() is client  # kombu built one per command
            assert client.connection_pool is channel.pool
            assert channel._create_client(asynchronous=True) is not client
            assert client.llen(channel._q_for_pri("hatid-test-broker", 0)) == 0
        finally:
            queue.clear()
            queue.close()


def test_a_new_pool_gets_a_new_client():
    with app.connection_for_write() as connection:
        channel = connection.channel()
        try:
            first = channel._create_client()
            channel._pool = None  # what kombu does when it drops the pool
            second = channel._create_client()
            assert second is not first
            assert second.connection_pool is channel.pool
            assert second.ping()
        finally:
            channel.close()

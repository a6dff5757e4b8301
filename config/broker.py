"""The Celery broker's transport: kombu's Redis transport, keeping one Redis
client per channel for its commands.

kombu builds a new `redis.Redis` for every publish, acknowledgement and
unacked-index write (`Channel.conn_or_acquire`), and building one (its table
of response callbacks) was a fifth of a publish's CPU in a callback request
and a tenth of a delivery worker's time in kombu (bench/README.md). A client
holds no connection of its own (the channel's pool does, as before), so one
per channel and pool is the same traffic; a new pool (kombu makes one after a
reconnection) gets a new client.

Celery uses it through CELERY_BROKER_TRANSPORT, for a `redis://` or
`rediss://` broker URL; a unix socket's URL (`redis+socket://`, `make run`'s
embedded Redis) names kombu's own transport in its scheme, which kombu
prefers, and that one keeps building its clients.
"""

from kombu.transport import redis


class Channel(redis.Channel):
    _commands_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:  # the event loop's own client (BRPOP): kombu keeps it already
            return super()._create_client(asynchronous=True)
        client, pool = self._commands_client, self.pool
        if client is None or client.connection_pool is not pool:
            # Two threads may both build one here: either serves.
            client = self._commands_client = super()._create_client()
        return client


class Transport(redis.Transport):
    Channel = Channel

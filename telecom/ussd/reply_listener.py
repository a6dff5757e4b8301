"""The USSD replies' short way on PostgreSQL: every process that runs the
`ussd` queue's tasks LISTENs for replies as their steps commit, and sends
each at once instead of waiting for its Celery task.

A step's reply is inserted `queued` in the step's transaction and its task is
published once that commits (`telecom.outbox`). The publish, the broker's
delivery and the worker's hand-over to a thread cost a step 0.7 to 3.7 ms of
the 8 to 10 it spent in Hatid at one handset (bench/README.md). A trigger
(migration 0025) has each queued reply's INSERT `NOTIFY` its id, which
PostgreSQL delivers when the step commits, in the commit's own round trip;
the listener, waiting on a connection of its own, has `UssdReplyDelivery`
claim and send the reply there and then.

The task still comes, and nothing depends on the listener: the claim lets
one of the two through, the other finds the row taken. A listener whose
connection broke (PostgreSQL restarted) reconnects, and what was committed
meanwhile goes by its task, only later; so does every reply on SQLite.

Where it runs: a thread in the worker itself with a threads or solo pool
(`ReplyListenerStep`); with the prefork pool, a thread in each child, which
runs the tasks (a thread in the parent would send from the process that only
dispatches). Several listeners all hear every reply and all try to claim it:
one wins, the others' claims find nothing. A listener sends one reply at a
time: while it waits on the platform, the tasks take the others.
"""

import logging
import threading

from celery import bootsteps
from celery.signals import worker_process_init
from django.db import close_old_connections, connection

from telecom.models import UssdExchange
from telecom.outbox import task_queue
from telecom.services.ussd import UssdReplyDelivery

logger = logging.getLogger("telecom.ussd")

CHANNEL = "hatid_ussd_reply"
# A lost connection is tried again after this, doubled at each failure, up to _MAX_BACKOFF.
_BACKOFF_SECONDS = 0.1
_MAX_BACKOFF_SECONDS = 5.0
# How long a wait for notifications lasts before the thread looks whether it should stop.
_WAIT_SECONDS = 0.2


def deliver(ids: list[int]) -> None:
    """Claim and send the replies, as their task would."""
    try:
        UssdReplyDelivery().run_many(ids)
    except Exception:
        # The rows stay claimed or queued: their lease's end, or their task, sends them.
        logger.exception("ussd reply listener: delivering %s failed", ids)
    finally:
        close_old_connections()


class ReplyListener:
    """The thread: LISTEN on a connection of its own, deliver each reply heard."""

    def __init__(self):
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while LISTEN is in place (tests)
        self.failures = 0  # since it last listened: only the first is logged

    def start(self) -> None:
        self.stopping.clear()
        self.thread = threading.Thread(target=self.run, name="ussd-reply-listener", daemon=True)
        self.thread.start()

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self.listen()
                except Exception:
                    if not self.failures:
                        logger.warning("ussd reply listener: lost its connection", exc_info=True)
                    self.failures += 1
                    backoff = _BACKOFF_SECONDS * 2 ** min(self.failures, 10)
                    self.stopping.wait(min(backoff, _MAX_BACKOFF_SECONDS))
        finally:
            connection.close()

    def listen(self) -> None:
        """Until stopped: one connection, LISTEN, deliver what is heard."""
        raw = connection.get_new_connection(connection.get_connection_params())
        try:
            raw.autocommit = True
            raw.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            if self.failures:
                logger.info("ussd reply listener: listening again after %s failures", self.failures)
            else:
                logger.info("ussd reply listener: listening")
            self.failures = 0
            while not self.stopping.is_set():
                for heard in raw.notifies(timeout=_WAIT_SECONDS):
                    if heard.payload.isdigit():  # anything else is not the trigger's
                        deliver([int(heard.payload)])
        finally:
            self.listening.clear()
            raw.close()


def _runs_ussd_replies(app) -> bool:
    """The worker consumes the queue the replies' task is routed to, on PostgreSQL."""
    consumed = app.amqp.queues.consume_from
    return connection.vendor == "postgresql" and task_queue(UssdExchange) in consumed


def _prefork(worker) -> bool:
    from celery.concurrency.prefork import TaskPool

    return isinstance(worker.pool_cls, type) and issubclass(worker.pool_cls, TaskPool)


def _listen_in_child(**kwargs) -> None:
    ReplyListener().start()


class ReplyListenerStep(bootsteps.StartStopStep):
    """The listener of a worker that consumes the replies' queue (registered
    by name in config.celery): its thread, or with the prefork pool each
    child's, started as the child starts."""

    label = "ussd reply listener"

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.listener = ReplyListener()

    def include_if(self, worker) -> bool:
        if not _runs_ussd_replies(worker.app):
            return False
        if _prefork(worker):
            # The children fork after the blueprint is built: they start their own.
            worker_process_init.connect(
                _listen_in_child, weak=False, dispatch_uid="hatid-ussd-reply-listener"
            )
            return False
        return True

    def start(self, worker) -> None:
        self.listener.start()

    def stop(self, worker) -> None:
        self.listener.stop()

    terminate = stop  # a cold shutdown: StartStopStep's own would look for `self.obj`

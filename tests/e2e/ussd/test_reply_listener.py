"""The USSD replies' listener (telecom.ussd.reply_listener), on PostgreSQL: a
queued reply's INSERT notifies its id at the step's commit, and the listener
sends it with no task and no worker consuming the `ussd` queue; it listens
again after its connection is cut; a worker of the `ussd` queue runs one (a
prefork worker one in each child), a worker of `default` alone none."""

import logging
from contextlib import closing, contextmanager

import pytest
from django.db import connection, transaction

from sandbox.client import wait_for
from telecom.models import UssdExchange
from telecom.services.ussd import push_ussd
from telecom.ussd import reply_listener
from tests.support.ussd_menus import shop_menu
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
NUMBER = "+639171234567"
WELCOME = "Welcome\n1. Info\n2. Buy load"


def listeners() -> list[int]:
    """The backends of this database waiting on the replies' channel."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND query = %s AND pid <> pg_backend_pid()",
            [f"LISTEN {reply_listener.CHANNEL}"],
        )
        return [pid for (pid,) in cursor.fetchall()]


@contextmanager
def listening():
    listener = reply_listener.ReplyListener()
    listener.start()
    try:
        wait_for(listener.listening.is_set, timeout=10, what="the listener's LISTEN")
        yield listener
    finally:
        listener.stop()
    assert not listener.thread.is_alive()


def heard(raw, seconds: float, stop_after: int | None = None) -> list[str]:
    return [n.payload for n in raw.notifies(timeout=seconds, stop_after=stop_after)]


@pytest.mark.django_db(transaction=True)
def test_a_queued_replys_insert_notifies_its_id_when_its_transaction_commits(globe_app):
    with closing(connection.get_new_connection(connection.get_connection_params())) as raw:
        raw.autocommit = True
        raw.execute(f"LISTEN {reply_listener.CHANNEL}")
        with transaction.atomic():
            session = push_ussd(app=globe_app, to=NUMBER, text="Hello")
            assert heard(raw, 0.3) == []  # not before the commit
        [reply] = UssdExchange.objects.all()
        assert heard(raw, 5, stop_after=1) == [str(reply.pk)]  # a second: seen below

        # A row inserted in another state (an operator's copy, a test's) says nothing.
        UssdExchange.objects.create(
            session=session,
            sequence=2,
            input_key="other",
            reply="Bye",
            flash=True,
            received_at=reply.received_at,
            status="sent",
        )
        assert heard(raw, 0.3) == []


@pytest.mark.django_db(transaction=True)
def test_the_listener_sends_the_reply_with_no_worker_on_the_queue(hatid, caplog):
    """No Celery worker runs: the tasks published wait in Redis, and only the
    listener can have sent the replies. A notification that is not a reply's
    id (not the trigger's) is passed over."""
    shop_menu(hatid.app, name="Shop")
    hatid.opt_in(NUMBER)
    with listening():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [reply_listener.CHANNEL, "not-an-id"])
        hatid.sandbox.dial(NUMBER, "*120*1234#")
        wait_for(lambda: screen(hatid) == WELCOME, timeout=15, what="the menu on the handset")
        hatid.sandbox.ussd_input(NUMBER, "1")
        wait_for(lambda: screen(hatid) != WELCOME, timeout=15, what="the next screen")
    replies = UssdExchange.objects.order_by("sequence")
    assert [(r.status, r.attempts) for r in replies] == [("sent", 1), ("sent", 1)]
    assert "lost its connection" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_listener_whose_connection_is_cut_listens_again(hatid, caplog):
    shop_menu(hatid.app, name="Shop")
    hatid.opt_in(NUMBER)
    caplog.set_level(logging.INFO, logger="telecom.ussd")
    with listening() as listener:
        for cut in (1, 2):  # each loss is logged once, the second as the first
            [pid] = listeners()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            wait_for(
                lambda cut=cut: caplog.text.count("listening again") == cut,
                timeout=15,
                what="the listener back",
            )
            assert listener.listening.is_set() and listeners() != [pid]
            assert caplog.text.count("lost its connection") == cut
        hatid.sandbox.dial(NUMBER, "*120*1234#")
        wait_for(lambda: screen(hatid) == WELCOME, timeout=15, what="the menu on the handset")
    wait_for(lambda: listeners() == [], timeout=10, what="the listener's connection closed")


@pytest.mark.django_db(transaction=True)
def test_a_worker_of_the_ussd_queue_listens_and_one_of_default_alone_does_not():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app as celery_app

    def started(queues):
        return start_worker(
            celery_app, pool="threads", concurrency=1, queues=queues, perform_ping_check=False
        )

    with started(["default"]) as worker:
        assert not any(isinstance(s, reply_listener.ReplyListenerStep) for s in worker.steps)
        assert listeners() == []
    with started(["ussd"]):
        wait_for(lambda: len(listeners()) == 1, timeout=10, what="the worker's listener")
    wait_for(lambda: listeners() == [], timeout=10, what="the listener gone with its worker")


@pytest.mark.django_db(transaction=True)
def test_a_prefork_worker_listens_in_each_child(tmp_path):
    with WorkerProcess(concurrency=2, log=tmp_path / "worker.log") as worker:
        wait_for(lambda: len(listeners()) == 2, timeout=30, what="a listener in each child")
        assert len(worker.children()) == 2
    wait_for(lambda: listeners() == [], timeout=10, what="the listeners gone with the worker")


def screen(hatid):
    return (hatid.sandbox.handset(NUMBER).get("ussd") or {}).get("screen")

"""A real `celery worker` process (prefork, INFO, as in production) logs no
full number and no token: its lines go through settings.LOGGING's filter."""

import pytest

from sandbox.client import wait_for
from subscribers.models import LocationQuery
from subscribers.services.queries import locate_subscriber
from telecom.models import Message
from telecom.services.messaging import send_sms
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.e2e
NUMBER = "+639171234567"


def test_worker_lines_mask_numbers_and_redact_tokens(hatid, tmp_path):
    subscriber = hatid.opt_in(NUMBER)
    token = hatid.sandbox.grants(app_id=hatid.app.app_id, number=NUMBER)[0]["access_token"]
    located = locate_subscriber(subscriber=subscriber, requested_accuracy=100)
    message = send_sms(app=hatid.app, to=NUMBER, text="Hello")
    log = tmp_path / "worker.log"
    with WorkerProcess(concurrency=1, log=log):
        wait_for(lambda: LocationQuery.objects.filter(pk=located.pk, status="done").exists())
        wait_for(lambda: Message.objects.filter(pk=message.pk, status="sent").exists())
    text = log.read_text()
    assert "globe location" in text  # its URL names the number: address=...
    assert "*******4567" in text
    for secret in ("9171234567", token, hatid.app.callback_token.reveal()):
        assert secret not in text, secret

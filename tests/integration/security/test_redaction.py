"""Redaction where Hatid keeps a provider exchange, and masking in every log line.

What the whole system shows is proven by tests/e2e/security/test_no_tokens_shown.py;
these pin the pieces: the redaction of strings inside JSON and form values,
the fields that redact on every write, the migrations that scrub what was
kept before, and the one logging filter (Celery's processes included).
"""

import importlib
import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Value
from django.utils import timezone
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from subscribers.models import Subscriber
from telecom.models import HoiioNumber, Message, NumberConfiguration, OutboundCall
from telecom.redaction import (
    REDACTED,
    RedactingFilter,
    mask_numbers,
    redact_body,
    redact_text,
    restore_path_token,
)
from tests.support.factories import HoiioAppFactory
from voiceflows.models import CallExchange, CallSession

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "Zk3v9QyBn2LmXa7Pq0RsTuVwXy1z2A3B4C5D6E7F8G9"
CALLBACK = f"https://hatid.example.com/callbacks/hoiio/{TOKEN}/sms/"
RESOURCE = (
    f"https://devapi.globelabs.com.ph/smsmessaging/v1/outbound/1234/requests?access_token={TOKEN}"
)


def test_json_answers_lose_the_access_token_inside_their_urls():
    answer = {"outboundSMSMessageRequest": {"resourceURL": RESOURCE, "address": "9171234567"}}
    redacted = json.loads(redact_body(json.dumps(answer), "application/json"))
    request = redacted["outboundSMSMessageRequest"]
    assert request["resourceURL"].endswith(f"?access_token={REDACTED}")
    assert request["address"] == "9171234567"


def test_a_redacted_text_is_redacted_again_by_one_search_that_finds_nothing():
    """The request log redacts a body, and its row's fields redact it again as
    they are saved: the second pass must find nothing left to do (it was a
    tenth of a delivery worker's CPU), yet a secret glued to a redacted
    value is still caught."""
    from telecom.redaction import _redact_by_search

    for text in (
        RESOURCE,
        json.dumps({"outboundSMSMessageRequest": {"resourceURL": RESOURCE, "token": "s3cr3t"}}),
        f"app_id=abc&app_secret=def&pin=1234&notify_url={CALLBACK}",
    ):
        once = redact_text(text)
        assert TOKEN not in once and "s3cr3t" not in once and "def" not in once
        assert redact_text(once) == once
        assert _redact_by_search(once) == once
    glued = f"access_token={REDACTED}{TOKEN}"
    assert redact_text(glued) == f"access_token={REDACTED}"


_SECRETISH = st.sampled_from(
    [
        "access_token",
        "ACCESS_TOKEN",
        "Pin",
        "api-key",
        "Api-Key ",
        "/callbacks/globe/",
        "%2Fvoice%2F",
        "/Consent/hoiio/",
    ]
)
_SEPARATORS = st.sampled_from(["=", '":"', "': '", "/", " "])
# What follows a path token's prefix: an unguessable token, 16 characters or more.
_TOKENISH = st.from_regex(r"[A-Za-z0-9_\-]{16,24}", fullmatch=True)


@hypothesis_settings(max_examples=400, deadline=None)
@example(f"/callbacks/hoiio/{TOKEN}/sms/")  # each of the search's alternatives, at least once
@example(f"next=%2Fvoice%2F{TOKEN}%2Fanswer")
@example(f"/consent/globe/{TOKEN}/")
@example("Authorization: Api-Key abc123")
@example('{"PIN": "1234"}')
@given(
    st.lists(
        st.one_of(
            _SECRETISH, _SEPARATORS, _TOKENISH, st.text(st.characters(max_codepoint=127)), st.text()
        ),
        max_size=8,
    ).map("".join)
)
def test_trying_the_patterns_where_their_words_are_redacts_as_their_search(text):
    """On ASCII text `redact_text` tries each pattern only where one of its
    words begins (a sixth of the cost of the patterns' own search on the texts
    of an SMS's delivery): what it makes of any text, any case, glued,
    overlapping or repeated, is what the search and substitution would."""
    from telecom.redaction import _redact_by_search

    assert redact_text(text) == _redact_by_search(text)
    padded = f"{text} access_token={TOKEN}"
    assert TOKEN not in redact_text(padded)


def test_form_bodies_lose_the_callback_token_of_their_urls_encoded_or_not():
    form = f"dest=%2B6591234567&notify_url={CALLBACK.replace('/', '%2F').replace(':', '%3A')}"
    redacted = redact_body(form, "application/x-www-form-urlencoded")
    assert TOKEN not in redacted and "callbacks/hoiio/" in redacted
    assert TOKEN not in redact_text(form)  # the same, seen as plain text (a log line)


def test_tropo_documents_keep_their_urls_without_the_token_and_get_it_back():
    document = json.dumps({"tropo": [{"on": {"next": f"https://h.example/voice/{TOKEN}/menu/x/"}}]})
    kept = redact_text(document)
    assert TOKEN not in kept and f"/voice/{REDACTED}/menu/x/" in kept
    assert restore_path_token(kept, TOKEN) == document


@pytest.mark.django_db
def test_redacted_fields_redact_on_save_create_update_and_bulk_create(globe_app):
    def stored(model, pk, *fields):
        return "".join(
            json.dumps(value) if not isinstance(value, str) else value
            for value in model.objects.filter(pk=pk).values_list(*fields).get()
        )

    call = OutboundCall.objects.create(
        provider="globe",
        operation="sms.send",
        method="POST",
        url=RESOURCE,
        response_body=json.dumps({"resourceURL": RESOURCE}),
        outcome="success",
        error=f"refused: {CALLBACK}",
        latency_ms=1,
        started_at=timezone.now(),
    )
    OutboundCall.objects.filter(pk=call.pk).update(request_body=f"notify_url={CALLBACK}")
    [bulk] = OutboundCall.objects.bulk_create([OutboundCall(**{**_fields(call), "url": CALLBACK})])
    for pk in (call.pk, bulk.pk):
        text = stored(OutboundCall, pk, "url", "request_body", "response_body", "error")
        assert TOKEN not in text and REDACTED in text
    message = sent_message(globe_app)
    Message.objects.filter(pk=message.pk).update(resource_url=RESOURCE)
    assert stored(Message, message.pk, "resource_url") == RESOURCE.replace(TOKEN, REDACTED)


def sent_message(app) -> Message:
    number = "+639171234567"
    subscriber = Subscriber.objects.create(app=app, msisdn=number)
    return Message.objects.create(
        app=app, subscriber=subscriber, msisdn=number, direction="out", status="sent", source="api"
    )


def _fields(call):
    names = ["provider", "operation", "method", "outcome", "latency_ms", "started_at"]
    return {name: getattr(call, name) for name in names}


@pytest.mark.django_db
def test_the_migrations_scrub_what_was_stored_before(globe_app):
    """Rows written as before the fields redacted (a Value is written as it is)."""
    hoiio = HoiioAppFactory()
    number = HoiioNumber.objects.create(app=hoiio, number="+6561234567", status="active")
    change = NumberConfiguration.objects.create(number=number, mode="fax")
    message = sent_message(globe_app)
    session = CallSession.objects.create(
        app=globe_app, session_id="s1", direction="inbound", last_activity_at=timezone.now()
    )
    exchange = CallExchange.objects.create(
        session=session, sequence=1, request_key="k", kind="result"
    )
    call = OutboundCall.objects.create(
        provider="globe",
        operation="x",
        method="GET",
        url="u",
        outcome="success",
        latency_ms=1,
        started_at=timezone.now(),
    )
    document = json.dumps({"tropo": [{"on": {"next": f"https://h/voice/{TOKEN}/menu/x/"}}]})
    rows = [
        (OutboundCall, call.pk, "url", RESOURCE),
        (OutboundCall, call.pk, "response_body", json.dumps({"resourceURL": RESOURCE})),
        (OutboundCall, call.pk, "request_body", f"notify_url={CALLBACK}"),
        (Message, message.pk, "resource_url", RESOURCE),
        (HoiioNumber, number.pk, "forward_to", CALLBACK),
        (NumberConfiguration, change.pk, "forward_sms_to", CALLBACK),
        (CallExchange, exchange.pk, "answer", document),
        (CallExchange, exchange.pk, "received", {"session": {"url": CALLBACK}}),
    ]
    for model, pk, column, value in rows:
        # A Value is written as it is: what the code before the redacted fields wrote.
        kind = models.JSONField() if isinstance(value, dict) else models.TextField()
        model.objects.filter(pk=pk).update(**{column: Value(value, output_field=kind)})
        assert TOKEN in json.dumps(model.objects.values_list(column, flat=True).get(pk=pk))
    for app_label, name in [
        ("telecom", "0009_redacted_fields_scrub_stored_tokens"),
        ("voiceflows", "0004_redacted_fields_scrub_stored_tokens"),
    ]:
        importlib.import_module(f"{app_label}.migrations.{name}").scrub_stored_tokens(apps, None)
    for model, pk, column, _value in rows:
        kept = json.dumps(model.objects.values_list(column, flat=True).get(pk=pk))
        assert TOKEN not in kept and REDACTED in kept, (model.__name__, column, kept)


# --- logs ---------------------------------------------------------------------------


def test_numbers_are_masked_in_every_form_and_nothing_else_is():
    line = (
        "address=639171234567 tel:+639171234567 09171234567 9171234567 %2B6591234567 "
        "shortcode 21581234 in 0.07853391000003285s task a401d56b-d90c-4bd9-8026-e541a2f03c50"
    )
    assert mask_numbers(line) == (
        "address=********4567 tel:+********4567 *******4567 ******4567 %2B******4567 "
        "shortcode 21581234 in 0.07853391000003285s task a401d56b-d90c-4bd9-8026-e541a2f03c50"
    )


def _logged(*args, exc_info=None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.redaction.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(*args, exc_info=exc_info)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_the_filter_masks_numbers_in_arguments_and_tracebacks():
    try:
        raise ValueError("could not text +639171234567")
    except ValueError as error:
        text = _logged("sending to %s failed: %s", "639181234567", TOKEN, exc_info=error)
    assert "639171234567" not in text and "639181234567" not in text
    assert "********4567" in text and "ValueError" in text
    assert _logged("worker %s: %s", "address=639171234567", "ok") == (
        "worker address=********4567: ok\n"
    )


def test_every_handler_in_settings_logging_has_the_filter():
    handlers = settings.LOGGING["handlers"]
    assert handlers
    assert all("redact" in handler.get("filters", []) for handler in handlers.values())
    assert settings.LOGGING["filters"]["redact"]["()"] == "telecom.redaction.RedactingFilter"


def test_celery_logs_through_settings_logging_and_adds_no_handler_of_its_own():
    """As a worker sets up its logging: every handler of every logger filters."""
    script = """
import logging, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from config.celery import app
app.log.setup(loglevel="INFO")
from telecom.redaction import RedactingFilter
loggers = [logging.getLogger()] + [
    logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
]
handlers = [
    h for logger in loggers for h in getattr(logger, "handlers", [])
    if not isinstance(h, logging.NullHandler)
]
bare = [h for h in handlers if not any(isinstance(f, RedactingFilter) for f in h.filters)]
logging.getLogger("celery.task").info("task for 639171234567")
print("HANDLERS", len(handlers), "BARE", len(bare))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "HANDLERS" in done.stdout, done.stderr
    assert "BARE 0" in done.stdout, done.stdout
    assert "task for ********4567" in done.stderr
    assert "639171234567" not in done.stderr

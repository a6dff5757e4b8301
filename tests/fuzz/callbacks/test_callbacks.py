"""Hypothesis over every callback kind: each Globe Labs kind registered in
telecom/callbacks, each of Hoiio's, and the voice webhook (the app's Voice URI,
a flow's and a step's). Whatever arrives (bytes, JSON nested 3000 deep,
documented shapes with wrong values, any query string, any content type), the
answer is never a 5xx and the stored event is never `failed`: bad input is
`rejected` (or answered), so the platform does not retry it forever.
"""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from telecom.callbacks import registry
from telecom.models import CallbackEvent
from tests.fuzz.conftest import fuzz_examples
from tests.support.factories import HoiioAppFactory
from tests.support.voice_flows import MENU_FLOW
from voiceflows.models import VoiceSettings
from voiceflows.services.flows import import_flow

pytestmark = pytest.mark.django_db

# The field names of every payload the providers document (Globe Labs' SMS,
# USSD, rewards and consent callbacks; Hoiio's notifications; Tropo's session
# and result), so generated bodies reach the parsers' deeper branches.
FIELDS = [
    "inboundSMSMessageList",
    "inboundSMSMessage",
    "numberOfMessagesInThisBatch",
    "senderAddress",
    "destinationAddress",
    "message",
    "messageId",
    "dateTime",
    "multipartRefId",
    "multipartSeqNum",
    "resourceURL",
    "inboundUSSDMessageList",
    "inboundUSSDMessage",
    "sessionID",
    "sessionStart",
    "outboundRewardRequest",
    "status",
    "promo",
    "timestamp",
    "transaction_id",
    "address",
    "unsubscribed",
    "subscriber_number",
    "access_token",
    "time_stamp",
    "code",
    "amount",
    "txn_ref",
    "bulk_txn_ref",
    "tag",
    "sms_status",
    "call_state",
    "call_status",
    "fax_status",
    "from",
    "to",
    "src",
    "dest",
    "msg",
    "rate",
    "debit",
    "currency",
    "duration",
    "digits",
    "record_url",
    "fax_url",
    "fax_pages",
    "room",
    "session",
    "transfer_status",
    "date",
    "result",
    "sessionId",
    "callId",
    "state",
    "sequence",
    "actions",
    "name",
    "disposition",
    "interpretation",
    "value",
    "parameters",
]
DEEP = "[" * 3000 + "]" * 3000

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "1e999", "NaN", "-1", "0", "2026-13-45", "tel:+639171234567", "\x00"]),
    st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)
json_bodies = json_values.map(lambda value: json.dumps(value).encode())
raw_bodies = st.one_of(
    json_bodies,
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.just(DEEP.encode()),
    st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=30), max_size=8).map(
        lambda fields: "&".join(f"{k}={v}" for k, v in fields.items()).encode()
    ),
)
query_strings = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=6), scalars.map(str), max_size=5
)
content_types = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "multipart/x"]
)
requests = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["POST", "POST", "GET", "PUT"]),
        "body": raw_bodies,
        "query": query_strings,
        "content_type": content_types,
    }
)

# Each run starts with the inputs that once made a 500, then explores.
KNOWN_BAD = [
    {"method": "POST", "body": DEEP.encode(), "query": {}, "content_type": "application/json"},
    {"method": "GET", "body": b"", "query": {"code": "abcdefgh1234", "amount": "1e999"}},
]
KINDS = sorted(registry._handlers)
FUZZ = settings(
    max_examples=fuzz_examples(),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def test_fuzz_covers_every_callback_kind():
    globe = {"notify", "ussd", "rewards", "redirect", "voice"}
    hoiio = {"sms", "sms-in", "voice", "ivr", "fax", "fax-in"}
    assert {("globe", kind) for kind in globe} | {("hoiio", kind) for kind in hoiio} <= set(KINDS)


def send(client, path, request):
    method = request["method"]
    request = {"content_type": "", **request}
    if method == "GET":
        return client.get(path, request["query"])
    query = "&".join(f"{k}={v}" for k, v in request["query"].items())
    return client.generic(
        method,
        f"{path}?{query}" if query else path,
        request["body"],
        content_type=request["content_type"],
    )


def assert_answered_and_never_failed(response, tally):
    tally.count(response.status_code)
    assert response.status_code < 500, response.content[:300]
    assert not CallbackEvent.objects.filter(status=CallbackEvent.Status.FAILED).exists()


@pytest.mark.parametrize(("provider", "kind"), KINDS, ids=[f"{p}-{k}" for p, k in KINDS])
def test_callback_fuzz_never_5xx_nor_failed(globe_app, provider, kind, tally):
    app = globe_app if provider == "globe" else HoiioAppFactory()
    path = app.callback_path(kind)
    client = Client()

    @FUZZ
    @given(request=requests)
    @example(request=KNOWN_BAD[0])
    @example(request=KNOWN_BAD[1])
    def run(request):
        assert_answered_and_never_failed(send(client, path, request), tally)

    run()


@pytest.fixture
def voice_app(globe_app):
    flow = import_flow(app=globe_app, data=MENU_FLOW)
    VoiceSettings.objects.create(app=globe_app, voice_token="voice-token-1", default_flow=flow)
    return globe_app, flow


def test_voice_webhook_fuzz_never_5xx_nor_failed(voice_app, tally):
    app, flow = voice_app
    token = app.callback_token.reveal()
    steps = [step["key"] for step in MENU_FLOW["steps"]]
    paths = st.one_of(
        st.just(f"/voice/{token}/"),
        st.just(f"/voice/{token}/{flow.slug}/"),
        st.sampled_from(steps).map(lambda step: f"/voice/{token}/{flow.slug}/{step}/"),
        st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True).map(lambda s: f"/voice/{token}/{s}/"),
    )
    client = Client()

    @FUZZ
    @given(path=paths, request=requests)
    @example(path=f"/voice/{token}/", request=KNOWN_BAD[0])
    def run(path, request):
        assert_answered_and_never_failed(send(client, path, request), tally)

    run()

"""Property: whatever the platform (or anyone with the URL) posts to a voice
URL, the answer is a 200 with a valid Tropo document, never a 500 or a page,
and no request makes the handler crash (it refuses or answers).

The bodies are arbitrary bytes, arbitrary JSON, and session- and
result-shaped JSON with arbitrary values, to every kind of voice URL of a
call that is in progress (so results reach the flow engine).
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telecom.models import CallbackEvent
from tests.support.voice_flows import result_body, session_body
from voiceflows.models import CallSession
from voiceflows.tropo import load

from .test_voice_webhook import voice_path

pytestmark = pytest.mark.django_db

SESSION = "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "sessionId",
        "id",
        "callId",
        "state",
        "sequence",
        "actions",
        "name",
        "disposition",
        "interpretation",
        "value",
        "from",
        "to",
        "parameters",
        "userType",
    ]
)
shaped = st.builds(
    lambda root, inner: {root: inner},
    st.sampled_from(["session", "result"]),
    st.dictionaries(field_names, json_values, max_size=6).map(
        lambda fields: {"sessionId": SESSION, "id": SESSION, **fields}
    ),
)
actions = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["choice", "voicemail", "x"]), "disposition": scalars},
        optional={"interpretation": scalars, "value": scalars, "attempts": scalars},
    ),
    max_size=3,
)
results = st.builds(
    lambda sequence, acts, state: result_body(SESSION, sequence, acts, state=state),
    st.integers(min_value=1, max_value=10**6),
    actions,
    st.sampled_from(["ANSWERED", "DISCONNECTED", "FAILED", "weird"]),
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    shaped.map(lambda v: json.dumps(v).encode()),
    results.map(lambda v: json.dumps(v).encode()),
)
routes = st.sampled_from(
    [
        (None, None, None),
        ("menu", None, None),
        ("menu", "menu", "continue"),
        ("menu", "menu", "incomplete"),
        ("menu", "menu", "hangup"),
        ("menu", "message", None),
        ("menu", "nowhere", "continue"),
        ("elsewhere", "menu", "bogus"),
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, route=routes)
def test_any_body_gets_a_tropo_document(client, globe_app, menu_flow, body, route):
    flow, step, on = route
    CallSession.objects.filter(session_id=SESSION).delete()
    client.post(voice_path(globe_app), json.dumps(session_body(SESSION)), "application/json")

    response = client.post(voice_path(globe_app, flow, step, on), body, "application/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    load(json.loads(response.content))
    # Refused or answered, but never a crash behind the polite answer.
    assert not CallbackEvent.objects.filter(status=CallbackEvent.Status.FAILED).exists()

"""Every documented Tropo example, produced by a flow defined as data.

Each flow is a JSON file under tests/fixtures/tropo/flows/ in the
`import_flow` format (steps, their verbs and options, their routes); it is
imported into the database like any operator's flow, and the engine renders
the step named here. The document must equal the documented example
(tests/fixtures/tropo/examples/, see test_tropo_documented_examples for how
each was read from the Globe Connect SDK docs) as parsed JSON.

The examples' `next` URLs are relative paths on the app's host
(`/VoiceSample/RoutingTest1`); the flows' steps carry those names and the
engine is given that base, where Hatid gives its own /voice/<token>/<flow>/.
"""

import json

import pytest

from tests.support.tropo_fixtures import TROPO_FIXTURES, example, example_names, payload_bytes
from voiceflows import engine
from voiceflows.services.flows import export_flow, import_flow
from voiceflows.tropo import parse_result

pytestmark = pytest.mark.django_db

FLOWS = TROPO_FIXTURES / "flows"

# example -> (flow file, step rendered, base of the step URLs)
RENDERED = {
    "ask": ("ask", "welcome", "/"),
    "ask_and_answer_ask": ("ask_and_answer", "welcome", "/askanswer/"),
    "ask_and_answer_answer": ("ask_and_answer", "answer", "/askanswer/"),
    "call": ("call", "dial", "/"),
    "conference": ("conference", "welcome", "/"),
    "events": ("events", "welcome", "/"),
    "hangup": ("hangup", "thanks", "/"),
    "record": ("record", "welcome", "/"),
    "reject": ("reject", "refuse", "/"),
    "routing": ("routing", "welcome", "/VoiceSample/"),
    "routing1": ("routing", "RoutingTest1", "/VoiceSample/"),
    "routing2": ("routing", "RoutingTest2", "/VoiceSample/"),
    "say": ("say", "welcome", "/"),
    "say_audio": ("say_audio", "welcome", "/"),
    "transfer": ("transfer", "welcome", "/"),
    "transfer_whisper": ("transfer_whisper", "welcome", "/transferwhisper/"),
    "transfer_whisper_hangup": ("transfer_whisper", "hangup", "/transferwhisper/"),
    "transfer_whisper_sdk": ("transfer_whisper_sdk", "welcome", "/transferwhisper/"),
    "wait": ("wait", "welcome", "/"),
    "wait_sdk": ("wait_sdk", "welcome", "/"),
}


def flow_spec(globe_app, name: str) -> engine.FlowSpec:
    data = json.loads((FLOWS / f"{name}.json").read_text())
    return engine.FlowSpec.load(import_flow(app=globe_app, data=data))


def urls(base: str) -> engine.UrlFor:
    return lambda step, event: base + step + (f"?on={event}" if event else "")


def test_every_documented_example_has_a_flow():
    assert sorted(RENDERED) == example_names()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_flow_renders_documented_example(globe_app, name):
    flow_name, step, base = RENDERED[name]
    spec = flow_spec(globe_app, flow_name)
    variables = {}
    if name == "ask_and_answer_answer":
        # The answer step reads the zip code from what the platform posted
        # after the ask step (tests/fixtures/tropo/result_ask_success.json).
        asked = engine.render(spec, "welcome", {}, urls(base))
        variables = engine.capture(
            spec, asked.steps, parse_result(payload_bytes("result_ask_success"))
        )
        assert variables == {"foo": "52521"}
    document = engine.render(spec, step, variables, urls(base))
    assert json.loads(document.json()) == example(name)


def test_flow_round_trips_through_export(globe_app):
    data = json.loads((FLOWS / "transfer_whisper.json").read_text())
    flow = import_flow(app=globe_app, data=data)
    assert export_flow(flow) == {**data, "start": "welcome"}

"""Parsing what the platform posts: the session at the start, a result at each next URL.

Fixtures under tests/fixtures/tropo/ follow the session and result objects of
the Tropo WebAPI reference and its published request logs (docs.voxeo.com
webapi quick starts), with Globe Labs numbers.
"""

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.tropo_fixtures import payload_bytes
from voiceflows.tropo import (
    Action,
    Party,
    Result,
    Session,
    TropoError,
    parse_result,
    parse_session,
)


def test_parse_session_reads_an_incoming_call():
    session = parse_session(payload_bytes("session_inbound_call"))
    assert session.id == "89c5f45de96f8ac16aac3b57387423fb"
    assert session.call_id == "c9b15fab9e8195ca5d368faaecf2c77f"
    assert session.account_id == "62"
    assert session.timestamp == datetime(2014, 1, 15, 3, 41, 31, 291000, tzinfo=UTC)
    assert session.user_type == "HUMAN"
    assert session.initial_text is None
    assert session.caller == Party("9171234567", "+639171234567", "VOICE", "PSTN")
    assert session.callee == Party("21581029", "21581029", "VOICE", "PSTN")
    assert (session.caller_number, session.callee_number) == ("9171234567", "21581029")
    assert session.headers["CSeq"] == "1 INVITE"
    assert session.parameters == {}
    assert session.token is None
    assert not session.triggered


def test_parse_session_reads_a_token_launch_and_keeps_the_token_out_of_sight():
    session = parse_session(payload_bytes("session_token_launch"))
    assert session.triggered
    assert session.user_type == "NONE"
    assert session.call_id is None
    assert session.caller is None
    assert session.callee is None
    assert session.caller_number is None
    assert session.parameters == {
        "action": "create",
        "numberToDial": "9171234567",
        "flow": "promo-survey",
        "attempt": "2",
    }
    assert session.token == "fake-voice-token-0123456789abcdef0123456789abcdef"
    assert "fake-voice-token" not in repr(session)


def test_parse_session_tolerates_numbers_for_strings_and_missing_fields():
    session = parse_session(payload_bytes("session_numbers_as_numbers"))
    assert session.account_id == "46256"
    assert session.caller == Party("9171234567", None, "VOICE", None)
    assert session.callee_number == "21581029"
    assert session.parameters == {"numberToDial": "9171234567", "retry": "true"}
    assert session.initial_text is None
    assert session.headers == {}


def test_parse_session_accepts_bytes_text_and_parsed_json_alike():
    body = payload_bytes("session_inbound_call")
    assert parse_session(body) == parse_session(body.decode()) == parse_session(json.loads(body))


def test_parse_session_reads_latin1_bodies():
    # Tropo's older reference: accented characters arrive ISO-8859-1 encoded.
    body = '{"session": {"id": "s1", "initialText": "Magandang umaga, Se\xf1or"}}'
    assert parse_session(body.encode("latin-1")).initial_text == "Magandang umaga, Se\xf1or"
    assert parse_session(body.encode("utf-8")).initial_text == "Magandang umaga, Se\xf1or"


def test_parse_session_keeps_an_unreadable_timestamp_as_none():
    session = parse_session({"session": {"id": "s1", "timestamp": "yesterday"}})
    assert session.timestamp is None


def test_parse_result_reads_an_answered_ask():
    result = parse_result(payload_bytes("result_ask_success"))
    assert result.session_id == "89c5f45de96f8ac16aac3b57387423fb"
    assert result.call_id == "c9b15fab9e8195ca5d368faaecf2c77f"
    assert (result.state, result.session_duration, result.sequence) == ("ANSWERED", 12, 1)
    assert result.complete is True
    assert result.error is None
    assert len(result.actions) == 1
    action = result.action("foo")
    assert action is result.action()
    assert action == Action(
        name="foo",
        attempts=1,
        disposition="SUCCESS",
        confidence=100.0,
        interpretation="52521",
        utterance="5 2 5 2 1",
        value="52521",
        concept="52521",
        xml=action.xml,
    )
    assert action.xml.startswith('<?xml version="1.0"?>')
    assert action.succeeded


def test_parse_result_reads_an_ask_that_timed_out():
    action = parse_result(payload_bytes("result_ask_timeout")).action()
    assert (action.disposition, action.attempts) == ("TIMEOUT", 3)
    assert action.interpretation is None
    assert action.confidence is None
    assert not action.succeeded


def test_parse_result_reads_a_list_of_actions_by_name():
    result = parse_result(payload_bytes("result_two_asks"))
    assert [action.name for action in result.actions] == ["account_number", "pin"]
    assert result.action("pin").interpretation == "9876"
    assert result.action("pin").attempts == 2
    assert result.action("missing") is None


def test_parse_result_keeps_verb_specific_fields_raw():
    recording = parse_result(payload_bytes("result_record")).action()
    assert recording.value.endswith(".wav")
    assert recording.raw["uploadStatus"] == "success"
    transfer = parse_result(payload_bytes("result_transfer")).action()
    assert transfer.raw["connectedDuration"] == 41
    assert transfer.attempts is None


def test_parse_result_tolerates_numbers_and_booleans_as_strings():
    result = parse_result(payload_bytes("result_numbers_as_strings"))
    assert (result.session_duration, result.sequence, result.complete) == (8, 1, True)
    action = result.action("zip")
    assert action.attempts == 1
    assert action.confidence == 53.0
    # The older reference writes dispositions in lower case; they are compared upper case.
    assert action.disposition == "SUCCESS"
    assert action.interpretation == "94070"
    # The reference spells the field "utterrance"; either spelling is read.
    assert action.utterance == "nine four zero seven zero"


def test_parse_result_without_actions_has_none():
    result = parse_result(payload_bytes("result_hangup"))
    assert result.state == "DISCONNECTED"
    assert result.actions == ()
    assert result.action() is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>502 Bad Gateway</html>", "session body: is not JSON"),
        ("", "session body: is not JSON"),
        ("[" * 100_000 + "]" * 100_000, "session body: is nested too deeply"),
        ("[]", "session body: must be an object, not a list"),
        (42, "session body: must be an object, not 42"),
        ({"result": {}}, 'session body: must be {"session": {...}}'),
        ({"session": "s1"}, "session: must be an object, not 's1'"),
        ({"session": {}}, "session: id is required"),
        ({"session": {"id": ""}}, "session: id is required"),
        ({"session": {"id": ["s1"]}}, "session: id must be text, not a list"),
        ({"session": {"id": "s1", "from": "9171234567"}}, "session: from must be an object"),
        ({"session": {"id": "s1", "to": {"id": {}}}}, "session.to: id must be text"),
        ({"session": {"id": "s1", "headers": []}}, "session: headers must be an object"),
        (
            {"session": {"id": "s1", "parameters": {"numbers": ["1", "2"]}}},
            "session.parameters: 'numbers' must be text, not a list",
        ),
    ],
)
def test_parse_session_refuses_what_is_not_a_session(body, message):
    with pytest.raises(TropoError) as raised:
        parse_session(body)
    assert str(raised.value).startswith(message)


def result_with(**fields):
    return {"result": {"sessionId": "s1", **fields}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe", "result body: is not JSON"),
        ({"session": {}}, 'result body: must be {"result": {...}}'),
        ({"result": None}, "result: must be an object, not null"),
        ({"result": {"callId": "c1"}}, "result: sessionId is required"),
        (result_with(actions="zip"), "result: actions must be an object or a list, not 'zip'"),
        (result_with(actions=[{"name": "a"}, 7]), "result.actions[1]: must be an object, not 7"),
        (
            result_with(actions={"attempts": "three"}),
            "result.actions: attempts must be a whole number, not 'three'",
        ),
        (
            result_with(actions={"confidence": "high"}),
            "result.actions: confidence must be a number, not 'high'",
        ),
        (
            result_with(actions={"interpretation": {"zip": "52521"}}),
            "result.actions: interpretation must be text, not an object",
        ),
        (result_with(sessionDuration=1.5), "result: sessionDuration must be a whole number"),
        (result_with(sequence=True), "result: sequence must be a whole number, not true"),
        (result_with(complete="yes"), "result: complete must be true or false, not 'yes'"),
        (result_with(error={"code": 1}), "result: error must be text, not an object"),
        (result_with(callId=10**5000), "result: callId must be text, not a number that large"),
        (result_with(sequence=1e300), "result: sequence must be a whole number, not 1e+300"),
        (
            result_with(actions={"confidence": 10**400}),
            "result.actions: confidence must be a number, not a number that large",
        ),
    ],
)
def test_parse_result_refuses_what_is_not_a_result(body, message):
    with pytest.raises(TropoError) as raised:
        parse_result(body)
    assert str(raised.value).startswith(message)


def json_values(scalars):
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
        max_leaves=25,
    )


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
# Ints past 4300 digits cannot even be printed (nor serialised); built by a map
# so that hypothesis never has to show one in a strategy's repr.
extreme_numbers = st.sampled_from([19, 400, 5000]).map(lambda digits: -(10**digits)) | (
    st.sampled_from([1e300, -1e-300])
)
json_like = json_values(json_scalars | extreme_numbers)
serialisable_json = json_values(json_scalars)
session_keys = st.sampled_from(
    ["id", "callId", "accountId", "timestamp", "userType", "initialText", "from", "to", "headers"]
)
result_keys = st.sampled_from(
    ["callId", "state", "sessionDuration", "sequence", "complete", "error", "actions"]
)
action_keys = st.sampled_from(
    ["name", "attempts", "disposition", "confidence", "interpretation", "utterance", "value"]
)

# Arbitrary JSON, and arbitrary JSON where each field is expected: what the
# webhook may receive. Either a parsed object or a TropoError, never another
# exception (the webhook turns TropoError into a spoken error and a hangup).
session_bodies = st.one_of(
    json_like,
    st.binary(),
    st.text(),
    st.builds(lambda body: {"session": body}, json_like),
    st.builds(
        lambda fields: {"session": {"id": "s1", **fields}},
        st.dictionaries(session_keys | st.just("parameters"), json_like),
    ),
    st.builds(
        lambda key, party: {"session": {"id": "s1", key: party}},
        st.sampled_from(["from", "to"]),
        st.dictionaries(st.sampled_from(["id", "name", "channel", "network"]), json_like),
    ),
)
result_bodies = st.one_of(
    json_like,
    st.binary(),
    st.builds(lambda body: {"result": body}, json_like),
    st.builds(
        lambda fields: {"result": {"sessionId": "s1", **fields}},
        st.dictionaries(result_keys, json_like),
    ),
    st.builds(
        lambda actions: {"result": {"sessionId": "s1", "actions": actions}},
        st.dictionaries(action_keys, json_like)
        | st.lists(st.dictionaries(action_keys, json_like), max_size=3),
    ),
)


def outcome(parse, body):
    try:
        return parse(body)
    except TropoError as error:
        return error


@given(session_bodies)
def test_parse_session_raises_nothing_but_tropo_error(body):
    assert isinstance(outcome(parse_session, body), Session | TropoError)


@given(result_bodies)
def test_parse_result_raises_nothing_but_tropo_error(body):
    assert isinstance(outcome(parse_result, body), Result | TropoError)


@given(st.builds(lambda body: json.dumps({"result": body}), serialisable_json))
def test_parse_result_on_serialised_json_raises_nothing_but_tropo_error(body):
    assert isinstance(outcome(parse_result, body), Result | TropoError)

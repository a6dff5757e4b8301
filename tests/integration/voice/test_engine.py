"""The voice flow engine without a call: which flows it refuses, where a flow
starts, and which answers a result hands back as variables."""

import json

import pytest

from telecom.errors import ServiceError
from voiceflows import engine
from voiceflows.engine import FlowSpec, RouteSpec, StepSpec
from voiceflows.services.flows import import_flow
from voiceflows.tropo.result import Action, Result


def flow(*steps: StepSpec, start: str | None = None) -> FlowSpec:
    return FlowSpec(
        slug="f", start=steps[0].key if start is None else start, steps={s.key: s for s in steps}
    )


def step(key: str, verb: str = "say", *routes: RouteSpec, **options) -> StepSpec:
    return StepSpec(key=key, verb=verb, options=options or {"value": key}, routes=routes)


# --- flow_problems: what is refused ---------------------------------------------------


def test_flow_problems_none_for_a_sound_flow():
    sound = flow(
        step(
            "menu",
            "ask",
            RouteSpec(on="answer", value="1", goto="bye"),
            RouteSpec(on="answer", value="2", goto="menu"),
            RouteSpec(on="timeout", url="https://partner.example.com/timeout"),
            RouteSpec(on="hangup", goto="bye"),
            choices={"value": "1, 2"},
        ),
        step("bye", "hangup", value=None),
    )
    assert engine.flow_problems(sound) == []
    assert engine.flow_problems(FlowSpec(slug="empty", start="", steps={})) == []


def test_flow_problems_a_missing_start_step():
    assert engine.flow_problems(flow(step("a"), start="nowhere")) == [
        "the start step 'nowhere' does not exist"
    ]


def test_flow_problems_a_route_to_a_missing_step():
    broken = flow(step("a", "say", RouteSpec(on="continue", goto="ghost")))
    assert engine.flow_problems(broken) == ["a: no step 'ghost' to go to"]


def test_flow_problems_a_url_route_sharing_its_event_with_another_route():
    clash = flow(
        step(
            "a",
            "ask",
            RouteSpec(on="answer", value="1", goto="b"),
            RouteSpec(on="continue", url="https://partner.example.com/"),
            choices={"value": "1"},
        ),
        step("b"),
    )
    assert engine.flow_problems(clash) == [
        "a: a route to a URL must be the only route for 'continue'"
    ]


def test_flow_problems_routes_on_a_step_that_ends_the_call():
    for verb in ("hangup", "reject"):
        ends = flow(step("a"), step("end", verb, RouteSpec(on="continue", goto="a"), value=None))
        assert engine.flow_problems(ends) == [
            f"end: a {verb} ends the call; its routes never apply"
        ]


@pytest.mark.django_db
def test_import_flow_refuses_a_flow_with_problems(globe_app):
    data = {
        "slug": "bad",
        "steps": [
            {"key": "hi", "verb": "say", "options": {"value": "Hi"}},
            {
                "key": "bye",
                "verb": "hangup",
                "options": {},
                "routes": [{"on": "continue", "goto": "hi"}],
            },
        ],
    }
    with pytest.raises(ServiceError, match="a hangup ends the call") as caught:
        import_flow(app=globe_app, data=data)
    assert caught.value.field == "steps"


# --- the start step and the steps as loaded ------------------------------------------


@pytest.mark.django_db
def test_a_flow_without_a_start_step_starts_at_its_first_step(globe_app):
    from voiceflows.models import VoiceFlow

    flow_row = import_flow(
        app=globe_app,
        data={
            "slug": "s",
            "start": "second",
            "steps": [
                {"key": "first", "verb": "say", "options": {"value": "1"}},
                {
                    "key": "second",
                    "verb": "say",
                    "options": {"value": "2"},
                    "routes": [{"on": "continue", "goto": "first"}],
                },
            ],
        },
    )
    spec = FlowSpec.load(flow_row)
    assert spec.start == "second"
    assert spec.steps["second"].routes[0].goto == "first"
    VoiceFlow.objects.filter(pk=flow_row.pk).update(start_step=None)
    flow_row.refresh_from_db()
    assert FlowSpec.load(flow_row).start == "first"


# --- step verbs ------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["startRecording", "stopRecording"])
def test_recording_verbs_are_step_verbs_that_chain(verb):
    assert engine.options_problem(verb, _options(verb)) is None
    rec = StepSpec("rec", verb, _options(verb), (RouteSpec(on="continue", goto="bye"),))
    chained = flow(rec, StepSpec("bye", "hangup"))
    document = engine.render(chained, "rec", {}, lambda key, event: f"/{key}/{event}")
    assert document.steps == ["rec", "bye"] and document.ends


def _options(verb: str) -> dict:
    return {"url": "https://recordings.example.com/"} if verb == "startRecording" else {}


def test_options_problem_names_unknown_verbs_and_bad_options():
    assert "'dance' is not a step verb" in engine.options_problem("dance", {})
    assert "stopRecording" in engine.options_problem("dance", {})
    assert engine.options_problem("say", ["Hello"]).startswith("must be an object")
    assert engine.options_problem("say", {"value": "Hello"}) is None
    assert engine.options_problem("say", {}) is not None


# --- capture: the answers a result hands back -----------------------------------------


def result(*actions: Action) -> Result:
    return Result(session_id="s", actions=actions)


CAPTURING = flow(
    step("menu", "ask", name="choice", choices={"value": "1"}),
    step("voicemail", "record", url="https://recordings.example.com/"),
    step("hello", "say"),
)


def test_capture_keeps_an_asks_interpretation_and_a_records_url():
    found = engine.capture(
        CAPTURING,
        ["menu", "voicemail", "hello"],
        result(
            Action(name="choice", disposition="SUCCESS", interpretation="1", value="one"),
            Action(name="voicemail", disposition="SUCCESS", interpretation="x", value="rec.wav"),
        ),
    )
    assert found == {"choice": "1", "voicemail": "rec.wav"}


def test_capture_falls_back_to_the_value_when_there_is_no_interpretation():
    found = engine.capture(
        CAPTURING, ["menu"], result(Action(name="choice", disposition="SUCCESS", value="2"))
    )
    assert found == {"choice": "2"}


def test_capture_ignores_failed_unknown_and_unlisted_actions():
    actions = result(
        Action(name="choice", disposition="NOMATCH", interpretation="9"),
        Action(name="stranger", disposition="SUCCESS", interpretation="7"),
        Action(name=None, disposition="SUCCESS", interpretation="6"),
        Action(name="hello", disposition="SUCCESS", interpretation="5"),
        Action(name="voicemail", disposition="SUCCESS", value=None),
    )
    assert engine.capture(CAPTURING, ["menu", "voicemail", "hello"], actions) == {}
    ok = result(Action(name="choice", disposition="SUCCESS", interpretation="1"))
    assert engine.capture(CAPTURING, ["voicemail", "ghost"], ok) == {}


# --- rendering -----------------------------------------------------------------------------


def url_for(key, event):
    return f"/{key}/{event}"


def tropo(document) -> list:
    return json.loads(document.json())["tropo"]


def test_a_plain_route_with_words_to_say_ends_the_document_there():
    said = flow(step("a", "say", RouteSpec(on="continue", goto="b", say="x")), step("b"))
    document = engine.render(said, "a", {}, url_for)
    assert document.steps == ["a"] and not document.ends
    assert tropo(document)[1] == {
        "on": {"event": "continue", "next": "/b/None", "say": {"value": "x"}}
    }


def test_a_step_with_an_action_starts_its_own_document():
    acting = flow(
        step("a", "say", RouteSpec(on="continue", goto="b")),
        StepSpec("b", "say", {"value": "b"}, action="sms"),
    )
    assert engine.render(acting, "a", {}, url_for).steps == ["a"]


def test_routes_that_depend_on_the_answer_come_back_to_the_step():
    asking = flow(
        step(
            "a",
            "ask",
            RouteSpec(on="continue", goto="b"),
            RouteSpec(on="answer", value="1", goto="c"),
            choices={"value": "1"},
            say={"value": "?"},
        ),
        step("b"),
        step("c"),
    )
    handlers = [verb["on"] for verb in tropo(engine.render(asking, "a", {}, url_for))[1:]]
    assert handlers[0] == {"event": "continue", "next": "/a/continue"}


def test_a_document_handing_over_to_a_url_or_listening_to_hangup_only_does_not_come_back():
    handed = flow(step("a", "say", RouteSpec(on="continue", url="https://partner.example.com/")))
    document = engine.render(handed, "a", {}, url_for)
    assert document.ends
    assert tropo(document)[1] == {
        "on": {"event": "continue", "next": "https://partner.example.com/"}
    }
    hangup_only = flow(step("a", "say", RouteSpec(on="hangup", goto="b")), step("b"))
    assert engine.render(hangup_only, "a", {}, url_for).ends
    two = flow(
        step(
            "a",
            "ask",
            RouteSpec(on="continue", url="https://partner.example.com/"),
            RouteSpec(on="incomplete", goto="a"),
            choices={"value": "1"},
            say={"value": "?"},
        )
    )
    assert not engine.render(two, "a", {}, url_for).ends


def test_a_hangup_step_ends_the_document_whatever_routes_it_has():
    ends = flow(StepSpec("bye", "hangup", {}, (RouteSpec(on="continue", goto="bye"),)))
    document = engine.render(ends, "bye", {}, url_for)
    assert tropo(document) == [{"hangup": {}}] and document.ends


def test_a_step_with_options_a_variable_empties_is_refused():
    broken = flow(StepSpec("a", "say", {"value": "{nothing}"}))
    with pytest.raises(engine.FlowError, match=r"^step a: "):
        engine.render(broken, "a", {}, url_for)


def test_dial_rings_then_comes_back_either_way():
    document = engine.dial("+639171234567", caller_id="", timeout=30, url_for=url_for, start="a")
    assert not document.ends and document.steps == []
    assert tropo(document) == [
        {"call": {"to": "+639171234567", "timeout": 30}},
        {"on": {"event": "continue", "next": "/a/None"}},
        {"on": {"event": "incomplete", "next": "/a/incomplete"}},
    ]
    shown = engine.dial(
        "+639171234567", caller_id="+6321234", timeout=5, url_for=url_for, start="a"
    )
    assert tropo(shown)[0]["call"]["from"] == "+6321234"


def test_farewell_says_and_hangs_up():
    assert engine.farewell("Bye").ends and tropo(engine.farewell("Bye")) == [
        {"say": {"value": "Bye"}},
        {"hangup": {}},
    ]
    assert tropo(engine.farewell(" ")) == [{"hangup": {}}]


# --- results ---------------------------------------------------------------------------------


MENU = flow(
    StepSpec(
        "menu",
        "ask",
        {"choices": {"value": "1"}, "name": "choice"},
        (
            RouteSpec(on="answer", value="1", goto="one"),
            RouteSpec(on="timeout", goto="slow"),
            RouteSpec(on="nomatch", goto="wrong"),
            RouteSpec(on="incomplete", goto="other"),
            RouteSpec(on="continue", goto="any"),
            RouteSpec(on="hangup", goto="gone"),
            RouteSpec(on="error", url="https://partner.example.com/error"),
        ),
    ),
    *(step(key) for key in ("one", "slow", "wrong", "other", "any", "gone")),
)


@pytest.mark.parametrize(
    ("action", "goto"),
    [
        (Action(name="choice", disposition="SUCCESS", interpretation="1"), "one"),
        (Action(name="someone", disposition="SUCCESS", value="1"), "one"),  # the first action
        (Action(name="choice", disposition="SUCCESS", interpretation="2"), "any"),
        (Action(name="choice", disposition="TIMEOUT"), "slow"),
        (Action(name="choice", disposition="NOMATCH"), "wrong"),
        (Action(name="choice", disposition="HANGUP"), "other"),
        (None, "any"),
    ],
)
def test_turn_takes_the_route_the_answer_picks(action, goto):
    posted = Result(session_id="s", actions=(action,) if action else ())
    assert engine.turn(MENU, "menu", "continue", posted, {}) == engine.Turn(goto=goto)


def test_turn_on_hangup_takes_the_hangup_route_silently():
    gone = engine.Turn(goto="gone", hung_up=True, ends="the caller hung up")
    assert engine.turn(MENU, "menu", "hangup", result(), {}) == gone
    disconnected = Result(session_id="s", state="disconnected")
    assert engine.turn(MENU, "menu", None, disconnected, {}) == gone
    assert engine.turn(MENU, "nowhere", "hangup", result(), {}) == engine.Turn(
        hung_up=True, ends="the caller hung up"
    )


def test_turn_hands_over_to_a_url_route_and_ends_without_a_route():
    handed = engine.turn(MENU, "menu", "error", result(), {})
    assert handed == engine.Turn(
        url="https://partner.example.com/error",
        ends="handed over to https://partner.example.com/error",
    )
    lonely = flow(step("a"))
    assert engine.turn(lonely, "a", "continue", result(), {}) == engine.Turn(
        ends="no route of a for this answer"
    )
    assert engine.turn(lonely, "a", None, result(), {}) == engine.Turn(goto="a")


def test_a_steps_variable_is_its_name_else_its_key():
    assert StepSpec("k", "ask", {"name": "n"}).variable == "n"
    assert StepSpec("k", "ask", {"name": ""}).variable == "k"
    assert StepSpec("k", "ask", {"name": 5}).variable == "k"

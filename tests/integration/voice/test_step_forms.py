"""A voice step's form (voiceflows/admin/step_form.py): each verb's options as
fields, only the chosen verb's used; problems named beside their field; hostile
input a form error, never a 500; the options as JSON, which wins when edited;
what a Viewer sees."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from telecom.roles import VIEWERS
from tests.support.voice_flows import demo_ask_fields
from voiceflows import step_options
from voiceflows.admin.step_form import StepForm
from voiceflows.demo import DEMO_FLOW, ensure_demo_voice
from voiceflows.engine import STEP_VERBS
from voiceflows.models import Step
from voiceflows.tropo import VERBS

pytestmark = pytest.mark.django_db

DEMO_ASK = DEMO_FLOW["steps"][1]["options"]


def posted(form: StepForm, **changes) -> dict:
    """What the admin's page posts for `form` as rendered, with `changes` typed in."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True or value is False:
            value = "true" if value else "false"
        data[name] = "" if value is None else str(value)
    return {**data, **{name: str(value) for name, value in changes.items()}}


def new_step(flow, verb: str, **fields) -> StepForm:
    form = StepForm(initial={"flow": flow.pk, "verb": verb, "key": "s", "position": 0})
    return StepForm(data=posted(form, verb=verb, **fields))


def edited(step: Step, **changes) -> StepForm:
    return StepForm(data=posted(StepForm(instance=step), **changes), instance=step)


@pytest.fixture
def flow(globe_app):
    return ensure_demo_voice(globe_app).default_flow


def test_every_option_field_is_an_option_its_verb_declares():
    for verb in STEP_VERBS:
        for _, option in step_options.fields_of(verb):
            step_options.kind_at(verb, option)  # a KeyError for an option Tropo lacks
    with pytest.raises(KeyError):
        step_options.kind_at("ask", step_options.OptionField("choices.colour", "Colour"))
    assert set(step_options.VERB_FIELDS) == set(STEP_VERBS) <= set(VERBS)


VALID = {
    "say": (
        {"say_value": "Hi {caller}", "say_as": "DIGITS"},
        {"value": "Hi {caller}", "as": "DIGITS"},
    ),
    "ask": (
        demo_ask_fields(),
        DEMO_ASK,
    ),
    "record": (
        {
            "record_say": "Speak after the beep.",
            "record_url": "https://rec.example.com/up",
            "record_beep": "true",
            "record_maxTime": "60",
            "record_choices_terminator": "#",
            "record_transcription_url": "mailto:ops@example.com",
        },
        {
            "say": {"value": "Speak after the beep."},
            "url": "https://rec.example.com/up",
            "beep": True,
            "maxTime": 60,
            "choices": {"terminator": "#"},
            "transcription": {"url": "mailto:ops@example.com"},
        },
    ),
    "transfer": (
        {
            "transfer_to": "9171112222\r\nsip:agent@example.com",
            "transfer_timeout": "25.5",
            "transfer_from": "9170000000",
            "transfer_choices_terminator": "*",
        },
        {
            "to": ["9171112222", "sip:agent@example.com"],
            "timeout": 25.5,
            "from": "9170000000",
            "choices": {"terminator": "*"},
        },
    ),
    "conference": (
        {"conference_id": "room-1", "conference_mute": "true"},
        {"id": "room-1", "mute": True},
    ),
    "wait": ({"wait_milliseconds": "1500"}, {"milliseconds": 1500}),
    "call": (
        {"call_to": "9171112222", "call_channel": "VOICE"},
        {"to": "9171112222", "channel": "VOICE"},
    ),
    "message": (
        {
            "message_say": "Your code is {code}",
            "message_to": "9171112222",
            "message_channel": "TEXT",
        },
        {"say": {"value": "Your code is {code}"}, "to": "9171112222", "channel": "TEXT"},
    ),
    "hangup": ({}, {}),
    "reject": ({}, {}),
    "redirect": ({"redirect_to": "sip:desk@example.com"}, {"to": "sip:desk@example.com"}),
    "startRecording": (
        {"startRecording_url": "https://rec.example.com/up", "startRecording_format": "audio/mp3"},
        {"url": "https://rec.example.com/up", "format": "audio/mp3"},
    ),
    "stopRecording": ({}, {}),
}


@pytest.mark.parametrize("verb", STEP_VERBS)
def test_each_verbs_fields_make_its_options(flow, verb):
    fields, options = VALID[verb]
    stale = {} if verb == "say" else {"say_value": "stale text of another verb"}
    form = new_step(flow, verb, **fields, **stale)
    assert form.is_valid(), form.errors
    assert form.save().options == options


INVALID = [
    ("say", {"say_value": ""}, "say_value", "value is required"),
    ("ask", {"ask_say": "Pick one"}, "ask_choices_value", "choices is required"),
    ("ask", {"ask_choices_value": "1, 2"}, "ask_say", "say is required"),
    ("ask", {"ask_say": "Q", "ask_choices_value": "1", "ask_attempts": "0"}, "ask_attempts", ""),
    (
        "ask",
        {"ask_say": "Q", "ask_choices_value": "1", "ask_choices_mode": "dtmf-ish"},
        "ask_choices_mode",
        "",
    ),
    (
        "ask",
        {"ask_say": "Q", "ask_choices_value": "1", "ask_choices_terminator": "x"},
        "ask_choices_terminator",
        "touch-tone",
    ),
    ("record", {"record_say": "Speak"}, "record_url", "url is required"),
    ("transfer", {"transfer_to": "  \r\n "}, "transfer_to", "to is required"),
    (
        "conference",
        {"conference_id": "r", "conference_terminator": "x"},
        "conference_terminator",
        "touch-tone",
    ),
    ("wait", {"wait_milliseconds": "-5"}, "wait_milliseconds", ""),
    ("wait", {"wait_milliseconds": "1.5"}, "wait_milliseconds", "whole number"),
]


@pytest.mark.parametrize(("verb", "fields", "field", "says"), INVALID)
def test_a_bad_value_is_named_beside_its_field(flow, verb, fields, field, says):
    form = new_step(flow, verb, **fields)
    assert not form.is_valid()
    assert field in form.errors, form.errors
    assert says in " ".join(form.errors[field])
    assert "options" not in form.errors  # said once, by its field


HOSTILE = {
    "say_value": "x" * 100_000,
    "ask_attempts": "9" * 60,
    "ask_timeout": "nan",
    "wait_milliseconds": "1e400",
    "conference_mute": "{'nested': [1]}",
    "transfer_timeout": "-1",
    "call_channel": "<script>",
}


@pytest.mark.parametrize(("field", "value"), HOSTILE.items())
def test_hostile_field_values_are_form_errors(flow, field, value):
    verb = field.split("_")[0]
    form = new_step(flow, verb, **{field: value})
    assert not form.is_valid()
    if field != "conference_mute":  # a NullBooleanSelect reads anything else as "default"
        assert field in form.errors


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"value": "x" * 30_000}),
        "[1, 2]",
        '"just text"',
        json.dumps({"value": {"nested": {"deeper": [1, {"a": None}]}}}),
        json.dumps({"value": "hi", "colour": "blue"}),
        json.dumps({"value": 2**70}),
        "{not json",
    ],
)
def test_hostile_json_is_a_form_error(flow, text):
    step = flow.steps.get(key="greeting")
    form = edited(step, options=text)
    assert not form.is_valid()
    assert "options" in form.errors


def test_edited_json_wins_over_the_fields(flow):
    step = flow.steps.get(key="greeting")
    headers = {"value": "Hello from JSON", "voice": "Victor", "allowSignals": ""}
    form = edited(step, options=json.dumps(headers), say_value="typed in the field")
    assert form.is_valid(), form.errors
    assert form.save().options == headers


def test_fields_keep_the_options_they_do_not_cover(flow):
    step = flow.steps.get(key="menu")
    step.options = {**DEMO_ASK, "recognizer": "en-us", "sensitivity": 0.5}
    step.save()
    form = edited(step, ask_attempts="5", ask_say_timeout="")
    assert form.is_valid(), form.errors
    options = form.save().options
    assert options["attempts"] == 5 and options["recognizer"] == "en-us"
    assert [p.get("event") for p in options["say"]] == [None, "nomatch"]
    assert options["choices"] == DEMO_ASK["choices"]


def test_a_step_left_as_it_was_saves_its_options_unchanged(flow):
    for step in flow.steps.all():
        form = edited(step)
        assert form.is_valid(), (step.key, form.errors)
        assert form.save().options == step.options


def test_switching_the_verb_takes_the_new_verbs_fields(flow):
    step = flow.steps.get(key="greeting")
    form = edited(step, verb="wait", wait_milliseconds="2000")
    assert form.is_valid(), form.errors
    assert form.save().options == {"milliseconds": 2000}


def test_live_check_answers_each_fields_problem_or_the_json(admin_client, flow):
    url = reverse("admin:voiceflows_voiceflow_preview", args=[flow.pk])
    step = flow.steps.get(key="menu")
    fields = posted(
        StepForm(instance=step), id=step.pk, ask_attempts="0", ask_choices_terminator="xy"
    )
    answer = admin_client.post(url, fields).json()
    assert set(answer["errors"]) == {"ask_attempts", "ask_choices_terminator"}
    good = admin_client.post(
        url, {**fields, "ask_attempts": "4", "ask_choices_terminator": ""}
    ).json()
    assert good["errors"] == {} and '"attempts": 4' in good["document"]
    hostile = admin_client.post(url, {**fields, "options": "[" * 50_000}).json()
    assert "options" in hostile["errors"]


def test_a_viewer_reads_steps_without_a_form(client, flow):
    user = User.objects.create_user("victor", password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(user)
    page = client.get(reverse("admin:voiceflows_voiceflow_change", args=[flow.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "“Press 1 to hear today" in html and "step-summary" in html
    assert 'name="steps-0-verb"' not in html and 'name="steps-0-ask_say"' not in html
    step = flow.steps.get(key="menu")
    assert client.get(reverse("admin:voiceflows_step_change", args=[step.pk])).status_code == 200
    url = reverse("admin:voiceflows_voiceflow_preview", args=[flow.pk])
    checked = client.post(url, {"verb": "say", "say_value": "Hi"})  # saves nothing
    assert checked.status_code == 200 and not Step.objects.filter(key="").exists()


def test_the_flow_page_is_one_summary_line_per_step(
    admin_client, flow, django_assert_max_num_queries
):
    url = reverse("admin:voiceflows_voiceflow_change", args=[flow.pk])
    with django_assert_max_num_queries(40):
        html = admin_client.get(url).content.decode()
    assert html.count('class="step-summary"') == 6
    assert "1 → promo, 2 → hours, incomplete → goodbye" in html
    assert "Edit this step" in html and "Advanced: options as Tropo JSON" in html


@pytest.mark.parametrize(
    "changes",
    [
        {"ask_attempts": "9" * 60, "ask_say": "x" * 100_000},
        {"options": "[" * 100_000},
        {"verb": "transfer", "transfer_to": ""},
    ],
)
def test_the_step_page_answers_hostile_input_with_its_form_again(admin_client, flow, changes):
    step = flow.steps.get(key="menu")
    data = posted(StepForm(instance=step), **changes)
    management = {"routes-TOTAL_FORMS": "0", "routes-INITIAL_FORMS": "0"}
    page = admin_client.post(
        reverse("admin:voiceflows_step_change", args=[step.pk]), {**data, **management}
    )
    assert page.status_code == 200
    assert "errornote" in page.content.decode()
    step.refresh_from_db()
    assert step.options == DEMO_ASK

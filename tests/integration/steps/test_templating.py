"""The one variable syntax: `{name}`, `{{`/`}}` for a literal brace, unknown
names render as nothing, and the USSD and voice engines both render with it."""

import pytest

from telecom.steps.templating import literal, map_strings, render, render_all
from telecom.ussd import engine as ussd_engine
from voiceflows import engine as voice_engine
from voiceflows.tropo.document import render as render_document

VARIABLES = {"name": "Ana", "amount": 25, "braces": "{name}"}


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("Hi {name}!", "Hi Ana!"),
        ("{amount}.00", "25.00"),
        ("Hi {nobody}.", "Hi ."),
        ("{{name}} is {name}", "{name} is Ana"),
        ("{{{name}}}", "{Ana}"),
        ("a { b } {1} }", "a { b } {1} }"),
        ("{ name }", "{ name }"),
        ("{braces}", "{name}"),  # a value is never read as a template
        ("", ""),
    ],
)
def test_render_replaces_names_and_keeps_literal_braces(template, shown):
    assert render(template, VARIABLES) == shown


def test_render_takes_no_template_as_empty():
    assert render(None, VARIABLES) == ""


def test_literal_text_renders_as_itself():
    for text in ["{name}", "{{x}}", "a}b{", "plain"]:
        assert render(literal(text), VARIABLES) == text


def test_render_all_renders_every_string_in_json_and_keeps_the_rest():
    options = {"say": [{"value": "Hi {name}"}, {"value": "{x}", "event": "timeout"}], "n": 3}
    assert render_all(options, VARIABLES) == {
        "say": [{"value": "Hi Ana"}, {"value": "", "event": "timeout"}],
        "n": 3,
    }
    assert map_strings({"{name}": ["a"]}, str.upper) == {"{name}": ["A"]}


def test_the_ussd_and_the_voice_engine_render_the_same_text_alike():
    text = "Hi {name}, {{not}} {unknown}!"
    screen = ussd_engine.ScreenSpec(key="s", kind="end", text=text)
    step = voice_engine.StepSpec("s", "say", {"value": text})
    shown = ussd_engine.render(screen, VARIABLES)
    [said] = render_document([voice_engine.step_verb(step, VARIABLES)])["tropo"]
    assert shown == "Hi Ana, {not} !" and said == {"say": {"value": shown}}

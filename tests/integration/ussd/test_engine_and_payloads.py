"""The USSD engine (pure) and the callback payload reader."""

import pytest

from telecom.errors import RejectedPayload
from telecom.globe.inbound.ussd import dial_inputs, parse_ussd
from telecom.ussd import engine

pytestmark = pytest.mark.django_db


def test_start_shows_the_start_screen_with_numbered_options(menu):
    step = engine.start(engine.MenuSpec.load(menu))
    assert step.reply == "Welcome\n1. Info\n2. Buy load"
    assert not step.flash


def test_walking_to_an_input_validates_and_keeps_the_variable(menu):
    spec = engine.MenuSpec.load(menu)
    step = engine.start(spec, ["2", "1"])
    assert step.screen.key == "amount"
    bad = engine.advance(spec, "amount", step.variables, "lots")
    assert bad.screen.key == "amount" and bad.reply.startswith("Enter an amount")
    good = engine.advance(spec, "amount", step.variables, "50")
    assert (
        good.flash and good.reply == "Thank you! 50 pesos." and good.variables == {"amount": "50"}
    )


def test_invalid_choice_reshows_the_screen_with_a_short_error(menu):
    spec = engine.MenuSpec.load(menu)
    step = engine.advance(spec, "main", {}, "7")
    assert step.screen.key == "main" and step.reply.startswith("Invalid choice.\nWelcome")


def test_long_screens_are_cut_to_the_limit(menu, settings):
    settings.USSD_SCREEN_LIMIT = 20
    step = engine.start(engine.MenuSpec.load(menu))
    assert len(step.reply) == 20 and step.reply.endswith("…")


@pytest.mark.parametrize(
    ("dial", "inputs"),
    [
        ("*120*9996#", []),
        ("*120*9996*1*2#", ["1", "2"]),
        ("*120*9996*3#", ["3"]),
    ],
)
def test_dial_inputs(dial, inputs):
    assert dial_inputs(dial, "21589996") == inputs


def entry(**fields):
    base = {
        "datetime": "Tue May 17 2016 11:10:32 GMT+0000 (UTC)",
        "destinationAddress": "21589996",
        "senderAddress": "639171111111",
        "sessionID": "012345678912",
    }
    return {"inboundUSSDMessageList": {"inboundUSSDMessage": [{**base, **fields}]}}


@pytest.mark.parametrize(
    ("message", "extra", "starts", "presets", "text"),
    [
        (None, {"sessionStart": True}, True, (), ""),
        (["1", "2", "3"], {"sessionStart": True}, True, ("1", "2", "3"), ""),
        ("*120*9996*3#", {}, True, ("3",), ""),
        ("2", {}, False, (), "2"),
    ],
)
def test_every_documented_start_and_step_form_is_read(message, extra, starts, presets, text):
    [inp] = parse_ussd(entry(message=message, **extra), "21589996")
    assert (inp.starts, inp.presets, inp.text) == (starts, presets, text)
    assert inp.sender == "+639171111111" and inp.session_id == "012345678912"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "inboundUSSDMessageList"),
        (entry(message="1", sessionID=None), "inboundUSSDMessage[0].sessionID"),
        (entry(message="1", senderAddress="12"), "inboundUSSDMessage[0].senderAddress"),
        (entry(message={"a": 1}), "inboundUSSDMessage[0].message"),
    ],
)
def test_malformed_ussd_payloads_name_the_field(body, field):
    with pytest.raises(RejectedPayload) as caught:
        parse_ussd(body, "21589996")
    assert field in caught.value.fields

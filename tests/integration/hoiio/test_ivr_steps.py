"""IVR plans: checked before anything is dialled, and Tropo's verbs mapped
onto Hoiio's blocks where they map."""

import pytest

from telecom.hoiio.ivr_steps import PlanError, from_tropo, next_after_gather, validate_plan
from voiceflows.tropo.prompts import Choices, Say
from voiceflows.tropo.verbs import Ask, Conference, Hangup, Record, Transfer, Wait


def test_a_plan_gets_a_hangup_when_it_does_not_end():
    assert validate_plan([{"kind": "play", "msg": "hi"}]) == [
        {"kind": "play", "msg": "hi"},
        {"kind": "hangup"},
    ]


def test_a_transfer_continues_on_failure_by_default():
    [transfer] = validate_plan([{"kind": "transfer", "dest": "+639171234567"}])
    assert transfer["on_failure"] == "continue"


@pytest.mark.parametrize(
    "steps",
    [
        [{"kind": "sing"}],
        [{"kind": "play"}],
        [{"kind": "play", "msg": "x", "volume": 11}],
        [{"kind": "gather", "max_digits": 99}],
        [{"kind": "gather", "max_digits": True}],
        [{"kind": "gather", "choices": {"one": []}}],
        [{"kind": "transfer"}],
        [{"kind": "transfer", "dest": "x", "on_failure": "retry"}],
        "play",
        [{"kind": "play", "msg": "x"}] * 51,
    ],
)
def test_bad_plans_are_refused_with_the_step(steps):
    with pytest.raises(PlanError):
        validate_plan(steps)


def test_a_gathers_choices_are_checked_and_chosen():
    [gather, _] = validate_plan(
        [{"kind": "gather", "choices": {"1": [{"kind": "play", "msg": "one"}]}}]
    )
    assert next_after_gather(gather, "1") == [{"kind": "play", "msg": "one"}]
    assert next_after_gather(gather, "2") == []
    assert next_after_gather(gather, None) == []


def test_tropo_verbs_map_onto_hoiio_blocks():
    plan = from_tropo(
        [
            Say("Welcome to Hatid."),
            Ask(Choices("[4 DIGITS]"), Say("Enter your code."), attempts=3, timeout=10, name="pin"),
            Record("http://example.com/upload", say=Say("Speak now."), max_time=30, name="msg"),
            Transfer("tel:+639181234567"),
            Hangup(),
        ]
    )
    assert plan == [
        {"kind": "play", "msg": "Welcome to Hatid."},
        {
            "kind": "gather",
            "msg": "Enter your code.",
            "max_digits": 4,
            "attempts": 3,
            "timeout": 10,
            "name": "pin",
        },
        {"kind": "record", "msg": "Speak now.", "max_duration": 30, "name": "msg"},
        {"kind": "transfer", "dest": "+639181234567", "on_failure": "continue"},
        {"kind": "hangup"},
    ]


@pytest.mark.parametrize("verb", [Wait(1000), Conference("room-1")])
def test_tropo_verbs_without_a_hoiio_block_are_refused(verb):
    with pytest.raises(PlanError):
        from_tropo([verb])

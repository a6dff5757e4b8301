"""How long an SMS is in the platform's terms, at the edges of each part."""

import dataclasses

import pytest

from telecom.sms_length import measure


@pytest.mark.parametrize(
    ("text", "characters", "parts"),
    [
        ("a" * 160, 160, 1),
        ("a" * 161, 161, 2),
        ("a" * 320, 320, 2),
        ("a" * 321, 321, 3),
        ("€" * 80, 160, 1),  # an extension character counts twice
        ("€" * 81, 162, 2),
        ("{a}", 5, 1),
    ],
)
def test_measure_gsm7_parts_hold_160_units(text, characters, parts):
    assert measure(text).as_dict() == {
        "characters": characters,
        "encoding": "GSM-7",
        "per_part": 160,
        "parts": parts,
    }


@pytest.mark.parametrize(
    ("text", "characters", "parts"),
    [
        ("ą" * 70, 70, 1),
        ("ą" * 71, 71, 2),
        ("ą" * 140, 140, 2),
        ("ą" * 141, 141, 3),
        ("🙏" * 35, 70, 1),  # outside the BMP: two UTF-16 units each
        ("🙏" * 36, 72, 2),
        ("a" * 69 + "ą", 70, 1),  # one character outside GSM-7 makes it all UCS-2
    ],
)
def test_measure_ucs2_parts_hold_70_units(text, characters, parts):
    assert measure(text).as_dict() == {
        "characters": characters,
        "encoding": "UCS-2",
        "per_part": 70,
        "parts": parts,
    }


def test_measure_an_empty_text_is_one_gsm7_part_of_nothing():
    assert measure("").as_dict() == {
        "characters": 0,
        "encoding": "GSM-7",
        "per_part": 160,
        "parts": 1,
    }


def test_measure_gives_an_immutable_value():
    length = measure("Hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        length.parts = 2
    assert hash(length) == hash(measure("Hi"))

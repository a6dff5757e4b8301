"""`telecom.masking`: one number masked, and every number in a text."""

import pytest

from telecom.masking import mask_number, mask_numbers_in


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+639171234567", "+63917•••4567"),
        ("tel:+639171234567", "tel:+63917•••4567"),
        ("639171234567", "63917•••4567"),
        ("09171234567", "0917•••4567"),
        ("9171234567", "917•••4567"),
        ("+15551234567", "+1555•••4567"),  # not Philippine: its own code kept
        ("+447911123456", "+44791•••3456"),
        ("+6521234567", "+652•••4567"),  # Singapore, 8 digits: one leading kept
        ("+63281234", "+63•••34"),  # too short to keep more than two
        ("2158", "•••58"),  # a short code
        ("123", "•••"),
        ("", ""),
        ("   ", ""),
        (None, ""),
        ("alice", "•••"),  # not a number: hidden whole
        ("+63 917 123 4567", "•••"),
        ("<script>+639171234567</script>", "•••"),
        ("٠٩١٧١٢٣٤٥٦٧", "٠٩١•••٤٥٦٧"),  # Arabic-Indic digits are still digits
        (
            "\uff10\uff19\uff11\uff17\uff11\uff12\uff13\uff14\uff15\uff16\uff17",
            "\uff10\uff19\uff11•••\uff14\uff15\uff16\uff17",
        ),  # fullwidth
        (639171234567, "63917•••4567"),
    ],
)
def test_mask_number(value, masked):
    assert mask_number(value) == masked


def test_masked_numbers_keep_no_more_than_seven_digits():
    for number in ("+639171234567", "+15551234567", "09171234567"):
        shown = mask_number(number)
        assert sum(ch.isdigit() for ch in shown) <= 9 and "•••" in shown


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            '{"address": "tel:+639171234567", "senderAddress": "tel:21581234"}',
            '{"address": "tel:+63917•••4567", "senderAddress": "tel:21581234"}',
        ),
        ('{"subscriber_number": "9171234567"}', '{"subscriber_number": "917•••4567"}'),
        ("msisdn=639171234567&x=1", "msisdn=63917•••4567&x=1"),
        ("call 09171234567 now", "call 0917•••4567 now"),
        ('<a href="?q=%2B639171234567">', '<a href="?q=%2B63917•••4567">'),
        ("<td>+639171234567</td>", "<td>+63917•••4567</td>"),
        ("filters=q%3D%252B639171234567", "filters=q%3D%252B63917•••4567"),
        ("filters=q%3D09171234567&", "filters=q%3D0917•••4567&"),
        ("filters=q%253D639171234567", "filters=q%253D63917•••4567"),
        ("+639171234567,+639189876543\n", "+63917•••4567,+63918•••6543\n"),
    ],
)
def test_numbers_in_a_text_are_masked(text, masked):
    assert mask_numbers_in(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Charged PHP 1,234,567.00 on 2026-12-06 10:15:00",
        "reference 99991000001 and id 123456789",  # not a mobile number
        'nonce="abc+12345678/x="',  # base64: not a number
        'nonce="ab/+1234567890"',
        'integrity="sha384-Ab+1234567890"',
        "csrf a9171234567b",  # inside a token
        "12.9171234567",  # a decimal
        "static/app.9171234567ab.css",
    ],
)
def test_what_is_not_a_number_is_left_alone(text):
    assert mask_numbers_in(text) == text

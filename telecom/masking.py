"""Masked phone numbers: what the console shows a user who may not see them whole.

`mask_number("+639171234567")` is `+63917•••4567`: the country code and the
network prefix (who carries the number) and the last four digits (enough to
tell two subscribers apart on the phone), never the rest. `mask_numbers_in`
finds every number in a text (an HTML page, a raw JSON payload, a CSV line) in
the forms Hatid stores and providers send: E.164 (`+639171234567`, also
`tel:+…` and `%2B…` in a link), Globe's `639171234567`, the local
`09171234567` and Globe's `subscriber_number` `9171234567`.

`mask_response` is the one place the console applies it: `ConsoleSite`
passes every admin view's response through it (pages, inlines, payloads,
messages, the home page, reports, CSV exports), so a page added later cannot
forget. Users with `subscribers.view_full_number` (Operators, superusers) get
the response untouched; search runs on the query, before masking, so a
Viewer's search by a full number still finds it.
"""

import re

FULL_NUMBER_PERMISSION = "subscribers.view_full_number"
HIDDEN = "•••"

# A number written with its country code: `+` (or `%2B` in a URL, `%252B`
# in the list's filters a change page's link carries), 7 to 15 digits. The `+`
# is not one inside base64 (a CSP nonce, an integrity hash).
_INTERNATIONAL = r"(?P<plus>(?<![\w/+])\+|%(?:25)?2[Bb])(?P<intl>\d{7,15})(?!\d)"
# Philippine mobile numbers without the `+`, as Globe sends them or people
# write them; after `=` URL-encoded too (`q%3D0917…` in those filters).
_PH_BARE = r"(?:(?<=%3[Dd])|(?<=%253[Dd])|(?<![\w.+%]))(?P<bare>(?:63|0)?9\d{9})(?![\w])"
# The lookahead skips, cheaply, every position that cannot start a number: a
# list page is masked in a third of the time it takes without it.
_NUMBER = re.compile(f"(?=[+%\\d])(?:{_INTERNATIONAL}|{_PH_BARE})")

# Calling codes are 1 to 3 digits and prefix-free (ITU-T E.164), so the
# first match from the shortest is the code. Only those Hatid is likely to see
# are listed; any other number keeps one leading digit.
_KNOWN_CODES = ("1", "7", "44", "60", "61", "62", "63", "65", "66", "81", "82", "84", "86", "852")


def _country_code(digits: str) -> str:
    for size in (1, 2, 3):
        if digits[:size] in _KNOWN_CODES:
            return digits[:size]
    return digits[:1]


def _mask_national(national: str) -> str:
    """Keep up to three leading digits and the last four, hiding at least three;
    a short number (a short code, an extension) keeps only its last two."""
    if len(national) >= 10:
        return national[:3] + HIDDEN + national[-4:]
    if len(national) >= 7:
        return national[: len(national) - 7] + HIDDEN + national[-4:]
    if len(national) >= 4:
        return HIDDEN + national[-2:]
    return HIDDEN


def mask_number(value: object) -> str:
    """One number, masked. Anything that is not a number is hidden whole
    (`•••`), so a hostile or malformed value never shows through; nothing
    (None, "") stays nothing."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    prefix = ""
    if text.lower().startswith("tel:"):
        prefix, text = text[:4], text[4:]
    if text.startswith("+") and text[1:].isdigit():
        code = _country_code(text[1:])
        return prefix + "+" + code + _mask_national(text[1 + len(code) :])
    if text.isdigit():
        if len(text) == 12 and text.startswith("639"):
            return prefix + "63" + _mask_national(text[2:])
        if len(text) == 11 and text.startswith("09"):
            return prefix + "0" + _mask_national(text[1:])
        return prefix + _mask_national(text)
    return HIDDEN


def _masked(match: re.Match) -> str:
    if match.group("plus"):
        digits = match.group("intl")
        code = _country_code(digits)
        return match.group("plus") + code + _mask_national(digits[len(code) :])
    return mask_number(match.group("bare"))


def mask_numbers_in(text: str) -> str:
    """`text` with every phone number in it masked; the rest unchanged."""
    if not text:
        return text
    return _NUMBER.sub(_masked, text)


def sees_full_numbers(user) -> bool:
    return bool(user and user.has_perm(FULL_NUMBER_PERMISSION))


_TEXT_TYPES = ("text/", "application/json", "application/javascript")


def mask_response(request, response):
    """The response as `request.user` may see it: untouched for those with
    `view_full_number`, else with every number in its text masked (a streamed
    export line by line, a template once rendered)."""
    if sees_full_numbers(getattr(request, "user", None)):
        return response
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(_TEXT_TYPES):
        return response  # a fax's PDF, an image: no text to mask
    charset = response.charset
    if response.streaming:
        response.streaming_content = (
            _mask_chunk(chunk, charset) for chunk in response.streaming_content
        )
    elif hasattr(response, "render") and not response.is_rendered:
        response.add_post_render_callback(lambda rendered: _mask_content(rendered, charset))
    else:
        _mask_content(response, charset)
    return response


def _mask_chunk(chunk, charset: str):
    if isinstance(chunk, bytes):
        return mask_numbers_in(chunk.decode(charset, errors="replace")).encode(charset)
    return mask_numbers_in(chunk)


def _mask_content(response, charset: str) -> None:
    response.content = mask_numbers_in(response.content.decode(charset, errors="replace"))

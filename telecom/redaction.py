"""Redaction: secrets never reach a log line, a stored provider exchange or an admin page.

Globe Labs puts access tokens in query strings (also inside the `resourceURL`
of its answers) and secrets in JSON and form bodies; Hoiio sends its `app_id`
and `access_token` pair with every request (and its published SDK prints
both); Hatid's own callback URLs (Hoiio's `notify_url`, a number's
`forward_to`, the `next` URLs of the Tropo JSON Hatid answers with) carry the
app's callback token in the path, sometimes URL-encoded inside a form value.
Every function here returns a copy with those values replaced by REDACTED:
secret-named fields whole, and, inside any other string, `name=value` pairs
and the callback token of Hatid's URLs.

`telecom.fields.RedactedTextField` and its kin apply this to every row
before it is written; `RedactingFilter` to every log line, where it also
masks phone numbers (`mask_numbers`).
"""

import json
import logging
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[redacted]"

# Names (compared lower-case) whose string values are secrets, whichever
# provider or body they appear in.
SECRET_NAMES = frozenset(
    {
        "access_token",
        "app_id",
        "app_secret",
        "passphrase",
        "rewards_token",
        "code",
        "token",
        "password",
        "secret",
        "api_key",
        "authorization",
        "cookie",
        "x-api-key",
        "pin",
    }
)

_ASSIGNMENT = re.compile(
    r"(?P<name>" + "|".join(sorted(SECRET_NAMES, key=len, reverse=True)) + r")"
    r"(?P<sep>=|\"\s*:\s*\"|'\s*:\s*')"
    # A value redacted already is left alone, so that redacting a redacted
    # text (a stored row's fields redact what the request log redacted) is
    # one search that finds nothing.
    r"(?P<value>(?!\[redacted\](?:[&\s\"',}]|$))[^&\s\"',}]+)",
    re.IGNORECASE,
)
# Hatid's own unguessable path tokens: /callbacks/globe/<token>/..., /voice/<token>/...,
# also URL-encoded (%2F) inside a form value or a query string.
_SLASH = r"(?:/|%2F)"
_PATH_TOKEN = re.compile(
    rf"({_SLASH}(?:callbacks{_SLASH}[a-z]+|voice|consent{_SLASH}[a-z]+){_SLASH})"
    r"([A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-])",
    re.IGNORECASE,
)
_REDACTED_PATH = re.compile(r"(/(?:callbacks/[a-z]+|voice)/)" + re.escape(REDACTED) + r"(?=/)")
_API_KEY = re.compile(r"(Api-Key\s+)\S+", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return name.lower() in SECRET_NAMES


def _keep_name(match: re.Match) -> str:
    return f"{match['name']}{match['sep']}{REDACTED}"


def _keep_prefix(match: re.Match) -> str:
    return f"{match[1]}{REDACTED}"


# Each pattern, the lower-case words every match of it contains, and how far
# before such a word its match begins: a secret name at its start, a path
# token's prefix word after `/` or `%2F`, the API key's scheme at its start.
_RULES = (
    (_ASSIGNMENT, tuple(sorted(SECRET_NAMES)), (0,), _keep_name),
    (_PATH_TOKEN, ("callbacks", "voice", "consent"), (1, 3), _keep_prefix),
    (_API_KEY, ("api-key",), (0,), _keep_prefix),
)


def redact_text(text: str) -> str:
    if not text.isascii():
        # Case folds beyond ASCII (the Kelvin sign is a k): the patterns' own search.
        return _redact_by_search(text)
    lowered = text.lower()
    for pattern, words, offsets, replace in _RULES:
        for word in words:  # most texts hold none of the words: the usual answer
            if word in lowered:
                break
        else:
            continue
        redacted = _sub_at(pattern, text, _starts(lowered, words, offsets), replace)
        if redacted is not text:
            text, lowered = redacted, redacted.lower()
    return text


def _redact_by_search(text: str) -> str:
    for pattern, _words, _offsets, replace in _RULES:
        text = pattern.sub(replace, text)
    return text


def _starts(lowered: str, words: tuple[str, ...], offsets: tuple[int, ...]) -> list[int]:
    """Where in ASCII text a match can begin: the positions of `words`, less `offsets`.

    The patterns' own search tries their alternatives at every position, a
    tenth of a millisecond on a provider's answer (the request log's and its
    row's redactions were a tenth of a delivery worker's CPU); finding the
    words costs a few microseconds, and most texts hold none."""
    starts = []
    for word in words:
        at = lowered.find(word)
        while at != -1:
            starts.extend(at - offset for offset in offsets if at >= offset)
            at = lowered.find(word, at + 1)
    return sorted(starts)


def _sub_at(pattern: re.Pattern, text: str, starts: list[int], replace) -> str:
    """`pattern.sub(replace, text)` where a match can only begin at `starts`
    (sorted); `text` itself when nothing matched."""
    pieces = []
    end = 0
    for start in starts:
        if start < end:
            continue  # inside the last match, as the search would have skipped it
        match = pattern.match(text, start)
        if match:
            pieces += (text[end:start], replace(match))
            end = match.end()
    if not pieces:
        return text
    pieces.append(text[end:])
    return "".join(pieces)


def restore_path_token(text: str, token: str) -> str:
    """`text` (a Tropo document Hatid kept) with `token` back in the paths
    `redact_text` redacted: what Hatid answered, to answer a repeat with."""
    return _REDACTED_PATH.sub(lambda m: f"{m[1]}{token}", text)


def redact_data(value):
    """A deep copy of JSON-like data with secret-named string values replaced,
    and every other string redacted as text (a URL's `access_token=`)."""
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and is_secret_name(key) and isinstance(item, str) and item
            else redact_data(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_data(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        (key, REDACTED if is_secret_name(key) and value else redact_text(value))
        for key, value in pairs
    ]


def redact_query(query: str) -> str:
    return urlencode(redact_pairs(parse_qsl(query, keep_blank_values=True)), safe=":/[]")


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    path = _PATH_TOKEN.sub(lambda m: f"{m[1]}{REDACTED}", parts.path)
    return urlunsplit(parts._replace(path=path, query=redact_query(parts.query)))


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {key: REDACTED if is_secret_name(key) else value for key, value in headers.items()}


def redact_body(body: bytes | str | None, content_type: str = "") -> str:
    """A printable, redacted copy of a request or response body."""
    if body is None:
        return ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if not text:
        return ""
    if "json" in content_type or text.lstrip()[:1] in ("{", "["):
        try:
            return json.dumps(redact_data(json.loads(text)), ensure_ascii=False)
        except (ValueError, RecursionError):
            # Nested deeper than Python parses: redacted as text below.
            pass
    if "x-www-form-urlencoded" in content_type:
        return redact_query(text)
    return redact_text(text)


# A phone number in any form Hatid meets one (639171234567, +639171234567,
# 09171234567, 9171234567, tel:+63..., %2B63... in a URL): 10 to 15 digits
# not inside a longer run of digits, nor after a decimal point.
_NUMBER = re.compile(r"(?<![\d.])(tel:|%2B|\+)?(\d{6,11})(\d{4})(?!\d)", re.IGNORECASE)


def mask_numbers(text: str) -> str:
    """`text` with every phone number's digits but the last four masked."""
    return _NUMBER.sub(lambda m: f"{m[1] or ''}{'*' * len(m[2])}{m[3]}", text)


def scrub_log_text(text: str) -> str:
    return mask_numbers(redact_text(text))


class RedactingFilter(logging.Filter):
    """The filter of every log handler (config/settings.py LOGGING, which
    Celery's processes use too): each record's final message, and its
    traceback, with secrets redacted and phone numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub_log_text(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_log_text(record.stack_info)
        return True

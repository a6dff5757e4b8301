"""Redaction: secrets never reach a log line, an OutboundCall row or an admin page.

Globe Labs puts access tokens in query strings and secrets in JSON and form
bodies; Hoiio sends its `app_id` and `access_token` pair with every request
(and its published SDK prints both); Hatid's own callback URLs carry the
app's callback token in the path.
Every function here returns a copy with those values replaced by REDACTED.
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
    r"(?P<sep>=|\"\s*:\s*\"|'\s*:\s*')(?P<value>[^&\s\"',}]+)",
    re.IGNORECASE,
)
# Hatid's own unguessable path tokens: /callbacks/globe/<token>/..., /voice/<token>/...
_PATH_TOKEN = re.compile(
    r"(/(?:callbacks/[a-z]+|voice|consent/[a-z]+)/)([A-Za-z0-9_\-]{16,})(?=/|$)"
)
_API_KEY = re.compile(r"(Api-Key\s+)\S+", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return name.lower() in SECRET_NAMES


def redact_text(text: str) -> str:
    text = _ASSIGNMENT.sub(lambda m: f"{m['name']}{m['sep']}{REDACTED}", text)
    text = _PATH_TOKEN.sub(lambda m: f"{m[1]}{REDACTED}", text)
    return _API_KEY.sub(lambda m: f"{m[1]}{REDACTED}", text)


def redact_data(value):
    """A deep copy of JSON-like data with secret-named string values replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and is_secret_name(key) and isinstance(item, str) and item
            else redact_data(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_data(item) for item in value]
    return value


def redact_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(key, REDACTED if is_secret_name(key) and value else value) for key, value in pairs]


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


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

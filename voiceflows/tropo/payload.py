"""Reading JSON bodies, and the lenient coercions the platform's payloads need.

Tropo posts its session and result objects as JSON, UTF-8 by the current
reference and ISO-8859-1 by the older one ("any encoded data, like accented
characters, will be passed to your app as ISO-8859-1 encoded in the JSON",
docs.voxeo.com/webapi/2.0 session and result pages), so bytes that are not
UTF-8 are read as Latin-1. Values the reference types as Integer or String
sometimes arrive as the other (`"sessionDuration": "5"`, `"id": 9171234567`);
the coercions here accept both and raise TropoError for anything else.
"""

import json
import math
import re
from typing import Any

from .errors import TropoError
from .options import describe

_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")
# No field Tropo sends holds a longer number (ids, durations, counts); a longer
# one is malformed, and Python refuses to print ints past 4300 digits anyway.
_LARGEST = 10**18


def _not_json(name: str) -> float:
    raise ValueError(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    """JSON (RFC 8259) has no infinities: a number too large for a float is refused,
    as `NaN` and `Infinity` are, so nothing parsed here fails to be stored as JSON."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large a number")
    return value


def _holds_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def decode_json(body: Any, where: str) -> Any:
    """Parsed JSON from bytes or text; anything else is taken as already parsed."""
    if isinstance(body, bytes | bytearray):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            body = bytes(body).decode("latin-1")
    if isinstance(body, str):
        try:
            data = json.loads(body, parse_constant=_not_json, parse_float=_finite)
        except ValueError as error:
            raise TropoError(where, f"is not JSON ({error})") from None
        except RecursionError:
            raise TropoError(where, "is nested too deeply to be a Tropo payload") from None
        if _holds_nul(data):
            # No Tropo field holds a NUL, and PostgreSQL can store none in text or JSON.
            raise TropoError(where, "holds a NUL character (\\u0000)")
        return data
    return body


def text(value: Any, where: str, key: str) -> str | None:
    """A string field: text as is, a number as its decimal form, null as None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) < _LARGEST:
            return str(value)
        raise TropoError(where, "must be text, not a number that large", option=key)
    raise TropoError(where, f"must be text, not {describe(value)}", option=key)


def whole(value: Any, where: str, key: str) -> int | None:
    """An Integer field: a whole number, or text holding one."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) < _LARGEST and float(value).is_integer():
            return int(value)
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    raise TropoError(where, f"must be a whole number, not {describe(value)}", option=key)


def number(value: Any, where: str, key: str) -> float | None:
    """A numeric field that may carry a fraction (confidence), or text holding one."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = float(value) if abs(value) < _LARGEST else math.nan
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            result = math.nan
    else:
        result = math.nan
    if not math.isfinite(result):
        raise TropoError(where, f"must be a number, not {describe(value)}", option=key)
    return result


def flag(value: Any, where: str, key: str) -> bool | None:
    """A Boolean field: true/false, or the text "true"/"false"."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise TropoError(where, f"must be true or false, not {describe(value)}", option=key)


def text_map(value: Any, where: str, key: str) -> dict[str, str]:
    """An object of text values (headers, parameters); scalars become text."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TropoError(where, f"must be an object, not {describe(value)}", option=key)
    result = {}
    for name, item in value.items():
        if isinstance(item, bool):
            result[name] = "true" if item else "false"
        elif item is None:
            result[name] = ""
        else:
            result[name] = text(item, f"{where}.{key}", repr(name)) or ""
    return result


def mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TropoError(where, f"must be an object, not {describe(value)}")
    return value

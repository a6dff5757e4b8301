"""The one variable syntax of USSD screens, voice steps and message texts.

`{name}` stands for a variable: an answer collected earlier (a USSD input, a
voice ask's or record's `name`), a parameter of an outbound call, `caller`,
`callee`... A name is a letter or `_`, then letters, digits or `_`. A
variable that is not known renders as nothing, the same for both.

A literal brace is written twice, as in Python's `str.format`: `{{` shows
`{` and `}}` shows `}` (so `{{name}}` shows `{name}`). Any other brace is
kept as typed (`{ }`, `{1}`, a lone `}`), so texts without variables need no
care.

Pure: no database, no Django. The renderer makes one pass, so a value that
itself holds braces is never read as a template.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
TOKEN = re.compile(r"\{\{|\}\}|\{(" + NAME + r")\}")


def render(template: str | None, variables: dict) -> str:
    """`template` with each `{name}` replaced by its variable's value."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]  # `{{` or `}}`: one literal brace
        return str(variables.get(name, ""))

    return TOKEN.sub(replace, template or "")


def names(template: str | None) -> list[str]:
    """The variables `template` uses, each once, in order of appearance."""
    found = (match.group(1) for match in TOKEN.finditer(template or ""))
    return list(dict.fromkeys(name for name in found if name))


def render_all(value: Any, variables: dict) -> Any:
    """Every string inside a JSON-like value (a voice step's options) rendered."""
    return map_strings(value, lambda text: render(text, variables))


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """A JSON-like value with `change` applied to every string in it; keys and
    other values kept."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [map_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: map_strings(item, change) for key, item in value.items()}
    return value


def literal(text: str) -> str:
    """`text` written so that it renders as itself (its braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")

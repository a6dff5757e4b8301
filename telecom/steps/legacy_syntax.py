"""The variable syntaxes before `templating`'s one, and the rewriting of stored
texts between them; used by the data migrations that moved existing screens
and steps over (telecom 0012, voiceflows 0006), and by nothing else.

- USSD screens had `{name}` with no way to write a literal brace: `{{x}}`
  showed `{` and x's value and `}`.
- Voice steps had `{{name}}` (spaces allowed inside), and single braces were
  literal: `{name}` showed `{name}`.

`upgrade` rewrites an old text into the one syntax so that it renders exactly
as before (a literal brace doubled where needed); a text the new renderer
already reads the same way is left as it is. `downgrade` goes back, for a
reverse migration; a literal `{name}` has no old USSD spelling and a literal
`{{name}}` no old voice one, so those few come back as variables. Inside
JSON (a voice step's options), apply them with `templating.map_strings`.
"""

from __future__ import annotations

import re

from telecom.steps.templating import NAME, TOKEN, literal

USSD = re.compile(r"\{(" + NAME + r")\}")
VOICE = re.compile(r"\{\{\s*(" + NAME + r")\s*\}\}")
USSD_VARIABLE = "{%s}"
VOICE_VARIABLE = "{{%s}}"


def _tokens(pattern: re.Pattern, text: str) -> list:
    return [(match.span(), match.group(1)) for match in pattern.finditer(text)]


def upgrade(text: str, old: re.Pattern) -> str:
    """`text`, written in the `old` syntax, in the one syntax."""
    if _tokens(old, text) == _tokens(TOKEN, text):
        return text  # the same variables in the same places, no escapes: read alike
    parts, end = [], 0
    for match in old.finditer(text):
        parts += [literal(text[end : match.start()]), f"{{{match.group(1)}}}"]
        end = match.end()
    return "".join([*parts, literal(text[end:])])


def downgrade(text: str, old: re.Pattern, variable: str) -> str:
    """`text`, in the one syntax, back in the `old` one (`variable` spells a name)."""
    if _tokens(old, text) == _tokens(TOKEN, text):
        return text
    return TOKEN.sub(lambda m: variable % m.group(1) if m.group(1) else m.group(0)[0], text)

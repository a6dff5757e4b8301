"""What an ask's `choices` accept: Tropo's simple grammar, matched against what
the caller keyed or said.

Tropo's choices reference (docs.voxeo.com/webapi/2.0 "choices", "Simple
Grammar"): a comma-separated list of entries; an entry is a word or phrase,
optionally followed by its synonyms in parentheses, `sales(1, sales, buy)`,
and the entry's first word is what the caller chose (the result's `value`
and `interpretation`). The built-in grammars `[N DIGITS]`, `[N-M DIGITS]`
and `[DIGITS]` take touch-tone digits; `[ANY]` takes anything. A grammar
given by URL (an SRGS/GrXML file) cannot be evaluated here and accepts
anything.

Plain Python, like the rest of the package: the sandbox's platform and the
admin's walk-through simulator both match answers with it.
"""

import re
from dataclasses import dataclass

_DIGITS = re.compile(r"\[\s*(?:(\d+)\s*(?:-\s*(\d+))?\s+)?DIGITS?\s*\]", re.IGNORECASE)
_ANY = re.compile(r"\[\s*ANY\s*\]", re.IGNORECASE)
_ENTRY = re.compile(r"^(?P<word>[^()]+?)\s*(?:\((?P<synonyms>[^()]*)\))?$")


@dataclass(frozen=True)
class Match:
    """What the platform understood: `interpretation` and `value` (the entry
    chosen, or the digits) and `utterance` (what was heard, as keyed)."""

    interpretation: str
    utterance: str


def _entries(grammar: str) -> list[str]:
    """Top-level comma-separated entries (commas inside parentheses belong to synonyms)."""
    entries, depth, current = [], 0, []
    for char in grammar:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            entries.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    entries.append("".join(current).strip())
    return [entry for entry in entries if entry]


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _digits_match(entry: str, said: str) -> str | None:
    found = _DIGITS.fullmatch(entry)
    if not found:
        return None
    digits = said.replace(" ", "")
    if not digits.isdigit():
        return None
    low = int(found[1]) if found[1] else 1
    high = int(found[2]) if found[2] else (low if found[1] else 10**6)
    return digits if low <= len(digits) <= high else None


def match(grammar: str, said: str) -> Match | None:
    """The match of `said` against `grammar`, or None (a nomatch)."""
    said = (said or "").strip()
    if not said:
        return None
    grammar = (grammar or "").strip()
    if grammar.lower().startswith(("http://", "https://")):
        return Match(said, said)
    for entry in _entries(grammar):
        if _ANY.fullmatch(entry):
            return Match(said, said)
        if entry.startswith("["):
            digits = _digits_match(entry, said)
            if digits is not None:
                return Match(digits, said)
            continue
        parsed = _ENTRY.match(entry)
        if parsed is None:
            continue
        word = parsed["word"].strip()
        synonyms = [s.strip() for s in (parsed["synonyms"] or "").split(",") if s.strip()]
        if _normal(said) in {_normal(word), *(_normal(s) for s in synonyms)}:
            return Match(word, said)
    return None

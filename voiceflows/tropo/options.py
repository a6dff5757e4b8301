"""Option kinds: what each Tropo option may hold, and how it goes to and from JSON.

A verb (see `verbs.py`) is a frozen dataclass whose fields are declared with
`option()`: the Tropo key with Tropo's exact spelling, the kind of value, and
whether Tropo requires it. From those declarations this module gives the
package its three mechanisms, so no verb writes its own:

- `TropoObject.__post_init__` validates an object built in Python;
- `dump_object` writes it as Tropo JSON: unset options omitted, keys in the
  order the fields are declared (required first, then alphabetical);
- `load_object` reads Tropo JSON back, with errors naming the full path.

A subclass of `TropoObject` provides `tropo_name` (the JSON key, `"ask"`),
fields declared with `option()`, and may override `check()` for rules that
span several options.
"""

import re
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar

from .errors import TropoError


def describe(value: Any) -> str:
    """A value as an error message shows it: `'wav'`, `true`, `5000`, `a list`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, int) and abs(value) >= 10**18:
        return "a number that large"  # repr() refuses ints past 4300 digits
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


class Kind:
    """What one option may hold.

    A subclass provides `problem(value)`: None when a Python value is
    acceptable, otherwise the rest of a sentence that follows the option name
    ("must be a whole number, not '5000'"). Kinds whose JSON form differs from
    the Python value (lists, nested objects) also override `normalize`, `dump`
    and `load`.
    """

    def normalize(self, value: Any) -> Any:
        return value

    def label(self, key: str) -> str:
        """How errors name the option: its Tropo key, or a path inside it."""
        return key

    def problem(self, value: Any) -> str | None:
        raise NotImplementedError

    def dump(self, value: Any) -> Any:
        return value

    def load(self, data: Any, where: str, key: str) -> Any:
        problem = self.problem(data)
        if problem:
            raise TropoError(where, problem, option=key)
        return data


class Text(Kind):
    """A string; optionally one of `allowed`, or matching `pattern` (told as `shape`)."""

    def __init__(self, *, allowed: tuple[str, ...] = (), pattern: str = "", shape: str = ""):
        self.allowed = allowed
        self.pattern = re.compile(pattern) if pattern else None
        self.shape = shape

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be text, not {describe(value)}"
        if not value.strip():
            return "must not be empty"
        if self.allowed and value not in self.allowed:
            choices = ", ".join(repr(a) for a in self.allowed)
            return f"must be one of {choices}, not {describe(value)}"
        if self.pattern and not self.pattern.fullmatch(value):
            return f"must be {self.shape}, not {describe(value)}"
        return None


class Flag(Kind):
    def problem(self, value: Any) -> str | None:
        if not isinstance(value, bool):
            return f"must be true or false, not {describe(value)}"
        return None


# Tropo's Integer is a 32-bit int; nothing it counts (milliseconds, attempts)
# comes near. A bound also keeps every value printable and JSON-serialisable.
LARGEST = 2**31 - 1


class Integer(Kind):
    """A whole number (Tropo's Integer), from `minimum` to LARGEST."""

    def __init__(self, *, minimum: int = 0):
        self.minimum = minimum

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {describe(value)}"
        if not self.minimum <= value <= LARGEST:
            return f"must be from {self.minimum} to {LARGEST}, not {describe(value)}"
        return None


class Number(Kind):
    """Tropo's Float: seconds, confidence levels. From 0 to LARGEST."""

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number, not {describe(value)}"
        if not 0 <= value <= LARGEST:  # also false for NaN
            return f"must be a number from 0 to {LARGEST}, not {describe(value)}"
        return None


class TextOrList(Kind):
    """One string or a non-empty list of them: `to` (several destinations, first
    to answer wins) and `allowSignals` (`""` makes a verb uninterruptible)."""

    def __init__(self, *, noun: str, allow_empty: bool = False):
        self.noun = noun
        self.allow_empty = allow_empty

    def normalize(self, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    def problem(self, value: Any) -> str | None:
        if isinstance(value, str):
            if not value.strip() and not self.allow_empty:
                return "must not be empty"
            return None
        if (
            isinstance(value, tuple)
            and value
            and all(isinstance(item, str) and item.strip() for item in value)
        ):
            return None
        return f"must be {self.noun} or a non-empty list of them, not {describe(value)}"

    def dump(self, value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    def load(self, data: Any, where: str, key: str) -> Any:
        return super().load(self.normalize(data), where, key)


class Headers(Kind):
    """SIP headers: an object of text values."""

    def normalize(self, value: Any) -> Any:
        return dict(value) if isinstance(value, dict) else value

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
        ):
            return f"must be an object of header names to text values, not {describe(value)}"
        return None

    def dump(self, value: Any) -> Any:
        return dict(value)


class Nested(Kind):
    """One Tropo object inside another (`choices`, an `ask` inside an `on`)."""

    def __init__(self, cls: type["TropoObject"]):
        self.cls = cls

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, self.cls):
            return f"must be a {self.cls.__name__}, not {describe(value)}"
        return None

    def dump(self, value: Any) -> Any:
        return dump_object(value)

    def load(self, data: Any, where: str, key: str) -> Any:
        return load_object(self.cls, data, f"{where}.{key}")


class OneOrMany(Nested):
    """An object or a non-empty list of them, kept in the shape given: Tropo
    treats `"say": {...}` and `"say": [{...}]` alike, and a stored flow must
    render back exactly as it was loaded."""

    def normalize(self, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    def problem(self, value: Any) -> str | None:
        if isinstance(value, tuple) and value and all(isinstance(v, self.cls) for v in value):
            return None
        if isinstance(value, self.cls):
            return None
        name = self.cls.__name__
        return f"must be a {name} or a non-empty list of {name} objects, not {describe(value)}"

    def dump(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return [dump_object(item) for item in value]
        return dump_object(value)

    def load(self, data: Any, where: str, key: str) -> Any:
        if isinstance(data, list):
            if not data:
                raise TropoError(where, "must not be an empty list", option=key)
            return tuple(
                load_object(self.cls, item, f"{where}.{key}[{index}]")
                for index, item in enumerate(data)
            )
        return super().load(data, where, key)


class FlagOr(Nested):
    """`true`/`false` or an object: `joinPrompt`, `machineDetection`."""

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool | self.cls):
            return None
        return f"must be true, false or a {self.cls.__name__}, not {describe(value)}"

    def dump(self, value: Any) -> Any:
        return value if isinstance(value, bool) else dump_object(value)

    def load(self, data: Any, where: str, key: str) -> Any:
        if isinstance(data, bool):
            return data
        return super().load(data, where, key)


# A touch-tone key: what ends input, a recording or a transfer.
DTMF_KEY = Text(pattern=r"[0-9*#]", shape="one touch-tone key (0-9, * or #)")


class Terminator(Kind):
    """The key that ends a `record` or cancels a `transfer`. Tropo reads it from
    `"choices": {"terminator": "#"}` on those verbs (the record and transfer
    pages of the Tropo WebAPI reference: "choices allows you to define a
    terminator"); `value` and `mode` mean nothing there, so the Python side is
    just the key."""

    def label(self, key: str) -> str:
        return f"{key}.terminator"

    def problem(self, value: Any) -> str | None:
        return DTMF_KEY.problem(value)

    def dump(self, value: Any) -> Any:
        return {"terminator": value}

    def load(self, data: Any, where: str, key: str) -> Any:
        if not isinstance(data, dict) or set(data) != {"terminator"}:
            raise TropoError(
                where,
                f'must be {{"terminator": "<key>"}} and nothing else, not {describe(data)}',
                option=key,
            )
        return super().load(data["terminator"], where, self.label(key))


@dataclass(frozen=True)
class Spec:
    key: str
    kind: Kind
    required: bool


def option(key: str, kind: Kind, *, required: bool = False, positional: bool = False) -> Any:
    """Declare a verb field: its exact Tropo key, its kind, whether Tropo requires it.

    Every field defaults to None (unset, left out of the JSON); a required one
    left unset raises TropoError, not TypeError, so Python-built and loaded
    verbs fail the same way.
    """
    return field(
        default=None, kw_only=not positional, metadata={"tropo": Spec(key, kind, required)}
    )


def specs(cls: type) -> list[tuple[str, Spec]]:
    return [(f.name, f.metadata["tropo"]) for f in fields(cls)]


class TropoObject:
    """Base of every verb and nested object; validates on construction.

    A subclass is a frozen dataclass that sets `tropo_name` (its JSON key),
    declares its fields with `option()`, and may override `check()`.
    """

    tropo_name: ClassVar[str]

    def __post_init__(self) -> None:
        for name, spec in specs(type(self)):
            value = getattr(self, name)
            if value is None:
                if spec.required:
                    raise TropoError(
                        self.tropo_name, "is required", option=spec.kind.label(spec.key)
                    )
                continue
            value = spec.kind.normalize(value)
            object.__setattr__(self, name, value)
            problem = spec.kind.problem(value)
            if problem:
                raise TropoError(self.tropo_name, problem, option=spec.kind.label(spec.key))
        self.check()

    def check(self) -> None:
        """Rules spanning several options; a subclass raises TropoError."""

    def fail(self, problem: str, *, option: str | None = None) -> None:
        raise TropoError(self.tropo_name, problem, option=option)


class Verb(TropoObject):
    """A TropoObject that may stand in a document's `tropo` list."""


def dump_object(obj: TropoObject) -> dict[str, Any]:
    return {
        spec.key: spec.kind.dump(getattr(obj, name))
        for name, spec in specs(type(obj))
        if getattr(obj, name) is not None
    }


T = TypeVar("T", bound=TropoObject)


def load_object(cls: type[T], data: Any, where: str) -> T:
    if not isinstance(data, dict):
        raise TropoError(where, f"must be an object, not {describe(data)}")
    by_key = {spec.key: (name, spec) for name, spec in specs(cls)}
    values = {}
    for key, item in data.items():
        if key not in by_key:
            known = ", ".join(by_key) or "no options"
            raise TropoError(
                where, f"has no option {describe(key)}; a {cls.tropo_name} takes {known}"
            )
        name, spec = by_key[key]
        # A null is an unset option (some Tropo libraries write every option,
        # null when unset); rendering leaves it out.
        if item is not None:
            values[name] = spec.kind.load(item, where, key)
    try:
        return cls(**values)
    except TropoError as error:
        raise error.located(where) from None

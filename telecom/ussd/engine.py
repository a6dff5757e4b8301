"""The USSD menu engine: given a menu, where a subscriber is and what they
typed, what to show next. Pure: no database writes and no provider calls, so
the same code answers real sessions and the admin's walk-through preview.
Screen texts name variables as `{name}` (`telecom.steps.templating`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings

from telecom.steps import templating

INVALID_CHOICE = "Invalid choice."


@dataclass(frozen=True)
class OptionSpec:
    position: int
    label: str
    target: str


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    kind: str  # menu, input, end
    text: str
    variable: str = ""
    validation: str = "any"
    min_length: int = 1
    max_length: int = 20
    next_key: str = ""
    options: tuple[OptionSpec, ...] = ()
    action: str = ""
    pk: int | None = None


@dataclass(frozen=True)
class MenuSpec:
    start: str
    screens: dict[str, ScreenSpec]

    @classmethod
    def load(cls, menu) -> MenuSpec:
        """The menu's screens and options, read in one query (the screens
        joined to their options, a row per option; a USSD step reads this
        every time)."""
        rows = menu.screens.order_by("pk", "options__position").values_list(
            *_SCREEN_FIELDS, "next_screen__key", *_OPTION_FIELDS
        )
        screens: dict[int, dict] = {}
        for row in rows:
            fields = dict(zip(_SCREEN_FIELDS, row, strict=False))
            next_key, position, label, target = row[len(_SCREEN_FIELDS) :]
            screen = screens.setdefault(fields["pk"], {**fields, "next_key": next_key or ""})
            if position is not None:
                screen.setdefault("options", []).append(OptionSpec(position, label, target))
        specs = {
            s["key"]: ScreenSpec(**{**s, "options": tuple(s.get("options", ()))})
            for s in screens.values()
        }
        first = next(iter(screens.values()), None)
        start = screens[menu.start_screen_id]["key"] if menu.start_screen_id in screens else ""
        return cls(start=start or (first["key"] if first else ""), screens=specs)


_SCREEN_FIELDS = (
    "pk",
    "key",
    "kind",
    "text",
    "variable",
    "validation",
    "min_length",
    "max_length",
    "action",
)
_OPTION_FIELDS = ("options__position", "options__label", "options__target__key")


@dataclass
class Step:
    screen: ScreenSpec
    reply: str
    flash: bool
    variables: dict = field(default_factory=dict)
    error: str = ""

    @property
    def ends(self) -> bool:
        return self.flash


def render(screen: ScreenSpec, variables: dict, error: str = "") -> str:
    lines = [error] if error else []
    # A variable not collected yet leaves no trailing blanks behind.
    lines.extend(line.strip() for line in templating.render(screen.text, variables).splitlines())
    lines.extend(f"{o.position}. {o.label}" for o in screen.options)
    text = "\n".join(line for line in lines if line)
    limit = settings.USSD_SCREEN_LIMIT
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(menu: MenuSpec, key: str, variables: dict, error: str = "") -> Step:
    screen = menu.screens[key]
    return Step(
        screen=screen,
        reply=render(screen, variables, error),
        flash=screen.kind == "end",
        variables=dict(variables),
        error=error,
    )


def validate(screen: ScreenSpec, text: str) -> str:
    """Why the input is refused ("" when it is fine)."""
    value = text.strip()
    if not screen.min_length <= len(value) <= screen.max_length:
        return f"Enter {screen.min_length} to {screen.max_length} characters."
    if screen.validation == "digits" and not value.isdigit():
        return "Digits only, please."
    if screen.validation == "amount":
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return "Enter an amount, like 50 or 12.50."
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            return "Enter an amount, like 50 or 12.50."
    return ""


def advance(menu: MenuSpec, key: str, variables: dict, text: str) -> Step:
    """The subscriber, looking at screen `key`, sent `text`."""
    screen = menu.screens[key]
    value = (text or "").strip()
    if screen.kind == "menu":
        target = next((o.target for o in screen.options if str(o.position) == value), None)
        if target is None or target not in menu.screens:
            return show(menu, key, variables, INVALID_CHOICE)
        return show(menu, target, variables)
    if screen.kind == "input":
        problem = validate(screen, value)
        if problem:
            return show(menu, key, variables, problem)
        updated = {**variables, screen.variable: value}
        if not screen.next_key or screen.next_key not in menu.screens:
            return show(menu, key, updated, "")
        return show(menu, screen.next_key, updated)
    return show(menu, key, variables)  # an end screen: nothing more to do


def start(menu: MenuSpec, presets: list[str] | None = None) -> Step:
    """Dialing: the start screen, then each preset input (`*120*1234*1*2#`) in turn."""
    step = show(menu, menu.start, {})
    for value in presets or []:
        if step.flash:
            break
        step = advance(menu, step.screen.key, step.variables, value)
    return step

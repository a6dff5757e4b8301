"""The USSD engine at its edges: input limits, amounts, the start screen,
screens of exactly the length the platform takes, dangling targets."""

import dataclasses

import pytest

from telecom.ussd import engine
from telecom.ussd.engine import MenuSpec, OptionSpec, ScreenSpec


def input_screen(**fields) -> ScreenSpec:
    return ScreenSpec(**{"key": "ask", "kind": "input", "text": "Enter:", **fields})


@pytest.mark.parametrize(
    ("text", "refused"),
    [("a", True), ("ab", False), (" ab ", False), ("abcd", False), ("abcde", True)],
)
def test_validate_input_length_is_between_min_and_max_inclusive(text, refused):
    problem = engine.validate(input_screen(min_length=2, max_length=4), text)
    assert (problem == "Enter 2 to 4 characters.") is refused
    assert (problem == "") is not refused


@pytest.mark.parametrize(
    ("text", "refused"), [("", True), ("x", False), ("x" * 20, False), ("x" * 21, True)]
)
def test_validate_default_length_is_1_to_20(text, refused):
    assert bool(engine.validate(input_screen(), text)) is refused


@pytest.mark.parametrize(("text", "refused"), [("0917", False), ("09a7", True), ("9.5", True)])
def test_validate_digits(text, refused):
    problem = engine.validate(input_screen(validation="digits"), text)
    assert problem == ("Digits only, please." if refused else "")
    assert engine.validate(input_screen(validation="any"), text) == ""


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("1", False),
        ("0.50", False),
        ("12.5", False),
        ("0", True),
        ("0.00", True),
        ("-5", True),
        ("1.234", True),
        ("abc", True),
        ("NaN", True),
        ("Infinity", True),
    ],
)
def test_validate_amount_is_positive_with_at_most_centavos(text, refused):
    problem = engine.validate(input_screen(validation="amount"), text)
    assert problem == ("Enter an amount, like 50 or 12.50." if refused else "")


MENU = MenuSpec(
    start="main",
    screens={
        "main": ScreenSpec(
            key="main",
            kind="menu",
            text="Hi {name}",
            options=(OptionSpec(1, "Ask", "ask"), OptionSpec(2, "Gone", "missing")),
        ),
        "ask": input_screen(variable="name", next_key="bye"),
        "bye": ScreenSpec(key="bye", kind="end", text="Bye {name}"),
        "loop": input_screen(key="loop", variable="x"),
        "lost": input_screen(key="lost", variable="y", next_key="missing"),
    },
)


def test_an_option_to_a_missing_screen_is_an_invalid_choice():
    step = engine.advance(MENU, "main", {}, "2")
    assert step.screen.key == "main" and step.error == engine.INVALID_CHOICE
    assert step.reply == "Invalid choice.\nHi\n1. Ask\n2. Gone"


def test_a_valid_input_moves_on_keeping_the_variable_and_the_end_screen_flashes():
    step = engine.advance(MENU, "ask", {}, " Ana ")
    assert (step.screen.key, step.reply, step.flash, step.ends) == ("bye", "Bye Ana", True, True)
    assert step.variables == {"name": "Ana"}
    assert engine.advance(MENU, "bye", step.variables, "9").reply == "Bye Ana"


@pytest.mark.parametrize("key", ["loop", "lost"])
def test_an_input_without_a_next_screen_stays_with_the_variable_kept(key):
    step = engine.advance(MENU, key, {}, "v")
    assert step.screen.key == key and not step.flash and step.error == ""
    assert list(step.variables.values()) == ["v"]


def test_an_invalid_input_stays_with_the_reason_and_keeps_nothing():
    step = engine.advance(MENU, "ask", {}, "")
    assert step.screen.key == "ask" and step.variables == {}
    assert step.reply == "Enter 1 to 20 characters.\nEnter:"


def test_start_walks_presets_and_ignores_those_after_an_end_screen():
    step = engine.start(MENU, ["1", "Ana", "extra", "more"])
    assert step.screen.key == "bye" and step.reply == "Bye Ana"
    assert engine.start(MENU).reply == "Hi\n1. Ask\n2. Gone"
    assert engine.start(MENU, None).screen.key == "main"


def test_a_screen_of_exactly_the_limit_is_not_cut(settings):
    settings.USSD_SCREEN_LIMIT = 10
    exact = ScreenSpec(key="e", kind="end", text="x" * 10)
    assert engine.render(exact, {}) == "x" * 10
    over = ScreenSpec(key="e", kind="end", text="x" * 11)
    assert engine.render(over, {}) == "x" * 9 + "…"


def test_render_fills_variables_and_drops_blank_lines():
    screen = ScreenSpec(key="s", kind="end", text="  Hello {name} \n\n{missing}\nbye ")
    assert engine.render(screen, {"name": "Ana"}) == "Hello Ana\nbye"
    assert engine.render(screen, {"name": "Ana"}, "Oops") == "Oops\nHello Ana\nbye"


def test_specs_are_immutable_values():
    screen = input_screen()
    with pytest.raises(dataclasses.FrozenInstanceError):
        screen.text = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        OptionSpec(1, "a", "b").target = "c"
    with pytest.raises(dataclasses.FrozenInstanceError):
        MENU.start = "ask"
    assert hash(screen) == hash(input_screen())


@pytest.mark.django_db
def test_a_menu_without_a_start_screen_starts_at_its_first_screen(globe_app):
    from telecom.models import UssdMenu, UssdScreen

    menu = UssdMenu.objects.create(app=globe_app, name="No start")
    assert MenuSpec.load(menu).start == ""
    first = UssdScreen.objects.create(menu=menu, key="first", kind="end", text="One")
    UssdScreen.objects.create(menu=menu, key="second", kind="input", text="Two", next_screen=first)
    spec = MenuSpec.load(menu)
    assert spec.start == "first"
    assert (spec.screens["second"].next_key, spec.screens["first"].next_key) == ("first", "")

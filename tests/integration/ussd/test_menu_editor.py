"""The menu page's screen cards: options edited in place, screens added with
the options leading to them in one request, every error beside its field,
read-only for Viewers, and a constant number of queries."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from telecom.errors import ServiceError
from telecom.models import UssdMenu, UssdOption, UssdScreen
from telecom.roles import OPERATORS, VIEWERS
from telecom.services.ussd_menus import OptionPlan, ScreenPlan, save_menu_screens
from telecom.ussd import engine
from tests.support.form_fields import form_fields
from tests.support.ussd_menus import shop_menu

pytestmark = pytest.mark.django_db


def staff_client(client, username, group):
    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def operator(client):
    return staff_client(client, "olive", OPERATORS)


def page_url(menu):
    return reverse("admin:telecom_ussdmenu_change", args=[menu.pk])


def card(data: dict, key: str) -> str:
    """The form prefix of the card whose key is `key` ("screens-2")."""
    keys = (name for name, value in data.items() if value == key and name.endswith("-key"))
    return next(keys).removesuffix("-key")


def page_data(client, menu) -> dict:
    return form_fields(client.get(page_url(menu)).content.decode())


def add_option(data: dict, prefix: str, position, label, target) -> None:
    total = f"{prefix}-options-TOTAL_FORMS"
    n = int(data[total])
    data.update(
        {
            f"{prefix}-options-{n}-position": str(position),
            f"{prefix}-options-{n}-label": label,
            f"{prefix}-options-{n}-target": str(target),
        }
    )
    data[total] = str(n + 1)


def add_screen(data: dict, **fields) -> str:
    n = int(data["screens-TOTAL_FORMS"])
    prefix = f"screens-{n}"
    defaults = {"validation": "any", "min_length": "1", "max_length": "20", "action": ""}
    data.update({f"{prefix}-{name}": str(value) for name, value in {**defaults, **fields}.items()})
    data.update({f"{prefix}-options-TOTAL_FORMS": "0", f"{prefix}-options-INITIAL_FORMS": "0"})
    data["screens-TOTAL_FORMS"] = str(n + 1)
    return prefix


def options_of(menu, key) -> list[tuple[int, str, str]]:
    screen = UssdScreen.objects.get(menu=menu, key=key)
    return [(o.position, o.label, o.target.key) for o in screen.options.order_by("position")]


def saved(response) -> bool:
    return response.status_code == 302


def test_the_page_shows_each_screen_with_its_numbered_options(operator, menu):
    data = page_data(operator, menu)
    main = card(data, "main")
    info = UssdScreen.objects.get(key="info")
    assert data[f"{main}-options-0-position"] == "1"
    assert data[f"{main}-options-0-label"] == "Info"
    assert data[f"{main}-options-0-target"] == str(info.pk)
    amount = card(data, "amount")
    assert data[f"{amount}-next_ref"] == str(UssdScreen.objects.get(key="done").pk)
    assert data[f"{card(data, 'done')}-action"] == "charge"


def test_unchanged_page_saves_without_changing_the_menu(operator, menu):
    before = engine.MenuSpec.load(menu).screens
    response = operator.post(page_url(menu), page_data(operator, menu))
    assert saved(response), response.content.decode()[-3000:]
    assert engine.MenuSpec.load(menu).screens.keys() == before.keys()
    assert [s.options for s in engine.MenuSpec.load(menu).screens.values()] == [
        s.options for s in before.values()
    ]


def test_options_are_edited_added_and_removed_in_place(operator, menu):
    data = page_data(operator, menu)
    main = card(data, "main")
    data[f"{main}-options-0-label"] = "About us"
    data[f"{main}-options-1-DELETE"] = "on"
    add_option(data, main, 3, "Amount", UssdScreen.objects.get(key="amount").pk)
    assert saved(operator.post(page_url(menu), data))
    assert options_of(menu, "main") == [(1, "About us", "info"), (3, "Amount", "amount")]


def test_two_options_may_swap_numbers_and_two_screens_their_keys(operator, menu):
    data = page_data(operator, menu)
    main, info, load = card(data, "main"), card(data, "info"), card(data, "load")
    data[f"{main}-options-0-position"], data[f"{main}-options-1-position"] = "2", "1"
    data[f"{info}-key"], data[f"{load}-key"] = "load", "info"
    assert saved(operator.post(page_url(menu), data))
    assert options_of(menu, "main") == [(1, "Buy load", "info"), (2, "Info", "load")]


def test_a_new_screen_and_the_option_leading_to_it_are_saved_together(operator, menu):
    data = page_data(operator, menu)
    help_card = add_screen(data, key="help", kind="menu", text="Help")
    help_ref = f"new-{help_card.split('-')[1]}"
    add_option(data, help_card, 1, "Back to info", UssdScreen.objects.get(key="info").pk)
    add_option(data, card(data, "main"), 3, "Help", help_ref)
    ask = add_screen(data, key="ask", kind="input", text="Your name?", variable="name")
    data[f"{ask}-next_ref"] = help_ref
    response = operator.post(page_url(menu), data)
    assert saved(response), response.content.decode()[-3000:]
    assert options_of(menu, "main")[-1] == (3, "Help", "help")
    assert options_of(menu, "help") == [(1, "Back to info", "info")]
    assert UssdScreen.objects.get(menu=menu, key="ask").next_screen.key == "help"
    spec = engine.MenuSpec.load(menu)
    assert engine.advance(spec, "main", {}, "3").reply == "Help\n1. Back to info"


def test_a_screen_is_removed_with_its_options(operator, menu):
    data = page_data(operator, menu)
    data[f"{card(data, 'main')}-options-0-DELETE"] = "on"
    data[f"{card(data, 'info')}-DELETE"] = "on"
    assert saved(operator.post(page_url(menu), data))
    assert not UssdScreen.objects.filter(menu=menu, key="info").exists()
    assert options_of(menu, "main") == [(2, "Buy load", "load")]


def test_a_menu_built_from_scratch_on_the_add_page(operator, globe_app):
    data = form_fields(operator.get(reverse("admin:telecom_ussdmenu_add")).content.decode())
    data.update(app=str(globe_app.pk), name="Fresh")
    start = add_screen(data, key="start", kind="menu", text="Hello")
    bye = add_screen(data, key="bye", kind="end", text="Bye", action="sms", action_text="Hi")
    add_option(data, start, 1, "Leave", f"new-{bye.split('-')[1]}")
    response = operator.post(reverse("admin:telecom_ussdmenu_add"), data)
    assert saved(response), response.content.decode()[-3000:]
    menu = UssdMenu.objects.get(name="Fresh")
    assert menu.start_screen.key == "start"
    assert options_of(menu, "start") == [(1, "Leave", "bye")]


def errors_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_duplicate_option_numbers_are_refused_beside_the_number(operator, menu):
    data = page_data(operator, menu)
    main = card(data, "main")
    data[f"{main}-options-1-position"] = "1"
    html = errors_of(operator.post(page_url(menu), data))
    assert "Another option of this screen is number 1." in html
    assert options_of(menu, "main") == [(1, "Info", "info"), (2, "Buy load", "load")]


def test_an_option_leading_to_another_menus_screen_is_refused(operator, menu, globe_app):
    other = shop_menu(globe_app, name="Other", is_live=False)
    data = page_data(operator, menu)
    data[f"{card(data, 'main')}-options-0-target"] = str(other.start_screen.pk)
    html = errors_of(operator.post(page_url(menu), data))
    assert "Choose one of this menu&#x27;s screens." in html
    assert options_of(menu, "main")[0] == (1, "Info", "info")


def test_a_menu_screen_without_options_is_refused(operator, menu):
    data = page_data(operator, menu)
    load = card(data, "load")
    data[f"{load}-options-0-DELETE"] = "on"
    html = errors_of(operator.post(page_url(menu), data))
    assert "A menu screen needs at least one option." in html
    assert options_of(menu, "load") == [(1, "Other amount", "amount")]


def test_an_option_leading_to_a_screen_being_removed_is_refused(operator, menu):
    data = page_data(operator, menu)
    data[f"{card(data, 'info')}-DELETE"] = "on"
    html = errors_of(operator.post(page_url(menu), data))
    assert "That screen is being removed or left empty." in html
    assert UssdScreen.objects.filter(menu=menu, key="info").exists()


def test_a_key_used_twice_and_an_input_without_next_screen_are_refused(operator, menu):
    data = page_data(operator, menu)
    data[f"{card(data, 'load')}-key"] = "info"
    data[f"{card(data, 'amount')}-next_ref"] = ""
    html = errors_of(operator.post(page_url(menu), data))
    assert "Another screen of this menu is called &#x27;info&#x27;." in html
    assert "Where to go once the answer is in." in html


@pytest.mark.parametrize(
    "change",
    [
        {"screens-0-text": "x" * 100_000},
        {"screens-0-key": "not a slug!" * 50},
        {"screens-0-options-0-position": "one"},
        {"screens-0-options-0-position": "99999999999999999999"},
        {"screens-0-options-0-label": "y" * 10_000},
        {"screens-0-options-0-target": "new-999999"},
        {"screens-0-options-0-target": "'; drop table"},
        {"screens-0-kind": "teleport"},
        {"screens-0-options-TOTAL_FORMS": "1000000"},
        {"screens-0-options-TOTAL_FORMS": "many"},
        {"screens-TOTAL_FORMS": "99999999"},
        {"screens-INITIAL_FORMS": "-3"},
        {"screens-0-id": "999999"},
        {"screens-0-max_length": "-1"},
    ],
)
def test_hostile_input_is_a_form_error_not_a_500(operator, menu, change):
    data = page_data(operator, menu)
    assert data["screens-0-key"] == "main"
    data.update(change)
    response = operator.post(page_url(menu), data)
    assert response.status_code == 200
    assert b"errornote" in response.content or b"errorlist" in response.content
    assert options_of(menu, "main") == [(1, "Info", "info"), (2, "Buy load", "load")]


def test_viewers_see_the_screens_read_only(client, menu):
    viewer = staff_client(client, "victor", VIEWERS)
    html = viewer.get(page_url(menu)).content.decode()
    assert "screens-0-key" not in html and "data-add-screen" not in html
    assert "1. Info" in html and "Enter amount:" in html
    assert "charge" in html.lower()
    data = {"name": "Taken over", "screens-TOTAL_FORMS": "0", "screens-INITIAL_FORMS": "0"}
    assert viewer.post(page_url(menu), data).status_code == 403
    assert UssdMenu.objects.get(pk=menu.pk).name == "Main"


def grow(menu, screens: int) -> None:
    start = menu.start_screen
    for n in range(screens):
        extra = UssdScreen.objects.create(menu=menu, key=f"m{n}", kind="menu", text=f"Menu {n}")
        UssdOption.objects.create(screen=extra, position=1, label="Home", target=start)
        end = UssdScreen.objects.create(
            menu=menu, key=f"e{n}", kind="end", text="Bye", action="sms", action_text="Hi"
        )
        UssdOption.objects.create(screen=extra, position=2, label="Bye", target=end)


@pytest.mark.parametrize("client_kind", ["operator", "viewer"])
def test_the_page_reads_a_constant_number_of_queries(
    client, menu, client_kind, django_assert_max_num_queries
):
    user = staff_client(client, client_kind, OPERATORS if client_kind == "operator" else VIEWERS)
    with CaptureQueriesContext(connection) as small:
        assert user.get(page_url(menu)).status_code == 200
    grow(menu, 10)
    with django_assert_max_num_queries(len(small)):
        html = user.get(page_url(menu)).content.decode()
    assert "m9" in html


def test_the_service_refuses_a_reference_to_no_screen_of_the_menu(menu):
    main = UssdScreen.objects.get(menu=menu, key="main")
    plan = ScreenPlan(str(main.pk), main, options=[OptionPlan(1, "Lost", "new-7")])
    with pytest.raises(ServiceError, match="no screen 'new-7'"):
        save_menu_screens(menu=menu, screens=[plan])

"""The USSD menu's graph (`telecom/admin/ussd_graph.py`) on its change page:
screens as nodes, numbered options and an input's answer as labelled edges,
end screens as ends, a menu without options or an input without a next
screen as dead ends, in two queries whatever the menu's size."""

from itertools import pairwise

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from telecom.admin.ussd_graph import menu_graph
from telecom.demo import ensure_demo_menu
from telecom.models import UssdMenu, UssdOption, UssdScreen
from telecom.roles import VIEWERS
from telecom.templatetags.ussd_graph import ussd_menu_graph
from tests.support.browser import PASSWORD
from tests.support.ussd_menus import shop_menu

pytestmark = pytest.mark.django_db


def test_the_shop_menu_as_screens_and_options(globe_app):
    menu = shop_menu(globe_app)
    graph = menu_graph(menu)

    assert graph.start == "main"
    assert {(e.source, e.target, e.label) for e in graph.edges} == {
        ("main", "info", "1. Info"),
        ("main", "load", "2. Buy load"),
        ("load", "amount", "1. Other amount"),
        ("amount", "done", "{amount} typed"),
    }
    assert graph.by_key["done"].terminal and graph.by_key["done"].kind == "end · charge"
    assert (graph.unreachable(), graph.dead_ends()) == ([], [])
    info = UssdScreen.objects.get(menu=menu, key="info")
    assert graph.by_key["info"].url == reverse("admin:telecom_ussdscreen_change", args=[info.pk])


def test_a_menu_without_options_and_an_input_without_next_are_dead_ends(globe_app):
    menu = shop_menu(globe_app)
    UssdOption.objects.filter(screen__menu=menu, screen__key="load").delete()
    UssdScreen.objects.filter(menu=menu, key="amount").update(next_screen=None)

    graph = menu_graph(menu)

    assert graph.dead_ends() == ["load", "amount"]
    assert graph.unreachable() == ["done", "amount"]  # in the menu's order


def test_the_graph_reads_a_100_screen_menu_in_two_queries(globe_app, django_assert_num_queries):
    menu = UssdMenu.objects.create(app=globe_app, name="Long")
    screens = UssdScreen.objects.bulk_create(
        [UssdScreen(menu=menu, key=f"s{i}", kind="menu", text=f"Screen {i}") for i in range(99)]
        + [UssdScreen(menu=menu, key="bye", kind="end", text="Bye")]
    )
    onward = [UssdOption(screen=a, position=1, label="On", target=b) for a, b in pairwise(screens)]
    back = [UssdOption(screen=a, position=2, label="Back", target=screens[0]) for a in screens[1:]]
    UssdOption.objects.bulk_create(onward + back)

    with django_assert_num_queries(2):
        html = ussd_menu_graph(menu)

    assert html.count('class="hatid-graph-node') == 100
    assert "Every screen can be reached" in html


def test_the_change_page_draws_the_demo_menu_for_a_viewer(
    client, globe_app, django_assert_max_num_queries
):
    menu = ensure_demo_menu(globe_app)
    victor = User.objects.create_user("victor", password=PASSWORD, is_staff=True)
    victor.groups.add(Group.objects.get(name=VIEWERS))
    client.force_login(victor)

    # The screens' inline costs queries per screen; the graph adds two in all.
    with django_assert_max_num_queries(80):
        page = client.get(reverse("admin:telecom_ussdmenu_change", args=[menu.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="menu-graph"' in html and html.count('class="hatid-graph-node') == 5
    assert "1. Get a tip by SMS" in html and "{name} typed" in html
    assert html.index('id="menu-graph"') < html.index('id="screens-group"')


def test_the_change_page_escapes_screen_texts(admin_client, globe_app):
    menu = ensure_demo_menu(globe_app)
    UssdScreen.objects.create(
        menu=menu, key="evil", kind="end", text='</text><script>alert(1)</script>"'
    )

    page = admin_client.get(reverse("admin:telecom_ussdmenu_change", args=[menu.pk]))
    html = page.content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in html
    assert "1 screen cannot be reached from the start: evil" in html

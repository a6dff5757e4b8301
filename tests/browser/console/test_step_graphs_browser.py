"""The graph on a voice flow's and a USSD menu's change page, in a real
browser, for an Operator and a Viewer: the demo flow's and the demo menu's
steps are drawn as nodes, the start is marked, and a click on a node opens
that step or screen. With HATID_SCREENSHOTS=1 the pictures land in
docs/screenshots/ (flow-graph.png, menu-graph.png)."""

import re

import pytest

from telecom.demo import ensure_demo_menu
from telecom.models import UssdScreen
from voiceflows.demo import ensure_demo_voice
from voiceflows.models import Step

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FLOW_STEPS = ["greeting", "menu", "promo", "hours", "goodbye", "hangup"]
MENU_SCREENS = ["main", "about", "thanks", "name", "more"]


def node(page, key):
    return page.locator(f".hatid-graph-node[data-node='{key}']")


def check_flow_graph(page, flow):
    expect = playwright.expect
    page.goto(f"{page.base}/admin/voiceflows/voiceflow/{flow.pk}/change/")
    graph = page.locator("#flow-graph")
    expect(graph.locator(".hatid-graph-node")).to_have_count(len(FLOW_STEPS))
    for key in FLOW_STEPS:
        expect(node(page, key)).to_be_visible()
    expect(node(page, "greeting")).to_have_class(re.compile(r"\bstart\b"))
    expect(node(page, "hangup")).to_have_class(re.compile(r"\bend\b"))
    expect(node(page, "menu")).to_contain_text("Press 1 to hear today")
    expect(graph.locator(".hatid-graph-label", has_text="“2”")).to_have_count(1)
    expect(graph.locator(".hatid-graph-ok")).to_contain_text("Every step can be reached")


def test_an_operator_sees_the_demo_flow_as_a_graph_and_opens_a_step(
    console, globe_app, screenshots
):
    flow = ensure_demo_voice(globe_app).default_flow
    console.set_viewport_size({"width": 1500, "height": 1000})
    check_flow_graph(console, flow)
    console.locator("#flow-graph").screenshot(path=str(screenshots / "flow-graph.png"))

    node(console, "hours").click()

    hours = Step.objects.get(flow=flow, key="hours")
    console.wait_for_url(f"**/admin/voiceflows/step/{hours.pk}/change/")
    playwright.expect(console.locator("input[name=key]")).to_have_value("hours")


def test_a_viewer_sees_the_flow_graph_and_reads_a_step(viewer_console, globe_app):
    flow = ensure_demo_voice(globe_app).default_flow
    check_flow_graph(viewer_console, flow)

    node(viewer_console, "promo").click()

    promo = Step.objects.get(flow=flow, key="promo")
    viewer_console.wait_for_url(f"**/admin/voiceflows/step/{promo.pk}/change/")
    playwright.expect(viewer_console.locator("#content h2, #content h1").first).to_be_visible()
    playwright.expect(viewer_console.locator("#content")).to_contain_text("promo")


def check_menu_graph(page, menu):
    expect = playwright.expect
    page.goto(f"{page.base}/admin/telecom/ussdmenu/{menu.pk}/change/")
    graph = page.locator("#menu-graph")
    expect(graph.locator(".hatid-graph-node")).to_have_count(len(MENU_SCREENS))
    expect(node(page, "main")).to_have_class(re.compile(r"\bstart\b"))
    expect(node(page, "thanks")).to_have_class(re.compile(r"\bend\b"))
    expect(graph.locator(".hatid-graph-label", has_text="1. Get a tip by SMS")).to_have_count(1)
    expect(graph.locator(".hatid-graph-label", has_text="{name} typed")).to_have_count(1)


def test_an_operator_sees_the_demo_menu_as_a_graph_and_opens_a_screen(
    console, globe_app, screenshots
):
    menu = ensure_demo_menu(globe_app)
    # A screen no option leads to, and a menu screen with no option: both flagged.
    UssdScreen.objects.create(menu=menu, key="survey", kind="end", text="Rate us 1 to 5")
    UssdScreen.objects.create(menu=menu, key="later", kind="menu", text="Coming soon")
    screens = [*MENU_SCREENS, "survey", "later"]
    console.set_viewport_size({"width": 1500, "height": 1000})
    console.goto(f"{console.base}/admin/telecom/ussdmenu/{menu.pk}/change/")
    graph = console.locator("#menu-graph")
    playwright.expect(graph.locator(".hatid-graph-node")).to_have_count(len(screens))
    playwright.expect(node(console, "survey")).to_have_class(re.compile(r"\bunreachable\b"))
    playwright.expect(node(console, "later")).to_have_class(re.compile(r"\bdead\b"))
    problems = graph.locator(".hatid-graph-problems")
    playwright.expect(problems).to_contain_text(
        "2 screens cannot be reached from the start: survey, later"
    )
    playwright.expect(problems).to_contain_text("1 screen is a dead end")
    graph.screenshot(path=str(screenshots / "menu-graph.png"))

    node(console, "name").click()

    name = UssdScreen.objects.get(menu=menu, key="name")
    console.wait_for_url(f"**/admin/telecom/ussdscreen/{name.pk}/change/")
    playwright.expect(console.locator("input[name=key]")).to_have_value("name")


def test_a_viewer_sees_the_menu_graph_and_reads_a_screen(viewer_console, globe_app):
    menu = ensure_demo_menu(globe_app)
    check_menu_graph(viewer_console, menu)

    node(viewer_console, "about").click()

    about = UssdScreen.objects.get(menu=menu, key="about")
    viewer_console.wait_for_url(f"**/admin/telecom/ussdscreen/{about.pk}/change/")
    playwright.expect(viewer_console.locator("#content")).to_contain_text("Salamat")

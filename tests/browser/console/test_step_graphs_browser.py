"""The graph on a voice flow's and a USSD menu's change page, in a real
browser, for an Operator and a Viewer: the demo flow's and the demo menu's
steps are drawn as nodes, the start is marked, and a click on a node opens
that step or screen. With HATID_SCREENSHOTS=1 the pictures land in
docs/screenshots/ (flow-graph.png, menu-graph.png)."""

import itertools
import re

import pytest

from telecom.demo import ensure_demo_menu
from telecom.models import UssdScreen
from voiceflows.demo import ensure_demo_voice
from voiceflows.models import Step
from voiceflows.services.flows import ask_step, import_flow, say_step

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
    console.set_viewport_size({"width": 1900, "height": 1000})
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
    console.set_viewport_size({"width": 1900, "height": 1000})
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


def hundred_step_flow() -> dict:
    """A hotline of 100 steps: menus three deep, each answer a branch, every
    menu's timeout back to the one above, every leaf on to the goodbye."""
    steps = [say_step("welcome", "Welcome to the hotline.", "main")]
    menus, queue = [], ["main"]
    while len(menus) < 32:  # 1 + main + 32 menus x 3 answers + goodbye + end = 100
        key = queue.pop(0)
        menus.append(key)
        queue += [f"{key}-{n}" for n in (1, 2, 3)]
    leaves = queue
    for key in menus:
        parent = key.rsplit("-", 1)[0] if "-" in key else "goodbye"
        children = [f"{key}-{n}" for n in (1, 2, 3)]
        routes = [{"on": "answer", "value": str(n), "goto": c} for n, c in enumerate(children, 1)]
        routes.append({"on": "incomplete", "goto": parent})
        steps.append(
            ask_step(
                key,
                choices={"value": "1, 2, 3", "mode": "dtmf"},
                say={"value": f"Menu {key}: press 1, 2 or 3, or wait to go back."},
                routes=routes,
            )
        )
    steps += [say_step(key, f"All about {key}, in a few words.", "goodbye") for key in leaves]
    steps += [say_step("goodbye", "Thank you for calling.", "end")]
    steps += [{"key": "end", "verb": "hangup"}]
    return {"slug": "hotline", "name": "Hotline", "start": "welcome", "steps": steps}


def boxes(page, selector):
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const b = e.getBoundingClientRect();"
        " return [b.left, b.top, b.right, b.bottom, e.textContent]; })",
    )


def overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def test_a_100_step_flow_scrolls_and_no_label_covers_another_or_a_step(
    console, globe_app, tmp_path
):
    flow = import_flow(app=globe_app, data=hundred_step_flow())
    assert flow.steps.count() == 100
    console.set_viewport_size({"width": 1600, "height": 1000})
    console.goto(f"{console.base}/admin/voiceflows/voiceflow/{flow.pk}/change/")
    graph = console.locator("#flow-graph")
    playwright.expect(graph.locator(".hatid-graph-node")).to_have_count(100)
    playwright.expect(graph.locator(".hatid-graph-ok")).to_contain_text("Every step")
    frame = graph.locator(".hatid-graph-scroll")
    scroll = frame.evaluate("e => [e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight]")
    assert scroll[0] > scroll[1] and scroll[2] > scroll[3]  # it scrolls, it does not shrink
    frame.screenshot(path=str(tmp_path / "flow-graph-100.png"))

    frame.evaluate("e => { e.style.maxHeight = 'none'; e.style.overflow = 'visible'; }")
    labels = boxes(console, "#flow-graph .hatid-graph-label")
    nodes = boxes(console, "#flow-graph .hatid-graph-node rect")
    assert len(labels) > 100 and len(nodes) == 100
    clashes = [(a[4], b[4]) for a, b in itertools.combinations(labels, 2) if overlap(a, b)]
    clashes += [(a[4], "a step") for a in labels for b in nodes if overlap(a, b)]
    assert clashes == []

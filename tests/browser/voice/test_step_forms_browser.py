"""An Operator builds the demo voice flow (voiceflows/demo.py) from nothing
through the console's forms, in a real browser under the production CSP: each
step's verb fields (no JSON typed), then its routes. The flow built is the
demo's, step for step, and a caller walking both (the simulator) hears the
same. Also: switching a verb swaps its fields, a bad value is named beside
its field as it is typed, and the flow page's height."""

import json

import pytest

from tests.support.voice_flows import demo_ask_fields
from voiceflows import simulator
from voiceflows.demo import DEMO_FLOW, ensure_demo_voice
from voiceflows.models import VoiceFlow
from voiceflows.services.flows import export_flow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo's steps as an operator fills them in: key, verb, and the verb's fields.
STEPS = [
    ("greeting", "say", {"say_value": "Welcome to Hatid's demo line."}),
    ("menu", "ask", demo_ask_fields()),
    ("promo", "say", {"say_value": "Today, LOAD 50 gets you 10 megabytes free."}),
    ("hours", "say", {"say_value": "We are open from 8 in the morning to 8 in the evening."}),
    ("goodbye", "say", {"say_value": "Thank you for calling. Goodbye."}),
    ("hangup", "hangup", {}),
]


def fill_step(row, prefix: str, key: str, verb: str, fields: dict, position: int) -> None:
    row.locator(f"[name='{prefix}key']").fill(key)
    row.locator(f"[name='{prefix}position']").fill(str(position))
    row.locator(f"[name='{prefix}verb']").select_option(verb)
    for name, value in fields.items():
        field = row.locator(f"[name='{prefix}{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def add_routes(page, base: str, step, routes: list[dict]) -> None:
    page.goto(f"{base}/admin/voiceflows/step/{step.pk}/change/")
    for index, route in enumerate(routes):
        if index:
            page.click("#routes-group .add-row a")
        prefix = f"routes-{index}-"
        page.select_option(f"[name='{prefix}on']", route["on"])
        if "value" in route:
            page.fill(f"[name='{prefix}value']", route["value"])
        goto = step.flow.steps.get(key=route["goto"])
        page.select_option(f"[name='{prefix}goto']", str(goto.pk))
        page.fill(f"[name='{prefix}position']", str(index))
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()


def walk(flow, inputs: list[tuple[str, str]]) -> list:
    state = simulator.start(flow, caller="9171234567")
    for kind, text in inputs:
        state = simulator.give(flow, state, kind, text)
    # The URLs name the flow's slug; what the caller hears and where it goes must match.
    heard = json.dumps(state.transcript).replace(f"/{flow.slug}/", "/<flow>/")
    return [heard, state.variables.get("choice"), state.ended]


def test_an_operator_builds_the_demo_flow_through_the_forms(console, globe_app, screenshots):
    page = console
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base}/admin/voiceflows/voiceflow/add/")
    page.select_option("select[name=app]", str(globe_app.pk))
    page.fill("input[name=name]", "Demo line, built by hand")
    page.fill("input[name=slug]", "built")
    for position, (key, verb, fields) in enumerate(STEPS):
        page.click("#steps-group .add-row a")
        row = page.locator(f"#steps-{position}")
        prefix = f"steps-{position}-"
        assert row.locator(f"[name='{prefix}say_value']").is_visible()  # opened, a say
        fill_step(row, prefix, key, verb, fields, position)
        if verb == "ask":
            assert not row.locator(f"[name='{prefix}say_value']").is_visible()
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()

    built = VoiceFlow.objects.get(slug="built")
    for item in DEMO_FLOW["steps"]:
        if item.get("routes"):
            add_routes(page, page.base, built.steps.get(key=item["key"]), item["routes"])

    demo = ensure_demo_voice(globe_app).default_flow
    assert export_flow(built)["steps"] == export_flow(demo)["steps"]
    for inputs in (
        [("keys", "1")],
        [("keys", "2")],
        [("keys", "7"), ("timeout", ""), ("keys", "9")],
        [("hangup", "")],
    ):
        assert walk(built, inputs) == walk(demo, inputs), inputs


def test_a_bad_value_is_named_as_it_is_typed_and_the_page_is_short(console, globe_app, screenshots):
    page = console
    page.set_viewport_size({"width": 1280, "height": 900})
    flow = ensure_demo_voice(globe_app).default_flow
    page.goto(f"{page.base}/admin/voiceflows/voiceflow/{flow.pk}/change/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2400, height  # 6,812 px before steps folded to a line each

    menu = page.locator(".inline-related").filter(has_text="Demo line / menu")
    menu.locator("summary", has_text="Edit this step").click()
    prefix = menu.get_attribute("id") + "-"
    attempts = menu.locator(f"[name='{prefix}ask_attempts']")
    attempts.fill("0")
    attempts.dispatch_event("change")
    menu.locator(".hatid-live-error", has_text="greater than or equal to 1").wait_for()
    attempts.fill("4")
    attempts.dispatch_event("change")
    menu.locator(".hatid-live-error").first.wait_for(state="detached")

    menu.locator(f"[name='{prefix}action']").select_option("sms")
    menu.locator(f"[name='{prefix}action_text']").fill("Today's promo: LOAD 50.")
    page.locator("#steps-group").screenshot(path=str(screenshots / "flow-step-form.png"))
    menu.locator("summary", has_text="Advanced").click()
    preview = menu.locator("[data-step-preview] pre")
    playwright = pytest.importorskip("playwright.sync_api")
    playwright.expect(preview).to_contain_text('"attempts": 4')

    menu.locator(f"[name='{prefix}verb']").select_option("wait")
    assert not menu.locator(f"[name='{prefix}ask_attempts']").is_visible()
    assert menu.locator(f"[name='{prefix}wait_milliseconds']").is_visible()
    playwright.expect(preview).to_contain_text("wait: milliseconds is required")

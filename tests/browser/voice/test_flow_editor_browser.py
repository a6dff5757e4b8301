"""The flow editor and the simulator in a real browser (the system Chromium,
through Playwright), logged in to the admin on the live server: typing a
step's options as JSON (the advanced field) updates its Tropo JSON preview;
walking the flow shows what the caller hears and what the platform would
post next."""

import pytest
from django.contrib.auth.models import User

from tests.support.browser import chromium_page
from tests.support.voice_flows import MENU_FLOW
from voiceflows.models import VoiceSettings
from voiceflows.services.flows import import_flow

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser


@pytest.fixture
def ada(transactional_db):
    return User.objects.create_superuser("ada", "ada@example.com", "pw-123-XYZ")


@pytest.fixture
def page(live_server, flow, ada):
    # The flow and the user exist before Playwright starts (see chromium_page).
    with chromium_page() as page:
        yield page


@pytest.fixture
def flow(transactional_db, globe_app):
    flow = import_flow(app=globe_app, data=MENU_FLOW)
    VoiceSettings.objects.create(app=globe_app, voice_token="t", default_flow=flow)
    return flow


@pytest.fixture
def logged_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", "pw-123-XYZ")
    page.click("input[type=submit]")
    playwright.expect(page.locator("#user-tools")).to_contain_text("ada")
    return page


def step_box(page, key):
    """The inline of the step whose key field holds `key`."""
    return page.locator(".inline-related").filter(
        has=page.locator(f"input[name$='-key'][value='{key}']")
    )


def test_editing_a_step_updates_its_json_preview_live(logged_in, live_server, flow):
    expect = playwright.expect
    page = logged_in
    page.goto(f"{live_server.url}/admin/voiceflows/voiceflow/{flow.pk}/change/")
    greet = step_box(page, "greet")
    preview = greet.locator("[data-step-preview] pre")
    expect(preview).to_contain_text('"value": "Hello. Thank you for calling."')
    expect(preview).to_contain_text('"ask"')  # the menu joins the greeting's document
    greet.locator("summary", has_text="Edit this step").click()
    greet.locator("summary", has_text="Advanced").click()

    greet.locator("textarea[name$='-options']").fill('{"value": "Hi {caller}, welcome!"}')

    expect(preview).to_contain_text('"value": "Hi {caller}, welcome!"')
    expect(preview).to_have_attribute("data-state", "ok")

    greet.locator("textarea[name$='-options']").fill('{"value": ""}')

    expect(preview).to_contain_text("Not valid yet: say: value must not be empty")
    expect(preview).to_have_attribute("data-state", "error")

    greet.locator("select[name$='-verb']").select_option("wait")
    greet.locator("textarea[name$='-options']").fill('{"milliseconds": 1500}')
    expect(preview).to_contain_text('"milliseconds": 1500')


def test_simulator_shows_what_the_caller_hears_and_what_the_platform_posts(
    logged_in, live_server, flow
):
    expect = playwright.expect
    page = logged_in
    page.goto(f"{live_server.url}/admin/voiceflows/voiceflow/{flow.pk}/change/")
    page.click("text=Walk through this flow as a caller would")
    page.fill("#caller", "9171234567")
    page.click("#start-call")
    transcript = page.locator("#simulator-transcript")
    expect(transcript).to_contain_text("ask: Press 1 for today's promo, 2 to leave a message.")
    expect(page.locator("#simulator-waiting")).to_have_text("ask")

    page.fill("#simulator-answer", "2")
    page.click("input[name=keys]")

    expect(transcript).to_contain_text("heard: 2")
    expect(transcript).to_contain_text("record: Leave a message after the beep")
    expect(page.locator("#simulator-waiting")).to_have_text("record")
    exchanges = page.locator("#simulator-exchanges .exchange")
    expect(exchanges).to_have_count(2)
    expect(exchanges.last.locator("pre.posted")).to_contain_text('"interpretation": "2"')
    expect(exchanges.last.locator("pre.answered")).to_contain_text('"record"')
    expect(exchanges.last).to_contain_text("/menu/menu/?on=continue")

    page.click("input[name=hangup]")

    expect(page.locator("#simulator-ended")).to_contain_text("the caller hung up")
    expect(page.locator("#simulator-variables")).to_contain_text("choice = 2")


def test_standalone_step_page_previews_what_is_typed(logged_in, live_server, flow, tmp_path):
    """Its form also holds Django's hidden `initial-options` (the saved value):
    the preview must follow the textarea, not that copy."""
    expect = playwright.expect
    page = logged_in
    greet = flow.steps.get(key="greet")
    page.goto(f"{live_server.url}/admin/voiceflows/step/{greet.pk}/change/")
    preview = page.locator("[data-step-preview] pre")
    expect(preview).to_contain_text('"value": "Hello. Thank you for calling."')
    page.locator("summary", has_text="Advanced").click()

    page.locator("textarea[name='options']").fill('{"value": "Typed on the step page"}')

    expect(preview).to_contain_text('"value": "Typed on the step page"')
    expect(preview).to_have_attribute("data-state", "ok")
    page.screenshot(path=str(tmp_path / "step-page.png"), full_page=True)

"""A flow with a step Hoiio cannot run, in the console: an Operator who makes
it a Hoiio app's default flow gets the form's error naming the step; a
Viewer sees the step listed under the flow's problems."""

import pytest

from tests.integration.voice.test_hoiio_flows import CONFERENCE_FLOW
from tests.support.factories import HoiioAppFactory
from tests.support.voice_flows import MENU_FLOW
from voiceflows.models import VoiceSettings
from voiceflows.services.flows import import_flow

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser


@pytest.fixture
def flows(transactional_db):
    # Created before Playwright starts (tests.support.browser.chromium_page).
    app = HoiioAppFactory(name="Hoiio line")
    fine = import_flow(app=app, data=MENU_FLOW)
    meet = import_flow(app=app, data=CONFERENCE_FLOW)
    settings = VoiceSettings.objects.create(app=app, default_flow=fine)
    return settings, meet


def test_an_operator_cannot_give_a_hoiio_app_a_flow_it_cannot_run(flows, console, live_server):
    settings, meet = flows
    page = console
    page.goto(f"{live_server.url}/admin/voiceflows/voicesettings/{settings.pk}/change/")
    page.select_option("#id_default_flow", value=str(meet.pk))
    page.click("input[name=_save]")
    playwright.expect(page.locator(".errorlist")).to_contain_text(
        "Hoiio cannot run this flow: step room: Hoiio has no IVR block for a conference."
    )
    settings.refresh_from_db()
    assert settings.default_flow.slug == "menu"


def test_a_viewer_sees_what_hoiio_cannot_run_among_the_flows_problems(
    flows, viewer_console, live_server
):
    _, meet = flows
    page = viewer_console
    page.goto(f"{live_server.url}/admin/voiceflows/voiceflow/{meet.pk}/change/")
    playwright.expect(page.locator(".field-problems")).to_contain_text(
        "Hoiio: step room: Hoiio has no IVR block for a conference"
    )

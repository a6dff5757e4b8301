"""The flow simulator of a Voicent or Hoiio app's flow, in the system Chromium,
as an Operator and as a Viewer: it shows what the Voicent gateway would be
posted for a call (or which step it cannot play), and what Hoiio would be
asked (the dial, then the first step's IVR block)."""

import pytest

from tests.support.factories import HoiioAppFactory, VoicentAppFactory
from tests.support.voice_flows import MENU_FLOW
from voiceflows.services.flows import import_flow, say_step

playwright = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

NOTICE = {"slug": "notice", "name": "Notice", "steps": [say_step("hello", "Your parcel is here.")]}


@pytest.fixture
def flows(transactional_db):
    gateway, hoiio = VoicentAppFactory(), HoiioAppFactory()
    return {
        "notice": import_flow(app=gateway, data=NOTICE),
        "menu": import_flow(app=gateway, data=MENU_FLOW),
        "hoiio": import_flow(app=hoiio, data=NOTICE),
    }


def simulate(page, flow):
    page.goto(f"{page.base}/admin/voiceflows/voiceflow/{flow.pk}/change/")
    page.click("text=Walk through this flow as a caller would")


@pytest.mark.parametrize("who", ["console", "viewer_console"])
def test_the_simulator_shows_the_providers_request(flows, who, request):
    expect = playwright.expect
    page = request.getfixturevalue(who)

    simulate(page, flows["notice"])
    page.fill("#caller", "09181234567")
    page.click("#provider-preview")
    form = page.locator("#simulator-provider-form")
    expect(form).to_contain_text('"txt": "Your parcel is here."')
    expect(form).to_contain_text('"phoneno": "0918')  # the console masks the middle
    expect(page.locator("#simulator-transcript")).to_have_count(0)

    simulate(page, flows["menu"])
    expect(page.locator("#simulator-refused")).to_contain_text("step 'menu' is 'ask'")

    simulate(page, flows["hoiio"])
    page.fill("#caller", "09181234567")
    page.click("#provider-preview")
    form = page.locator("#simulator-provider-form")
    expect(form).to_contain_text('"msg": "Your parcel is here."')
    expect(page.locator("#simulator-refused")).to_have_count(0)

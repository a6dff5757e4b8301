"""Only the chosen action's fields, in a real browser (hatid/switched_fields.js):
on a USSD end screen's page and in a voice flow's step rows, choosing an
action swaps the fields shown, under the production CSP."""

import pytest

from tests.support.ussd_menus import shop_menu
from tests.support.voice_flows import MENU_FLOW
from voiceflows.services.flows import import_flow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTION_INPUTS = ["text", "amount", "description", "promo", "tag", "partner"]


def shown(scope, prefix: str = "") -> list[str]:
    """The action fields visible in `scope`, by their short names."""
    return [
        name
        for name in ACTION_INPUTS
        if scope.locator(f"[name='{prefix}action_{name}']").is_visible()
    ]


def test_an_end_screen_shows_only_its_actions_fields(console, globe_app):
    menu = shop_menu(globe_app)
    done = menu.screens.get(key="done")
    console.goto(f"{console.base}/admin/telecom/ussdscreen/{done.pk}/change/")
    assert shown(console) == ["amount", "description"]

    console.select_option("select[name=action]", "sms")
    assert shown(console) == ["text"]
    console.select_option("select[name=action]", "")
    assert shown(console) == []
    console.select_option("select[name=action]", "reward")
    assert shown(console) == ["promo"]


def test_each_step_row_switches_on_its_own_action(console, globe_app):
    flow = import_flow(app=globe_app, data=MENU_FLOW)
    console.goto(f"{console.base}/admin/voiceflows/voiceflow/{flow.pk}/change/")
    first, second = console.locator("#steps-0"), console.locator("#steps-1")
    for row in (first, second):
        opener = row.locator("details summary")
        if opener.count():
            opener.first.click()
    first.locator("select[name$='-action']").select_option("webhook")
    assert shown(first, "steps-0-") == ["partner"]
    assert shown(second, "steps-1-") == []
    second.locator("select[name$='-action']").select_option("tag")
    assert shown(second, "steps-1-") == ["tag"]
    assert shown(first, "steps-0-") == ["partner"]

"""An operator builds a menu from nothing on its console page (three screens:
a menu with two options, an input, an end screen that texts), makes it live,
and a handset dials it through the sandbox: the page's screens and options
are the menu the platform walks."""

import re

import pytest

from sandbox.client import wait_for
from telecom.models import UssdMenu
from telecom.roles import OPERATORS
from tests.support.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
NUMBER = "+639171234567"


def screen_shown(hatid):
    return (hatid.sandbox.handset(NUMBER).get("ussd") or {}).get("screen")


def wait_screen(hatid, text):
    return wait_for(lambda: screen_shown(hatid) == text, what=f"the screen {text!r}")


def add_screen(page, key, kind, text):
    cards = page.locator("[data-card]")
    index = cards.count()
    page.click("[data-add-screen]")
    card = cards.nth(index)  # not `.last`: a locator is looked up again on each use
    card.locator("[data-key]").fill(key)
    card.locator("select[data-kind]").select_option(kind)
    card.locator("[data-text]").fill(text)
    return card


def test_a_menu_built_on_the_page_answers_a_dial(hatid, celery_worker, browser_page):
    page = sign_in(browser_page, hatid.live_url, "olive", OPERATORS)
    page.goto(f"{page.base}/admin/telecom/ussdmenu/add/")
    page.select_option("select[name=app]", str(hatid.app.pk))
    page.fill("input[name=name]", "Hotline")
    page.check("input[name=is_live]")

    start = add_screen(page, "start", "menu", "Hotline")
    ask = add_screen(page, "ask", "input", "Your name?")
    ask.locator("input[name$='-variable']").fill("name")
    bye = add_screen(page, "bye", "end", "Thanks {name}!")
    bye.locator("select[name$='-action']").select_option("sms")
    bye.locator("textarea[name$='-action_text']").fill("Hi {name}, we will call you back.")
    ask.locator("select[name$='-next_ref']").select_option(label="bye")

    first = start.locator("[data-option]").first
    first.locator("[data-label]").fill("Leave your name")
    first.locator("select[data-screen-ref]").select_option(label="ask")
    start.locator("[data-add-option]").click()
    second = start.locator("[data-option]").nth(1)
    assert second.locator("input[name$='-position']").input_value() == "2"
    second.locator("[data-label]").fill("Just say bye")
    second.locator("select[data-screen-ref]").select_option(label="bye")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    assert re.search(r"/ussdmenu/\d+/change/$", page.url)

    menu = UssdMenu.objects.get(name="Hotline")
    assert menu.is_live and menu.start_screen.key == "start"
    hatid.opt_in(NUMBER)
    hatid.sandbox.dial(NUMBER, "*120*1234#")
    wait_screen(hatid, "Hotline\n1. Leave your name\n2. Just say bye")
    hatid.sandbox.ussd_input(NUMBER, "1")
    wait_screen(hatid, "Your name?")
    hatid.sandbox.ussd_input(NUMBER, "Ana")
    wait_screen(hatid, "Thanks Ana!")
    sms = "Hi Ana, we will call you back."
    wait_for(
        lambda: sms in [m["text"] for m in hatid.sandbox.inbox(NUMBER)],
        what="the end screen's SMS on the handset",
    )

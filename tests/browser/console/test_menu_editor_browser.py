"""The USSD menu page in a real browser: the demo menu's five screens and
their numbered options fit in two screen heights at 1280x800; typing an
option counts it against the handset's limit; a new screen can be chosen as
an option's next screen before it is saved. The docs' picture of the page
(docs/screenshots/menu-editor.png) is taken here (HATID_SCREENSHOTS=1)."""

import pytest

from telecom.demo import ensure_demo_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1280, 800


def test_the_demo_menu_page_fits_in_two_screens_and_counts_as_you_type(
    console, globe_app, screenshots
):
    menu = ensure_demo_menu(globe_app)
    console.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    console.goto(f"{console.base}/admin/telecom/ussdmenu/{menu.pk}/change/")
    main = console.locator("[data-card]").filter(has=console.locator("input[value=main]"))
    assert main.locator("[data-count]").inner_text() == "38 / 182"
    console.screenshot(path=str(screenshots / "menu-editor.png"), full_page=True)
    height = console.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * HEIGHT, f"the page is {height} px tall"

    main.locator("[data-label]").first.fill("Get a tip by SMS, free of charge")
    assert main.locator("[data-count]").inner_text() == "54 / 182"

    console.click("[data-add-screen]")
    new = console.locator("[data-card]").last
    new.locator("[data-key]").fill("help")
    target = main.locator("select[data-screen-ref]").first
    target.select_option(label="help")
    assert target.input_value() == "new-5"


def test_viewers_see_the_cards_read_only(viewer_console, globe_app, tmp_path):
    menu = ensure_demo_menu(globe_app)
    viewer_console.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    viewer_console.goto(f"{viewer_console.base}/admin/telecom/ussdmenu/{menu.pk}/change/")
    cards = viewer_console.locator(".ussd-readonly")
    assert cards.count() == 5
    assert viewer_console.locator(".ussd-editor input, .ussd-editor select").count() == 0
    main = cards.filter(has_text="Hatid demo")
    assert "1. Get a tip by SMS → name" in main.inner_text()
    assert "then → thanks" in cards.filter(has_text="Your first name?").inner_text()
    viewer_console.screenshot(path=str(tmp_path / "menu-viewer.png"), full_page=True)

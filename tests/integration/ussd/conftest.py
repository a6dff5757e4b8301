"""Fixtures for messaging tests: an app with subscribers who consented."""

import pytest

from subscribers.services.consent import subscriber_opt_in


@pytest.fixture
def subscribe(globe_app):
    def make(number, app=None, token=None):
        app = app or globe_app
        token = token or f"token-{number.lstrip('+')}-{app.pk}"
        return subscriber_opt_in(app=app, msisdn=number, token=token, channel="sms").subscriber

    return make


@pytest.fixture
def menu(globe_app):
    """A three-level menu: main -> balance (end, SMS) | load -> amount (input) -> done (charge)."""
    from telecom.models import UssdMenu, UssdOption, UssdScreen

    globe_app.shortcode = "21589996"
    globe_app.save()
    menu = UssdMenu.objects.create(app=globe_app, name="Main", is_live=True)
    main = UssdScreen.objects.create(menu=menu, key="main", kind="menu", text="Welcome {name}")
    info = UssdScreen.objects.create(
        menu=menu,
        key="info",
        kind="end",
        text="We will text you the details.",
        action="sms",
        action_text="Details: call 888",
    )
    load = UssdScreen.objects.create(menu=menu, key="load", kind="menu", text="Buy load")
    done = UssdScreen.objects.create(
        menu=menu,
        key="done",
        kind="end",
        text="Thank you! {amount} pesos.",
        action="charge",
        action_amount="{amount}",
        action_description="Load",
    )
    amount = UssdScreen.objects.create(
        menu=menu,
        key="amount",
        kind="input",
        text="Enter amount:",
        variable="amount",
        validation="amount",
        max_length=6,
        next_screen=done,
    )
    UssdOption.objects.create(screen=main, position=1, label="Info", target=info)
    UssdOption.objects.create(screen=main, position=2, label="Buy load", target=load)
    UssdOption.objects.create(screen=load, position=1, label="Other amount", target=amount)
    menu.start_screen = main
    menu.save()
    return menu

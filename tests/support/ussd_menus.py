"""The USSD menu the tests walk, built in one place: the integration tests'
`menu` fixture, the end-to-end tests' live menu and the console's browser test
all use `shop_menu`; `ussd_body` writes a step's callback as the platform posts it.

    main  "Welcome {name}"   1. Info -> info (end, texts the details)
                             2. Buy load -> load "Buy load"
    load                     1. Other amount -> amount (input, validated) -> done
    done  "Thank you! {amount} pesos."  (end, charges {amount})
"""

import json

from telecom.models import ProviderApp, UssdMenu, UssdOption, UssdScreen

# key -> the screen's fields; in creation order (a `next_screen` is created first).
SHOP_SCREENS = {
    "main": {"kind": "menu", "text": "Welcome {name}"},
    "info": {
        "kind": "end",
        "text": "We will text you the details.",
        "action": "sms",
        "action_text": "Details: call 888",
    },
    "load": {"kind": "menu", "text": "Buy load"},
    "done": {
        "kind": "end",
        "text": "Thank you! {amount} pesos.",
        "action": "charge",
        "action_amount": "{amount}",
        "action_description": "Load",
    },
    "amount": {
        "kind": "input",
        "text": "Enter amount:",
        "variable": "amount",
        "validation": "amount",
        "max_length": 6,
        "next_screen": "done",
    },
}
# (screen, position, label, target)
SHOP_OPTIONS = [
    ("main", 1, "Info", "info"),
    ("main", 2, "Buy load", "load"),
    ("load", 1, "Other amount", "amount"),
]


def shop_menu(app: ProviderApp, *, name: str = "Main", is_live: bool = True) -> UssdMenu:
    """A three-level menu: main -> info (end, SMS) | load -> amount (input) -> done (charge)."""
    menu = UssdMenu.objects.create(app=app, name=name, is_live=is_live)
    screens: dict[str, UssdScreen] = {}
    for key, fields in SHOP_SCREENS.items():
        fields = dict(fields)
        if "next_screen" in fields:
            fields["next_screen"] = screens[fields["next_screen"]]
        screens[key] = UssdScreen.objects.create(menu=menu, key=key, **fields)
    for screen, position, label, target in SHOP_OPTIONS:
        UssdOption.objects.create(
            screen=screens[screen], position=position, label=label, target=screens[target]
        )
    menu.start_screen = screens["main"]
    menu.save()
    return menu


def ussd_body(
    app: ProviderApp,
    message: str | None = None,
    *,
    session_id="012345678912",
    sender="639171234567",
) -> str:
    """A step of a USSD session on the app's shortcode: its start (the dial) when
    `message` is None, else the subscriber's input."""
    entry = {
        "datetime": "Tue May 17 2016 11:10:30 GMT+0000 (UTC)",
        "destinationAddress": app.shortcode,
        "senderAddress": sender,
        "sessionID": session_id,
        "message": message,
        "sessionStart": message is None,
    }
    return json.dumps({"inboundUSSDMessageList": {"inboundUSSDMessage": [entry]}})

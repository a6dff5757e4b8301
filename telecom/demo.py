"""What the demo app comes with, so that `make run` shows the whole loop:
a live USSD menu (a few screens, one input, an SMS at the end), promos
matching the sandbox's, and a keyword rule. Each function is idempotent."""

from decimal import Decimal

from django.db import transaction

from telecom.models import KeywordRule, Promo, ProviderApp, UssdMenu, UssdOption, UssdScreen

DEMO_MENU = "Demo menu"


@transaction.atomic
def ensure_demo_menu(app: ProviderApp) -> UssdMenu:
    menu = UssdMenu.objects.filter(app=app, name=DEMO_MENU).first()
    if menu is not None:
        return menu
    menu = UssdMenu.objects.create(app=app, name=DEMO_MENU)

    def screen(key, kind, text, **fields):
        return UssdScreen.objects.create(menu=menu, key=key, kind=kind, text=text, **fields)

    main = screen("main", "menu", "Hatid demo")
    about = screen("about", "end", "Hatid runs telecom services on Globe Labs. Salamat!")
    thanks = screen(
        "thanks",
        "end",
        "Thanks {name}! Your tip is on its way by SMS.",
        action="sms",
        action_text="Hi {name}! Tip: text HELLO to this number.",
    )
    name = screen(
        "name", "input", "Your first name?", variable="name", max_length=20, next_screen=thanks
    )
    more = screen("more", "menu", "More")
    UssdOption.objects.create(screen=main, position=1, label="Get a tip by SMS", target=name)
    UssdOption.objects.create(screen=main, position=2, label="More", target=more)
    UssdOption.objects.create(screen=more, position=1, label="About Hatid", target=about)
    menu.start_screen = main
    menu.is_live = not UssdMenu.objects.filter(app=app, is_live=True).exists()
    menu.save()
    return menu


def ensure_demo_promos(app: ProviderApp, promos: dict[str, str]) -> None:
    for code, cost in promos.items():
        Promo.objects.get_or_create(app=app, code=code, defaults={"wallet_cost": Decimal(cost)})


def ensure_demo_keywords(app: ProviderApp) -> None:
    if not KeywordRule.objects.filter(app=app).exists():
        KeywordRule.objects.create(
            app=app,
            keyword="HELLO",
            reply_text="Hello from Hatid! Dial *120*{suffix}# for the menu.".replace(
                "{suffix}", app.shortcode_suffix
            ),
        )

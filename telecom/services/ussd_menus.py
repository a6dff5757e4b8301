"""Editing a USSD menu's screens and their numbered options in one go: the
console's menu page sends every card it shows, and they are applied together.

Screens are named by a reference while they are edited: an existing screen by
its primary key (`"12"`), one added in the same edit by `"new-<n>"`, so that
an option (or an input screen's next screen) may lead to a screen saved in
the same request. A screen's options are replaced as a whole: nothing links
to an option, and replacing them lets two options swap numbers without
tripping the one-number-per-screen constraint halfway.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from telecom.errors import ServiceError
from telecom.models import UssdMenu, UssdOption, UssdScreen


@dataclass(frozen=True)
class OptionPlan:
    position: int
    label: str
    target: str  # a screen's reference


@dataclass
class ScreenPlan:
    """One screen as edited: its fields set on `screen` (saved or not), where an
    input screen goes next and, for a menu screen, its options."""

    ref: str
    screen: UssdScreen
    next_ref: str = ""
    options: Sequence[OptionPlan] = field(default_factory=tuple)


def new_ref(index: int) -> str:
    return f"new-{index}"


def screen_ref(screen: UssdScreen) -> str:
    return str(screen.pk)


@transaction.atomic
def save_menu_screens(
    *, menu: UssdMenu, screens: Sequence[ScreenPlan], deleted: Sequence[UssdScreen] = ()
) -> dict[str, UssdScreen]:
    """Apply an edit of `menu`'s screens: delete `deleted`, save `screens`, then
    point options and next screens at what they name. Returns the saved screens
    by reference."""
    by_ref = {plan.ref: plan.screen for plan in screens}
    kept = set(by_ref)
    for plan in screens:
        wanted = [o.target for o in plan.options] + ([plan.next_ref] if plan.next_ref else [])
        unknown = [ref for ref in wanted if ref not in kept]
        if unknown:
            raise ServiceError(f"no screen {unknown[0]!r} in this menu", field="target")
        if plan.screen.pk and plan.screen.menu_id != menu.pk:
            raise ServiceError("this screen belongs to another menu", field="screens")
    gone = [s.pk for s in deleted if s.pk]
    UssdScreen.objects.filter(menu=menu, pk__in=gone).delete()
    if menu.start_screen_id in gone:
        menu.start_screen = None
    # Keys are unique in a menu: a renamed screen first takes a key no slug can
    # be, so that two screens may trade keys in one edit.
    stored = dict(
        UssdScreen.objects.filter(
            menu=menu, pk__in=[p.screen.pk for p in screens if p.screen.pk]
        ).values_list("pk", "key")
    )
    renamed = [p.screen.pk for p in screens if p.screen.pk and stored[p.screen.pk] != p.screen.key]
    UssdScreen.objects.filter(menu=menu, pk__in=renamed).update(
        key=Concat(Value("~"), Cast("pk", CharField()))
    )
    for plan in screens:
        screen = plan.screen
        screen.menu = menu
        screen.next_screen = None
        screen.save()
    for plan in screens:
        if plan.next_ref and plan.screen.kind == UssdScreen.Kind.INPUT:
            plan.screen.next_screen = by_ref[plan.next_ref]
            plan.screen.save(update_fields=["next_screen"])
    UssdOption.objects.filter(screen__in=[p.screen for p in screens]).delete()
    UssdOption.objects.bulk_create(
        UssdOption(screen=plan.screen, position=o.position, label=o.label, target=by_ref[o.target])
        for plan in screens
        if plan.screen.kind == UssdScreen.Kind.MENU
        for o in plan.options
    )
    if menu.start_screen_id is None and screens:
        menu.start_screen = screens[0].screen
        menu.save(update_fields=["start_screen", "updated_at"])
    return by_ref

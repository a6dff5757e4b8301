"""Hoiio numbers in the console: rent one from those on offer, point its
forwarding at Hatid, see what receiving costs, sync with Hoiio's active list."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from telecom.admin.base import (
    AsksProviders,
    NumberSearch,
    ReadOnlyAdmin,
    ServiceFormMixin,
    act_on_each,
    provider_call,
)
from telecom.admin.decisions import OperatorDecisions
from telecom.admin.hoiio.common import hoiio_apps
from telecom.errors import ProviderError
from telecom.models import HoiioNumber
from telecom.services.hoiio import numbers as hoiio_numbers
from telecom.services.hoiio import prices as hoiio_prices


class SubscribeForm(forms.Form):
    app = forms.ModelChoiceField(queryset=hoiio_apps())
    country = forms.CharField(max_length=2, help_text="Two letters, e.g. SG, US.")
    state = forms.CharField(max_length=8, required=False, help_text="For countries with states.")
    number = forms.CharField(help_text="One of the numbers on offer below.")
    duration = forms.ChoiceField(choices=HoiioNumber.Duration.choices)


@admin.register(HoiioNumber)
class HoiioNumberAdmin(
    NumberSearch, AsksProviders, OperatorDecisions, ServiceFormMixin, ReadOnlyAdmin
):
    number_fields = ("number",)
    list_display = ["number", "app", "status", "mode", "expiry", "auto_extend", "forward_to"]
    list_filter = ["status", "mode", "app"]
    search_fields = ["number"]
    actions = [
        "forward_calls",
        "forward_faxes",
        "sync",
        "receiving_rates",
        "retry",
        "settle_done",
        "settle_failed",
    ]

    add_form, add_service = SubscribeForm, staticmethod(hoiio_numbers.subscribe_number)
    add_permission, add_title, add_submit = (
        "telecom.manage_hoiionumber",
        "Rent a Hoiio number",
        "Rent",
    )

    def has_act_permission(self, request) -> bool:
        return request.user.has_perm(self.add_permission)

    def add_arguments(self, request, data: dict) -> dict:
        return data  # a rented number records no source

    def add_context(self, request) -> dict:
        # The offers on the page are asked of Hoiio: not before the permission is checked.
        if not self.has_add_permission(request):
            raise PermissionDenied
        return {"offers": self._offers(request)}

    def _offers(self, request) -> dict | None:
        """What Hoiio offers for the app and country in the query string."""
        app = hoiio_apps().filter(pk=request.GET.get("app") or 0).first()
        country = (request.GET.get("country") or "").upper()
        if app is None:
            return None
        try:
            if not country:
                rows = [
                    (c.code, c.name, ", ".join(s[0] for s in c.states))
                    for c in hoiio_numbers.countries(app)
                ]
                return {"title": "Countries (add &country=XX to the address)", "rows": rows}
            offered = hoiio_numbers.numbers_on_offer(app, country, request.GET.get("state", ""))
            rates = hoiio_numbers.subscription_rates(app, country)
        except ProviderError as exc:
            return {"title": "Hoiio did not answer", "rows": [(str(exc),)]}
        prices = ", ".join(
            f"{months} month(s): {rate} {rates.currency}" for months, rate in rates.rates
        )
        return {
            "title": f"Numbers on offer in {country} ({prices})",
            "rows": [(e.number, e.state) for e in offered.entries],
        }

    def _configure(self, request, queryset, mode):
        count = 0
        for number in queryset.filter(status=HoiioNumber.Status.ACTIVE):
            hoiio_numbers.configure_number(number=number, mode=mode)
            count += 1
        self.message_user(request, f"Forwarding {count} number(s) to Hatid ({mode}).")

    @admin.action(description="Forward calls (and SMS) to Hatid", permissions=["act"])
    def forward_calls(self, request, queryset):
        self._configure(request, queryset, HoiioNumber.Mode.VOICE)

    @admin.action(description="Forward faxes (and SMS) to Hatid", permissions=["act"])
    def forward_faxes(self, request, queryset):
        self._configure(request, queryset, HoiioNumber.Mode.FAX)

    @admin.action(description="What receiving an SMS or a fax costs", permissions=["ask"])
    def receiving_rates(self, request, queryset):
        act_on_each(
            self,
            request,
            queryset.filter(status=HoiioNumber.Status.ACTIVE),
            hoiio_prices.receiving_rates,
            lambda number, rates: (
                f"{number.number}: {rates.sms.rate} {rates.sms.currency} "
                f"an SMS, {rates.fax.rate} {rates.fax.currency} a fax"
            ),
        )

    @admin.action(description="Sync with Hoiio's active list", permissions=["ask"])
    def sync(self, request, queryset):
        apps = {number.app for number in queryset}
        provider_call(
            self,
            request,
            lambda: sum(hoiio_numbers.sync_numbers(app) for app in apps),
            "Synced; {result} row(s) changed.",
        )

"""Hoiio in the console: calls and conference rooms, IVR sessions, faxes (send
a PDF, read a received one), rented numbers, bulk sends. Every "add" is a
service call (`ServiceFormMixin`); rows whose outcome is unknown can be
looked up at Hoiio or settled by an operator."""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from telecom.admin.base import (
    AsksProviders,
    OperatorDecisions,
    ReadOnlyAdmin,
    ServiceFormMixin,
    provider_call,
)
from telecom.errors import ProviderError
from telecom.models import (
    ConferenceRoom,
    Fax,
    HoiioNumber,
    IvrSession,
    IvrStep,
    ProviderApp,
    SmsBulk,
    VoiceCall,
)
from telecom.models.fax import MAX_DOCUMENT_BYTES
from telecom.services import fax as faxes
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import numbers as hoiio_numbers
from telecom.services.hoiio import prices as hoiio_prices
from telecom.services.hoiio import voice as hoiio_voice


def hoiio_apps():
    return ProviderApp.objects.filter(is_active=True, provider=ProviderApp.Provider.HOIIO)


def numbers_of(text: str) -> list[str]:
    return [n.strip() for line in text.splitlines() for n in line.split(",") if n.strip()]


# --- calls and conference rooms ------------------------------------------------------


class CallBackForm(forms.Form):
    app = forms.ModelChoiceField(queryset=hoiio_apps())
    dest1 = forms.CharField(label="First number", help_text="Called first, any form.")
    dest2 = forms.CharField(label="Second number", help_text="Connected to the first.")
    max_duration = forms.IntegerField(
        required=False, min_value=1, help_text="Seconds after which Hoiio hangs up."
    )


@admin.register(VoiceCall)
class VoiceCallAdmin(AsksProviders, OperatorDecisions, ServiceFormMixin, ReadOnlyAdmin):
    list_display = ["created_at", "kind", "dest1", "dest2", "room", "status", "duration", "app"]
    list_filter = ["status", "kind", "app"]
    list_select_related = ["app", "room"]
    search_fields = ["dest1", "dest2", "=txn_ref", "=tag"]
    actions = ["hang_up", "look_up", "rate", "retry", "settle_done", "settle_failed"]
    unknown_done = VoiceCall.Status.PLACED

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in VoiceCall._meta.fields]

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("telecom.place_voicecall")

    def has_act_permission(self, request) -> bool:
        return request.user.has_perm("telecom.place_voicecall")

    def add_view(self, request, form_url="", extra_context=None):
        return self.service_form(
            request,
            CallBackForm,
            title="Call-back between two numbers",
            permission="telecom.place_voicecall",
            submit="Call",
            perform=lambda d: hoiio_voice.place_call_back(
                app=d["app"],
                dest1=d["dest1"],
                dest2=d["dest2"],
                max_duration=d["max_duration"],
                source="admin",
            ),
        )

    @admin.action(description="Hang up the selected calls", permissions=["act"])
    def hang_up(self, request, queryset):
        count = sum(hoiio_voice.hang_up(call) for call in queryset)
        self.message_user(request, f"Asked Hoiio to hang up {count} call(s).")

    @admin.action(description="Ask Hoiio for their status now", permissions=["ask"])
    def look_up(self, request, queryset):
        provider_call(
            self,
            request,
            lambda: sum(hoiio_voice.refresh_call(call) for call in queryset),
            "Updated {result} call(s) from Hoiio.",
        )

    @admin.action(description="What calling these numbers again costs", permissions=["ask"])
    def rate(self, request, queryset):
        for call in queryset.filter(kind=VoiceCall.Kind.CALLBACK):
            provider_call(
                self,
                request,
                lambda c=call: hoiio_prices.call_rate(c.app, c.dest1, c.dest2),
                f"{call.dest1} ↔ {call.dest2}: {{result.rate}} {{result.currency}} a minute "
                "({result.talktime} minutes of talk time left)",
            )


class ParticipantInline(admin.TabularInline):
    model = VoiceCall
    fields = ["dest1", "status", "txn_ref", "duration", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ConferenceForm(forms.Form):
    app = forms.ModelChoiceField(queryset=hoiio_apps())
    name = forms.CharField(max_length=100, required=False)
    numbers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="Up to 8, one per line."
    )


class ParticipantForm(forms.Form):
    number = forms.CharField(help_text="Called into the room, any form.")


@admin.register(ConferenceRoom)
class ConferenceRoomAdmin(ServiceFormMixin, ReadOnlyAdmin):
    list_display = ["__str__", "room", "app", "status", "created_at"]
    list_filter = ["status", "app"]
    inlines = [ParticipantInline]
    actions = ["close"]
    readonly_fields = ["room", "name", "app", "status", "created_at", "add_participant_link"]

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("telecom.run_conference")

    def has_run_permission(self, request) -> bool:
        return request.user.has_perm("telecom.run_conference")

    def add_view(self, request, form_url="", extra_context=None):
        return self.service_form(
            request,
            ConferenceForm,
            title="Conference",
            permission="telecom.run_conference",
            submit="Call them in",
            perform=lambda d: hoiio_voice.start_conference(
                app=d["app"], numbers=numbers_of(d["numbers"]), name=d["name"], source="admin"
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/participant/",
                view(self.participant_view),
                name="telecom_conferenceroom_participant",
            ),
            *super().get_urls(),
        ]

    def participant_view(self, request, pk: int):
        if not self.has_run_permission(request):
            raise PermissionDenied  # before the room: a viewer learns nothing of it
        room = get_object_or_404(ConferenceRoom, pk=pk)
        return self.service_form(
            request,
            ParticipantForm,
            title=f"Add a participant to {room}",
            permission="telecom.run_conference",
            submit="Call",
            perform=lambda d: hoiio_voice.add_participant(
                room=room, number=d["number"], source="admin"
            ),
        )

    @admin.display(description="participants")
    def add_participant_link(self, obj):
        url = reverse("admin:telecom_conferenceroom_participant", args=[obj.pk])
        return format_html('<a href="{}">Call someone into the room</a>', url)

    @admin.action(description="Hang up everyone and close the room", permissions=["run"])
    def close(self, request, queryset):
        count = sum(hoiio_voice.close_conference(room) for room in queryset)
        self.message_user(request, f"Asked Hoiio to hang up {count} participant(s).")


# --- IVR ------------------------------------------------------------------------------


class StepInline(admin.TabularInline):
    model = IvrStep
    fields = ["index", "kind", "params", "status", "result", "attempts", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class IvrForm(forms.Form):
    app = forms.ModelChoiceField(queryset=hoiio_apps())
    dest = forms.CharField(label="Number to call")
    greeting = forms.CharField(required=False, help_text="Played when the call is answered.")
    steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "class": "hatid-mono"}),
        initial='[{"kind": "gather", "msg": "Press 1 to confirm.", "max_digits": 1, '
        '"name": "answer"}, {"kind": "hangup", "msg": "Thank you."}]',
        help_text="A JSON list of steps: play, gather, record, monitor, transfer, hangup "
        "(see telecom/hoiio/ivr_steps.py).",
    )

    def clean_steps(self):
        try:
            return json.loads(self.cleaned_data["steps"])
        except ValueError as exc:
            raise forms.ValidationError(f"Not JSON: {exc}") from None


@admin.register(IvrSession)
class IvrSessionAdmin(ServiceFormMixin, ReadOnlyAdmin):
    list_display = ["created_at", "dest", "direction", "status", "call_state", "position", "app"]
    list_filter = ["status", "app"]
    search_fields = ["dest", "=session", "=tag"]
    inlines = [StepInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in IvrSession._meta.fields]

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("telecom.run_ivrsession")

    def add_view(self, request, form_url="", extra_context=None):
        return self.service_form(
            request,
            IvrForm,
            title="IVR session",
            permission="telecom.run_ivrsession",
            submit="Dial",
            perform=lambda d: hoiio_ivr.start_ivr(
                app=d["app"],
                dest=d["dest"],
                greeting=d["greeting"],
                steps=d["steps"],
                source="admin",
            ),
        )


# --- faxes ------------------------------------------------------------------------------


class FaxForm(forms.Form):
    app = forms.ModelChoiceField(queryset=hoiio_apps())
    dest = forms.CharField(label="Fax number")
    document = forms.FileField(help_text="A PDF of at most 10 MB.")

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError("The document is larger than 10 MB.")
        return upload


@admin.register(Fax)
class FaxAdmin(AsksProviders, OperatorDecisions, ServiceFormMixin, ReadOnlyAdmin):
    list_display = ["created_at", "direction", "src", "dest", "pages", "status", "app"]
    list_filter = ["direction", "status", "app"]
    search_fields = ["src", "dest", "=txn_ref", "=tag"]
    actions = ["look_up", "rate", "retry", "settle_done", "settle_failed"]
    unknown_done = Fax.Status.SUBMITTED

    def get_readonly_fields(self, request, obj=None):
        return ["document_link", *[f.name for f in Fax._meta.fields if f.name != "document"]]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("telecom.send_fax")

    def has_act_permission(self, request) -> bool:
        return request.user.has_perm("telecom.send_fax")

    def add_view(self, request, form_url="", extra_context=None):
        return self.service_form(
            request,
            FaxForm,
            title="Send a fax",
            permission="telecom.send_fax",
            perform=lambda d: faxes.send_fax(
                app=d["app"],
                dest=d["dest"],
                document=d["document"].read(),
                filename=d["document"].name,
                source="admin",
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/document/", view(self.document_view), name="telecom_fax_document"),
            *super().get_urls(),
        ]

    def document_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        fax = get_object_or_404(Fax, pk=pk)
        response = HttpResponse(bytes(fax.document), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{fax.filename or "fax.pdf"}"'
        return response

    @admin.display(description="document")
    def document_link(self, obj):
        if not obj.document:
            return "— (not fetched yet)" if obj.direction == Fax.Direction.IN else "—"
        url = reverse("admin:telecom_fax_document", args=[obj.pk])
        return format_html('<a href="{}">{} ({} bytes)</a>', url, obj.filename, len(obj.document))

    @admin.action(description="Ask Hoiio for their status now", permissions=["ask"])
    def look_up(self, request, queryset):
        provider_call(
            self,
            request,
            lambda: sum(faxes.refresh_fax(fax) for fax in queryset.filter(direction="out")),
            "Updated {result} fax(es) from Hoiio.",
        )

    @admin.action(description="What faxing these numbers again costs", permissions=["ask"])
    def rate(self, request, queryset):
        for fax in queryset.filter(direction=Fax.Direction.OUT):
            provider_call(
                self,
                request,
                lambda f=fax: hoiio_prices.fax_rate(f.app, f.dest),
                f"{fax.dest}: {{result.rate}} {{result.currency}} a page",
            )


# --- numbers -------------------------------------------------------------------------------


class SubscribeForm(forms.Form):
    app = forms.ModelChoiceField(queryset=hoiio_apps())
    country = forms.CharField(max_length=2, help_text="Two letters, e.g. SG, US.")
    state = forms.CharField(max_length=8, required=False, help_text="For countries with states.")
    number = forms.CharField(help_text="One of the numbers on offer below.")
    duration = forms.ChoiceField(choices=HoiioNumber.Duration.choices)


@admin.register(HoiioNumber)
class HoiioNumberAdmin(AsksProviders, OperatorDecisions, ServiceFormMixin, ReadOnlyAdmin):
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
    unknown_done = HoiioNumber.Status.ACTIVE

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in HoiioNumber._meta.fields]

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("telecom.manage_hoiionumber")

    def has_act_permission(self, request) -> bool:
        return request.user.has_perm("telecom.manage_hoiionumber")

    def add_view(self, request, form_url="", extra_context=None):
        # The offers on the page are asked of Hoiio: not before the permission is checked.
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self.service_form(
            request,
            SubscribeForm,
            title="Rent a Hoiio number",
            permission="telecom.manage_hoiionumber",
            submit="Rent",
            offers=self._offers(request),
            perform=lambda d: hoiio_numbers.subscribe_number(
                app=d["app"],
                number=d["number"],
                duration=d["duration"],
                country=d["country"],
                state=d["state"],
            ),
        )

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
        for number in queryset.filter(status=HoiioNumber.Status.ACTIVE):
            provider_call(
                self,
                request,
                lambda n=number: hoiio_prices.receiving_rates(n),
                f"{number.number}: {{result.sms.rate}} {{result.sms.currency}} an SMS, "
                f"{{result.fax.rate}} {{result.fax.currency}} a fax",
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


@admin.register(SmsBulk)
class SmsBulkAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "campaign", "size", "status", "bulk_txn_ref", "app"]
    list_filter = ["status", "app"]
    search_fields = ["=bulk_txn_ref", "=tag"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in SmsBulk._meta.fields]

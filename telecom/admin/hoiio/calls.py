"""Hoiio calls in the console: call-backs between two numbers (placed, hung up,
looked up at Hoiio, priced) and conference rooms with their participants."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from telecom.admin.base import (
    AsksProviders,
    NumberSearch,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceFormMixin,
    act_on_each,
    provider_call,
)
from telecom.admin.decisions import OperatorDecisions
from telecom.admin.export import CsvExport
from telecom.admin.hoiio.common import hoiio_apps
from telecom.models import ConferenceRoom, VoiceCall
from telecom.services.hoiio import prices as hoiio_prices
from telecom.services.hoiio import voice as hoiio_voice


def numbers_of(text: str) -> list[str]:
    return [n.strip() for line in text.splitlines() for n in line.split(",") if n.strip()]


class CallBackForm(forms.Form):
    app = forms.ModelChoiceField(queryset=hoiio_apps())
    dest1 = forms.CharField(label="First number", help_text="Called first, any form.")
    dest2 = forms.CharField(label="Second number", help_text="Connected to the first.")
    max_duration = forms.IntegerField(
        required=False, min_value=1, help_text="Seconds after which Hoiio hangs up."
    )


@admin.register(VoiceCall)
class VoiceCallAdmin(
    NumberSearch, CsvExport, AsksProviders, OperatorDecisions, ServiceFormMixin, ReadOnlyAdmin
):
    number_fields = ("dest1", "dest2")
    list_display = ["created_at", "kind", "dest1", "dest2", "room", "status", "duration", "app"]
    list_filter = ["status", "kind", "app"]
    list_select_related = ["app", "room"]
    search_fields = ["dest1", "dest2", "=txn_ref", "=tag"]
    actions = ["hang_up", "look_up", "rate", "retry", "settle_done", "settle_failed"]

    add_form, add_service = CallBackForm, staticmethod(hoiio_voice.place_call_back)
    add_permission, add_title = "telecom.place_voicecall", "Call-back between two numbers"
    add_submit = "Call"

    def has_act_permission(self, request) -> bool:
        return request.user.has_perm(self.add_permission)

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
        act_on_each(
            self,
            request,
            queryset.filter(kind=VoiceCall.Kind.CALLBACK),
            lambda call: hoiio_prices.call_rate(call.app, call.dest1, call.dest2),
            lambda call, rate: (
                f"{call.dest1} ↔ {call.dest2}: {rate.rate} {rate.currency} "
                f"a minute ({rate.talktime} minutes of talk time left)"
            ),
        )


class ParticipantInline(ReadOnlyInline):
    model = VoiceCall
    fields = ["dest1", "status", "txn_ref", "duration", "created_at"]


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

    add_form, add_service = ConferenceForm, staticmethod(hoiio_voice.start_conference)
    add_permission, add_title, add_submit = "telecom.run_conference", "Conference", "Call them in"

    def has_run_permission(self, request) -> bool:
        return request.user.has_perm(self.add_permission)

    def add_arguments(self, request, data: dict) -> dict:
        return {**super().add_arguments(request, data), "numbers": numbers_of(data["numbers"])}

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

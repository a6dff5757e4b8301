"""The Voicent gateway in the console: text and audio calls (placed, polled,
removed), and call-till-confirm escalations with each attempt."""

from django import forms
from django.contrib import admin

from telecom.admin.base import (
    AsksProviders,
    NumberSearch,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceFormMixin,
    provider_call,
)
from telecom.admin.decisions import OperatorDecisions, send_again_action
from telecom.admin.export import CsvExport
from telecom.models import ProviderApp, VoicentCall, VoicentEscalation
from telecom.services import voicent


def voicent_apps():
    return ProviderApp.objects.filter(is_active=True, provider=ProviderApp.Provider.VOICENT)


class VoicentCallForm(forms.Form):
    app = forms.ModelChoiceField(queryset=voicent_apps(), label="Gateway")
    to = forms.CharField(help_text="Any form.")
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Spoken, or:"
    )
    audio_file = forms.CharField(
        required=False, help_text=r"A WAV on the gateway's host, e.g. C:\audio\hello.wav."
    )
    remove_when_done = forms.BooleanField(required=False, initial=True)


@admin.register(VoicentCall)
class VoicentCallAdmin(
    NumberSearch, CsvExport, AsksProviders, OperatorDecisions, ServiceFormMixin, ReadOnlyAdmin
):
    number_fields = ("phone",)
    list_display = ["created_at", "kind", "phone", "status", "gateway_status", "req_id", "app"]
    list_filter = ["status", "kind", "app"]
    search_fields = ["phone", "=req_id"]
    actions = ["remove", "poll", "retry", "settle_done", "settle_failed"]

    add_form, add_service = VoicentCallForm, staticmethod(voicent.place_voicent_call)
    add_permission, add_title, add_submit = "telecom.place_voicentcall", "Voicent call", "Call"

    def has_act_permission(self, request) -> bool:
        return request.user.has_perm(self.add_permission)

    @admin.action(
        description="Remove from the gateway (not made yet: cancelled)", permissions=["act"]
    )
    def remove(self, request, queryset):
        count = sum(voicent.remove_call(call) for call in queryset)
        self.message_user(request, f"Asked the gateway to remove {count} request(s).")

    @admin.action(description="Ask the gateway for their status now", permissions=["ask"])
    def poll(self, request, queryset):
        ids = list(
            queryset.filter(status=VoicentCall.Status.REQUESTED).values_list("pk", flat=True)
        )
        provider_call(
            self,
            request,
            lambda: len(ids) - len(voicent.poll_calls(ids)),
            "{result} call(s) finished.",
        )

    retry = send_again_action(
        description="Place the selected failed calls again",
        done="Queued {count} again.",
        permission="act",
    )

    def sendable(self, queryset):  # an escalation's attempts are its own to repeat
        return queryset.exclude(kind=VoicentCall.Kind.TILL_CONFIRM)


class AttemptInline(ReadOnlyInline):
    model = VoicentCall
    fk_name = "escalation"
    fields = ["phone", "call_list", "status", "gateway_status", "req_id", "created_at"]


class EscalationForm(forms.Form):
    app = forms.ModelChoiceField(queryset=voicent_apps(), label="Gateway")
    reason = forms.CharField(max_length=200)
    contacts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="Called in this order, one per line."
    )
    audio_file = forms.CharField(help_text="The WAV played, on the gateway's host.")
    confirm_code = forms.CharField(max_length=16)
    call_list = forms.CharField(
        initial=r"C:\calllists\{number}.voc",
        help_text="BroadcastByPhone call lists on the gateway's host; {number} is each "
        "contact's digits (one list per person: Hatid learns who confirmed).",
    )
    rounds = forms.IntegerField(min_value=1, max_value=10, initial=1)
    attempt_timeout = forms.IntegerField(min_value=10, initial=600, help_text="Seconds.")


@admin.register(VoicentEscalation)
class VoicentEscalationAdmin(ServiceFormMixin, ReadOnlyAdmin):
    list_display = ["created_at", "reason", "status", "confirmed_by", "attempts_made", "app"]
    list_filter = ["status", "app"]
    inlines = [AttemptInline]
    actions = ["cancel"]

    add_form, add_service = EscalationForm, staticmethod(voicent.start_escalation)
    add_permission, add_title = "telecom.run_voicentescalation", "Escalation (call till confirm)"
    add_submit = "Start calling"

    def has_run_permission(self, request) -> bool:
        return request.user.has_perm(self.add_permission)

    def add_arguments(self, request, data: dict) -> dict:
        contacts = [line.strip() for line in data["contacts"].splitlines() if line.strip()]
        return {**data, "contacts": contacts, "created_by": request.user}

    @admin.action(description="Cancel (removes the attempt at the gateway)", permissions=["run"])
    def cancel(self, request, queryset):
        count = sum(voicent.cancel_escalation(escalation) for escalation in queryset)
        self.message_user(request, f"Cancelled {count} escalation(s).")

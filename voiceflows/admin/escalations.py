"""Escalations in the console: start one (numbers in order, the code, the
message, rounds), watch its attempts, cancel it."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path

from telecom.admin.base import ReadOnlyAdmin, ReadOnlyInline
from telecom.models import ProviderApp
from voiceflows.admin.calls import service_form_view
from voiceflows.models import Escalation, EscalationAttempt
from voiceflows.services.escalations import cancel_escalation, start_escalation


class EscalationAttemptInline(ReadOnlyInline):
    model = EscalationAttempt
    fields = [
        "round",
        "msisdn",
        "status",
        "started_at",
        "ended_at",
        "deadline_at",
        "note",
        "trigger",
    ]


class StartEscalationForm(forms.Form):
    app = forms.ModelChoiceField(queryset=ProviderApp.objects.filter(is_active=True))
    name = forms.CharField(max_length=100, required=False)
    numbers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The numbers to call, in order, one per line.",
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="What each call says first."
    )
    confirmation_code = forms.RegexField(
        regex=r"^\d{1,12}$", help_text="What the person called keys in to confirm (digits)."
    )
    rounds = forms.IntegerField(min_value=1, max_value=10, initial=2)
    provider = forms.ChoiceField(choices=Escalation.Provider.choices)
    audio_file = forms.CharField(
        max_length=300,
        required=False,
        help_text="Voicent only: the WAV played, on the gateway's host.",
    )
    call_list = forms.CharField(
        max_length=300,
        required=False,
        help_text=r"Voicent only: the call list on the gateway's host, e.g. "
        r"C:\calllists\{number}.voc ({number}: one list per person, to know who confirmed).",
    )


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "name", "app", "status", "confirmed_by", "rounds", "provider"]
    list_filter = ["status", "provider", "app"]
    list_select_related = ["app"]
    search_fields = ["name", "confirmed_by"]
    inlines = [EscalationAttemptInline]
    actions = ["cancel"]
    exclude = ["confirmation_code"]

    hidden_fields = ("confirmation_code",)

    @admin.action(description="Cancel: call no one else", permissions=["start"])
    def cancel(self, request, queryset):
        done = sum(cancel_escalation(e, by=request.user.username) for e in queryset)
        self.message_user(request, f"Cancelled {done} escalation(s).")

    def has_start_permission(self, request) -> bool:
        return request.user.has_perm("voiceflows.start_escalation")

    def changelist_view(self, request, extra_context=None):
        extra = {"start_url": "start/", "start_label": "Start an escalation"}
        if not self.has_start_permission(request):
            extra = {}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("start/", view(self.start_view), name="voiceflows_escalation_start"),
            *super().get_urls(),
        ]

    def start_view(self, request):
        if not self.has_start_permission(request):
            raise PermissionDenied

        def act(data):
            escalation = start_escalation(
                app=data["app"],
                numbers=[n for n in data["numbers"].splitlines() if n.strip()],
                confirmation_code=data["confirmation_code"],
                message=data["message"],
                rounds=data["rounds"],
                name=data["name"],
                provider=data["provider"],
                audio_file=data["audio_file"],
                call_list=data["call_list"],
                source="admin",
                created_by=request.user,
            )
            return f"Escalation {escalation} started: calling {escalation.numbers[0]}."

        return service_form_view(
            self, request, StartEscalationForm, act, title="Start an escalation", submit="Start"
        )

"""Calls in the console: each call session with its transcript (what the
platform posted, what Hatid answered, the recordings), outbound calls with
their outcome (an unknown one waits for an operator's decision), starting a
call, and call campaigns."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from telecom.admin.base import NumberSearch, ReadOnlyAdmin, ReadOnlyInline, act_on_each
from telecom.admin.decisions import OperatorDecisions, settle_action
from telecom.admin.export import CsvExport
from telecom.errors import ServiceError
from telecom.models import ProviderApp
from telecom.timefmt import console_duration
from voiceflows.models import CallCampaign, CallExchange, CallSession, CallTrigger, VoiceFlow
from voiceflows.services.outbound import start_call, start_call_campaign


class CallExchangeInline(ReadOnlyInline):
    model = CallExchange
    fields = [
        "sequence",
        "created_at",
        "kind",
        "step",
        "event",
        "state",
        "disposition",
        "interpretation",
        "recording",
        "answered_steps",
        "note",
    ]

    @admin.display(description="recording")
    def recording(self, obj: CallExchange):
        if not obj.recording_url:
            return "—"
        return format_html('<a href="{}" rel="noreferrer">{}</a>', obj.recording_url, "listen")


@admin.register(CallSession)
class CallSessionAdmin(NumberSearch, CsvExport, ReadOnlyAdmin):
    list_display = [
        "started_at",
        "direction",
        "msisdn",
        "app",
        "flow",
        "status",
        "current_step",
        "duration",
    ]
    list_filter = ["status", "direction", "app", "flow", "started_at"]
    list_select_related = ["app", "flow"]
    search_fields = ["msisdn", "=session_id", "caller"]
    # No date_hierarchy: a DISTINCT over the whole table on every page.
    inlines = [CallExchangeInline]

    readonly_fields = [
        "duration",
        "recordings",
        "transcript",
    ]

    @admin.display(description="duration")
    def duration(self, obj: CallSession) -> str:
        return console_duration(obj.duration)

    @admin.display(description="recordings")
    def recordings(self, obj: CallSession):
        urls = obj.exchanges.exclude(recording_url="").values_list("recording_url", flat=True)
        if not urls:
            return "—"
        return format_html_join(
            "", '<div><a href="{}" rel="noreferrer">{}</a></div>', ((u, u) for u in urls)
        )

    @admin.display(description="transcript")
    def transcript(self, obj: CallSession):
        """Each request of the platform and Hatid's answer, in full."""
        rows = []
        for exchange in obj.exchanges.all():
            received = json.dumps(exchange.received, indent=2) if exchange.received else ""
            try:
                answer = json.dumps(json.loads(exchange.answer), indent=2)
            except ValueError:
                answer = exchange.answer
            rows.append(
                (
                    exchange.sequence,
                    exchange.get_kind_display(),
                    exchange.step or "—",
                    received,
                    answer,
                )
            )
        return format_html_join(
            "",
            '<details class="hatid-exchange"><summary>{}. {} at step {}</summary>'
            '<div class="hatid-side-by-side"><pre class="hatid-pre half">'
            '{}</pre><pre class="hatid-pre half">{}</pre></div></details>',
            rows,
        )


class StartCallForm(forms.Form):
    app = forms.ModelChoiceField(queryset=ProviderApp.objects.filter(is_active=True))
    flow = forms.ModelChoiceField(
        queryset=VoiceFlow.objects.filter(is_active=True).select_related("app"),
        required=False,
        help_text="The app's default flow when empty.",
    )
    to = forms.CharField(label="Number to call", help_text="e.g. 09171234567")
    variables = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Optional JSON for the flow\'s {variables}, e.g. {"name": "Ana"}.',
    )

    def clean_variables(self):
        text = self.cleaned_data["variables"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError("Not JSON.") from None
        if not isinstance(value, dict):
            raise forms.ValidationError('An object of names and values, like {"name": "Ana"}.')
        return value


def service_form_view(admin_view, request, form_class, act, *, title: str, submit: str):
    """A page with one form whose valid submission calls a service (`act`)."""
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = act(form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            admin_view.message_user(request, done, messages.SUCCESS)
            opts = admin_view.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    return TemplateResponse(
        request,
        "admin/voiceflows/start_form.html",
        {
            **admin_view.admin_site.each_context(request),
            "title": title,
            "submit": submit,
            "form": form,
            "opts": admin_view.model._meta,
        },
    )


@admin.register(CallTrigger)
class CallTriggerAdmin(NumberSearch, OperatorDecisions, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "msisdn",
        "app",
        "flow",
        "status",
        "source",
        "platform_session_id",
        "last_error",
    ]
    list_filter = ["status", "source", "app", "flow", "created_at"]
    list_select_related = ["app", "flow"]
    search_fields = ["msisdn", "=reference", "=platform_session_id"]
    # No date_hierarchy: a DISTINCT over the whole table on every page.
    actions = ["mark_started", "mark_not_started"]

    readonly_fields = ["call_sessions"]

    @admin.display(description="call sessions")
    def call_sessions(self, obj: CallTrigger):
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a></div>',
                (
                    (reverse("admin:voiceflows_callsession_change", args=[s.pk]), str(s))
                    for s in obj.sessions.all()
                ),
            )
            or "—"
        )

    resolve_permission = "voiceflows.resolve_calltrigger"
    mark_started = settle_action(
        went_through=True,
        description="Resolve unknown outcome: the call started",
        done="Marked {count} call(s) started.",
        permission="resolve",
    )
    mark_not_started = settle_action(
        went_through=False,
        description="Resolve unknown outcome: the call never started",
        done="Marked {count} call(s) failed.",
        permission="resolve",
    )

    def changelist_view(self, request, extra_context=None):
        extra = {"start_url": "start/", "start_label": "Start a call"}
        if not request.user.has_perm("voiceflows.start_call"):
            extra = {}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("start/", view(self.start_view), name="voiceflows_calltrigger_start"),
            *super().get_urls(),
        ]

    def start_view(self, request):
        if not request.user.has_perm("voiceflows.start_call"):
            raise PermissionDenied

        def act(data):
            call = start_call(
                app=data["app"],
                to=data["to"],
                flow=data["flow"],
                variables=data["variables"],
                source=CallTrigger.Source.ADMIN,
            )
            if isinstance(call, CallTrigger):
                return f"Calling {call.msisdn} with {call.flow}."
            return f"Calling {data['to']} through {data['app']}."  # another provider's call

        return service_form_view(
            self, request, StartCallForm, act, title="Start a call", submit="Call"
        )


@admin.register(CallCampaign)
class CallCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "app", "flow", "status", "calls", "created_at", "started_at"]
    list_filter = ["status", "app"]
    list_select_related = ["app", "flow"]
    readonly_fields = ["status", "calls", "skipped", "started_at", "created_by"]
    fields = ["app", "flow", "name", "numbers", *readonly_fields]
    actions = ["start_calling"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Start calling the campaign's numbers", permissions=["start"])
    def start_calling(self, request, queryset):
        act_on_each(
            self,
            request,
            queryset,
            start_call_campaign,
            lambda campaign, count: f"{campaign}: {count} call(s) queued.",
        )

    def has_start_permission(self, request) -> bool:
        return request.user.has_perm("voiceflows.start_call")

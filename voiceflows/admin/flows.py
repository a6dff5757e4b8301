"""Voice flows in the console: the flow editor (steps as inlines, each with a
live preview of the Tropo JSON it answers with), each step's routes and
action, the walk-through simulator, per-flow statistics, and voice settings
whose token is never shown back."""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from telecom.models import ProviderApp
from telecom.msisdn import InvalidMsisdn, normalize_msisdn
from telecom.steps.forms import ACTION_FIELDS, SharedChoicesFormSet
from voiceflows import engine, simulator
from voiceflows.admin.preview import step_document
from voiceflows.admin.step_form import StepForm
from voiceflows.admin.step_layout import EDIT_FIELDS, JSON_FIELDSET, summary
from voiceflows.models import Route, Step, VoiceFlow, VoiceSettings
from voiceflows.services.hoiio_calls import hoiio_problems
from voiceflows.services.statistics import flow_statistics
from voiceflows.tropo.platform import CallError


def preview_block(step: Step, spec: engine.FlowSpec | None = None):
    """The step's Tropo JSON as saved (the page's script keeps it live while typing)."""
    text, problem = ("", "")
    if step.pk and step.flow_id:
        text, problem = step_document(
            step.flow, key=step.key, verb=step.verb, options=step.options, spec=spec
        )
    return format_html(
        '<div class="step-preview" data-step-preview>'
        '<pre data-state="{}" class="hatid-pre tall">{}</pre></div>',
        "error" if problem else "ok",
        problem or text or "Type the step's options to see its Tropo JSON.",
    )


def routes_summary(step: Step):
    if not step.pk:
        return "Save the step, then add its routes on its own page."
    rows = format_html_join("", "<li>{}</li>", ((str(route),) for route in step.routes.all()))
    url = reverse("admin:voiceflows_step_change", args=[step.pk])
    return format_html(
        '<ul class="hatid-flat-list">{}</ul><a href="{}">Edit routes</a>',
        rows or mark_safe("<li>none: the call ends after this step</li>"),
        url,
    )


# What a Viewer reads of a step: no form, its summary and its options.
READ_ONLY_STEP = [(None, {"fields": ["summary", "options", *ACTION_FIELDS[1:], "action_partner"]})]


class StepFieldsets:
    """A step's layout: its fields for those who may change it, a read-only view otherwise."""

    def step_fieldsets(self, request, obj):
        raise NotImplementedError

    def get_fieldsets(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            return READ_ONLY_STEP
        return self.step_fieldsets(request, obj)

    @admin.display(description="step")
    def summary(self, obj):
        return summary(obj)

    @admin.display(description="Tropo JSON (live)")
    def preview(self, obj):
        # The admin makes its inlines anew for each request: the flow is loaded
        # once per page, not once per step.
        if not obj.pk:
            return preview_block(obj)
        specs = self.__dict__.setdefault("flow_specs", {})
        if obj.flow_id not in specs:
            specs[obj.flow_id] = engine.FlowSpec.load(obj.flow)
        return preview_block(obj, specs[obj.flow_id])


class StepInline(StepFieldsets, admin.StackedInline):
    """Each step in one line (its summary), its form folded under it."""

    model = Step
    form = StepForm
    formset = SharedChoicesFormSet
    fk_name = "flow"
    extra = 0
    show_change_link = True
    readonly_fields = ["summary", "preview", "routes"]

    def step_fieldsets(self, request, obj):
        return [
            (None, {"fields": ["summary"]}),
            ("Edit this step", {"classes": ["collapse"], "fields": [*EDIT_FIELDS, "routes"]}),
            JSON_FIELDSET,
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("flow__app")
            .prefetch_related("routes__goto")
        )

    @admin.display(description="routes")
    def routes(self, obj):
        return routes_summary(obj)


@admin.register(VoiceFlow)
class VoiceFlowAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "app", "is_active", "updated_at"]
    list_filter = ["app", "is_active"]
    search_fields = ["name", "slug"]
    inlines = [StepInline]
    readonly_fields = ["walk_through", "problems", "statistics"]
    fields = [
        "app",
        "name",
        "slug",
        "start_step",
        "report_hangups",
        "is_active",
        "walk_through",
        "problems",
        "statistics",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "start_step":
            kwargs["queryset"] = Step.objects.filter(
                flow_id=request.resolver_match.kwargs.get("object_id")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="simulator")
    def walk_through(self, obj: VoiceFlow):
        if not obj.pk:
            return "Save the flow first."
        url = reverse("admin:voiceflows_voiceflow_simulate", args=[obj.pk])
        return format_html('<a href="{}">Walk through this flow as a caller would</a>', url)

    @admin.display(description="problems")
    def problems(self, obj: VoiceFlow):
        if not obj.pk:
            return "—"
        found = engine.flow_problems(engine.FlowSpec.load(obj))
        if obj.app.provider == ProviderApp.Provider.HOIIO:
            found += [f"Hoiio: {problem}" for problem in hoiio_problems(obj)]
        if not found:
            return "None found."
        return format_html_join(mark_safe("<br>"), "{}", ((p,) for p in found))

    @admin.display(description="statistics")
    def statistics(self, obj: VoiceFlow):
        if not obj.pk:
            return "—"
        stats = flow_statistics(obj)
        statuses = " · ".join(
            f"{n} {label.lower()}" for label, n in stats["by_status"].items() if n
        )
        answers = format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (step, ", ".join(f"{a['answer']} ({a['calls']})" for a in rows) or "none yet")
                for step, rows in stats["answers"].items()
            ),
        )
        hung_up = ", ".join(f"{h['step']} ({h['calls']})" for h in stats["hung_up_at"])
        average = stats["average_seconds"]
        return format_html(
            "{} calls{}{}<br>Average length: {}<br>Answers:<ul>{}</ul>"
            "Where callers hung up: {}<br>Recordings: {}",
            stats["calls"],
            ": " if statuses else "",
            statuses,
            f"{average} s" if average is not None else "—",
            answers or mark_safe("<li>no ask in this flow</li>"),
            hung_up or "nowhere yet",
            stats["recordings"],
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.pk:
            context["preview_url"] = reverse("admin:voiceflows_voiceflow_preview", args=[obj.pk])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                view(require_POST(self.preview_view)),
                name="voiceflows_voiceflow_preview",
            ),
            path(
                "<int:pk>/simulate/",
                view(self.simulate_view),
                name="voiceflows_voiceflow_simulate",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk: int):
        """A step as typed in the editor, checked by its form: the Tropo JSON it
        answers with, or its problems by field (the page shows them live).
        Nothing is saved: whoever may see the flow may ask."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        flow = get_object_or_404(VoiceFlow, pk=pk)
        step_id = request.POST.get("id", "")
        step = flow.steps.filter(pk=step_id).first() if step_id.isdigit() else None
        data = request.POST.copy()
        data["flow"] = str(flow.pk)
        data.setdefault("position", str(step.position if step else 0))
        form = StepForm(data=data, instance=step or Step(flow=flow))
        errors = {} if form.is_valid() else form.errors.get_json_data()
        errors.pop("flow", None)
        options = form.cleaned_data.get("options")
        text, problem = "", ""
        if "options" in errors or options is None:
            problem = "; ".join(e["message"] for e in errors.get("options", [])) or "see the fields"
        else:
            text, problem = step_document(
                flow, key=data.get("key", ""), verb=data.get("verb", ""), options=options
            )
        return JsonResponse(
            {
                "document": text,
                "error": problem,
                "errors": {name: [e["message"] for e in found] for name, found in errors.items()},
            }
        )

    def simulate_view(self, request, pk: int):
        """The flow engine and the platform model, without side effects."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        flow = get_object_or_404(VoiceFlow.objects.select_related("app"), pk=pk)
        walk, problem, elsewhere = None, "", None
        if flow.app.provider != ProviderApp.Provider.GLOBE:
            number = request.POST.get("caller") or "9171234567"
            try:
                elsewhere = simulator.provider_request(flow, to=normalize_msisdn(number))
            except InvalidMsisdn as error:
                problem = str(error)
        elif request.method == "POST":
            try:
                if "start" in request.POST or not request.POST.get("walk"):
                    walk = simulator.start(flow, caller=request.POST.get("caller") or "9171234567")
                else:
                    walk = simulator.Walk.from_json(request.POST["walk"])
                    kind = next(
                        (k for k in ("keys", "speech", "timeout", "hangup") if k in request.POST),
                        "keys",
                    )
                    text = request.POST.get("input", "")
                    walk = simulator.give(flow, walk, kind, text)
            except (CallError, ValueError, KeyError, TypeError) as error:
                problem = str(error)
                if request.POST.get("walk"):
                    walk = simulator.Walk.from_json(request.POST["walk"])
        return TemplateResponse(
            request,
            "admin/voiceflows/simulator.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Walk through: {flow.name}",
                "flow": flow,
                "walk": walk,
                "problem": problem,
                "elsewhere": elsewhere,
                "globe": flow.app.provider == ProviderApp.Provider.GLOBE,
                "exchanges": [
                    {
                        **exchange,
                        "posted_json": json.dumps(exchange["posted"], indent=2),
                        "answered_json": json.dumps(exchange["answered"], indent=2)
                        if exchange["answered"] is not None
                        else "",
                    }
                    for exchange in (walk.exchanges if walk else [])
                ],
                "opts": VoiceFlow._meta,
            },
        )


class RouteInline(admin.TabularInline):
    model = Route
    fk_name = "step"
    extra = 1
    fields = ["position", "on", "value", "goto", "url", "say", "same_document", "required"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "goto":
            step = Step.objects.filter(pk=request.resolver_match.kwargs.get("object_id")).first()
            kwargs["queryset"] = Step.objects.filter(flow=step.flow_id if step else None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Step)
class StepAdmin(StepFieldsets, admin.ModelAdmin):
    form = StepForm
    list_display = ["key", "flow", "verb", "action"]
    list_filter = ["flow__app", "flow", "verb"]
    list_select_related = ["flow"]
    search_fields = ["key", "flow__name"]
    inlines = [RouteInline]
    readonly_fields = ["summary", "preview"]

    def step_fieldsets(self, request, obj):
        return [(None, {"fields": ["flow", *EDIT_FIELDS]}), JSON_FIELDSET]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.pk:
            context["preview_url"] = reverse(
                "admin:voiceflows_voiceflow_preview", args=[obj.flow_id]
            )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


class VoiceSettingsForm(forms.ModelForm):
    """The voice token is write-only: an empty field keeps the stored one."""

    class Meta:
        model = VoiceSettings
        fields = [
            "app",
            "voice_token",
            "default_flow",
            "caller_id",
            "ring_timeout",
            "error_message",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.voice_token if self.instance.pk else ""
        self.fields["voice_token"] = forms.CharField(
            required=False,
            widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
            help_text=f"Stored: {stored.hint}. Leave empty to keep it."
            if stored
            else VoiceSettings._meta.get_field("voice_token").help_text,
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("voice_token") and self.instance.pk:
            cleaned["voice_token"] = self.instance.voice_token
        flow, app = cleaned.get("default_flow"), cleaned.get("app")
        if flow and app and flow.app_id != app.pk:
            self.add_error("default_flow", "That flow belongs to another app.")
        elif flow and app and app.provider == ProviderApp.Provider.HOIIO:
            for problem in hoiio_problems(flow):
                self.add_error("default_flow", f"Hoiio cannot run this flow: {problem}.")
        return cleaned


@admin.register(VoiceSettings)
class VoiceSettingsAdmin(admin.ModelAdmin):
    form = VoiceSettingsForm
    list_display = ["app", "default_flow", "has_token", "ring_timeout"]
    list_select_related = ["app", "default_flow"]

    @admin.display(boolean=True, description="voice token")
    def has_token(self, obj) -> bool:
        return bool(obj.voice_token)

"""USSD in the console: menus built as data (screens, options), walked through
in a preview before they go live, sessions with their transcripts and
latencies, and per-menu statistics."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from telecom.admin.base import NumberSearch, ReadOnlyAdmin, ReadOnlyInline
from telecom.admin.export import CsvExport
from telecom.admin.ussd_screens import SCREEN_FIELDS, UssdScreenCards
from telecom.models import UssdExchange, UssdMenu, UssdOption, UssdScreen, UssdSession
from telecom.services.ussd import menu_statistics
from telecom.steps.forms import ACTION_FIELDS, StepActionForm
from telecom.ussd import engine

COUNTER_ATTRS = {"data-ussd-limit": "", "rows": 3, "cols": 40}


class ScreenForm(StepActionForm):
    class Meta:
        model = UssdScreen
        fields = ["menu", *SCREEN_FIELDS, "next_screen", *ACTION_FIELDS, "action_partner"]
        widgets = {"text": forms.Textarea(attrs=COUNTER_ATTRS)}


class UssdOptionInline(admin.TabularInline):
    model = UssdOption
    fk_name = "screen"
    extra = 1
    fields = ["position", "label", "target"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target" and request.resolver_match.kwargs.get("object_id"):
            screen = UssdScreen.objects.filter(
                pk=request.resolver_match.kwargs["object_id"]
            ).first()
            if screen:
                kwargs["queryset"] = UssdScreen.objects.filter(menu=screen.menu_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CounterContextMixin:
    """Give the change form the screen limit for its live character counter."""

    def render_change_form(self, request, context, *args, **kwargs):
        context["ussd_limit"] = settings.USSD_SCREEN_LIMIT
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(UssdMenu)
class UssdMenuAdmin(CounterContextMixin, admin.ModelAdmin):
    list_display = ["name", "app", "is_live", "updated_at"]
    list_filter = ["app", "is_live"]
    inlines = [UssdScreenCards]
    readonly_fields = ["walk_through", "statistics"]
    fields = ["app", "name", "start_screen", "is_live", "walk_through", "statistics"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "start_screen":
            menu_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = UssdScreen.objects.filter(menu_id=menu_id).select_related("menu")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="preview")
    def walk_through(self, obj: UssdMenu):
        if not obj.pk:
            return "Save the menu first."
        url = reverse("admin:telecom_ussdmenu_preview", args=[obj.pk])
        return format_html('<a href="{}">Walk through this menu as a subscriber would</a>', url)

    @admin.display(description="statistics")
    def statistics(self, obj: UssdMenu):
        if not obj.pk:
            return "—"
        stats = menu_statistics(obj)
        rows = format_html_join(
            "", "<li>{}: {}</li>", ((d["screen"], d["sessions"]) for d in stats["drop_off"])
        )
        return format_html(
            "{} started · {} completed · {} timed out · {} active"
            "<br>Where sessions were abandoned:<ul>{}</ul>",
            stats["started"],
            stats["completed"],
            stats["timed_out"],
            stats["active"],
            rows or mark_safe("<li>nowhere yet</li>"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="telecom_ussdmenu_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk: int):
        """The engine, without side effects: what a subscriber would see, step by step."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        menu = get_object_or_404(UssdMenu, pk=pk)
        spec = engine.MenuSpec.load(menu)
        transcript = json.loads(request.POST.get("transcript") or "[]")
        if not spec.screens:
            step = None
        elif (
            request.method == "POST"
            and request.POST.get("screen") in spec.screens
            and "restart" not in request.POST
        ):
            variables = json.loads(request.POST.get("variables") or "{}")
            typed = request.POST.get("input", "")
            step = engine.advance(spec, request.POST["screen"], variables, typed)
            transcript.append({"input": typed, "reply": step.reply})
        else:
            presets = [p for p in request.POST.get("dial", "").split("*") if p]
            step = engine.start(spec, presets)
            transcript = [{"input": "*".join(presets) or "(dial)", "reply": step.reply}]
        return TemplateResponse(
            request,
            "admin/telecom/ussd_preview.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Preview: {menu.name}",
                "menu": menu,
                "step": step,
                "transcript": transcript,
                "transcript_json": json.dumps(transcript),
                "variables_json": json.dumps(step.variables if step else {}),
                "opts": UssdMenu._meta,
                "limit": settings.USSD_SCREEN_LIMIT,
            },
        )


@admin.register(UssdScreen)
class UssdScreenAdmin(CounterContextMixin, admin.ModelAdmin):
    form = ScreenForm
    list_display = ["key", "menu", "kind", "text", "action"]
    list_filter = ["menu__app", "kind"]
    list_select_related = ["menu"]
    inlines = [UssdOptionInline]


class UssdExchangeInline(ReadOnlyInline):
    model = UssdExchange
    fields = [
        "sequence",
        "received_at",
        "input",
        "reply",
        "flash",
        "status",
        "latency_ms",
        "last_error",
    ]


@admin.register(UssdSession)
class UssdSessionAdmin(NumberSearch, CsvExport, ReadOnlyAdmin):
    list_display = ["started_at", "msisdn", "app", "menu", "screen", "status", "network_initiated"]
    list_filter = ["status", "app", "menu", "network_initiated", "started_at"]
    list_select_related = ["app", "menu", "screen"]
    search_fields = ["msisdn", "=session_id"]
    # No date_hierarchy: a DISTINCT over the whole table on every page (see message.py).
    inlines = [UssdExchangeInline]

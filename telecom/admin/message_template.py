"""Message templates in the console: written and checked like any row (an
unknown variable is a form error), and previewed with a real subscriber of
the template's app: the filled text, where each value came from, and its
parts."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from subscribers.models import Subscriber
from telecom.models import MessageTemplate
from telecom.msisdn import try_normalize
from telecom.services import message_templates
from telecom.steps.templating import names

QUICK_PICKS = 8


class TemplateChoice(forms.ModelChoiceField):
    """A message template, named with its app (several apps may have a "welcome")."""

    def __init__(self, **kwargs):
        queryset = MessageTemplate.objects.select_related("app").order_by("app__name", "name")
        super().__init__(queryset=queryset, required=False, **kwargs)

    def label_from_instance(self, template) -> str:
        return f"{template.name} ({template.app})"


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "app", "short_text", "variables", "updated_at"]
    list_filter = ["app"]
    list_select_related = ["app"]
    search_fields = ["name", "text"]
    fields = ["app", "name", "text", "defaults", "preview_link"]
    readonly_fields = ["preview_link"]

    @admin.display(description="text")
    def short_text(self, obj: MessageTemplate) -> str:
        return obj.text if len(obj.text) <= 60 else obj.text[:57] + "…"

    @admin.display(description="variables")
    def variables(self, obj: MessageTemplate) -> str:
        return ", ".join("{" + name + "}" for name in names(obj.text)) or "—"

    @admin.display(description="preview")
    def preview_link(self, obj: MessageTemplate):
        if obj is None or obj.pk is None:
            return "Save the template, then preview it with a subscriber."
        url = reverse("admin:telecom_messagetemplate_preview", args=[obj.pk])
        return format_html('<a class="button" href="{}">Preview with a subscriber</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                view(self.preview_view),
                name="telecom_messagetemplate_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk: int):
        """GET only: the template filled for the subscriber `?number=` names."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        template = get_object_or_404(MessageTemplate.objects.select_related("app"), pk=pk)
        subscribers = Subscriber.objects.filter(app=template.app)
        typed = (request.GET.get("number") or "").strip()[:40]
        subscriber, problem = None, ""
        if typed:
            number = try_normalize(typed)
            subscriber = subscribers.filter(msisdn=number).first() if number else None
            if subscriber is None:
                problem = (
                    f"No subscriber {number} in {template.app}."
                    if number
                    else f"“{typed}” is not a number."
                )
        picks = subscribers.exclude(attributes={}).order_by("-updated_at")[:QUICK_PICKS]
        return TemplateResponse(
            request,
            "admin/telecom/messagetemplate/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Preview “{template.name}”",
                "template_row": template,
                "typed": typed,
                "problem": problem,
                "subscriber": subscriber,
                "picks": list(picks) or list(subscribers.order_by("-updated_at")[:QUICK_PICKS]),
                "preview": message_templates.preview(template, subscriber),
                "values": message_templates.explain(template, subscriber),
                "opts": MessageTemplate._meta,
                "original": template,
            },
        )

"""Campaigns in the console: pick a segment and a text (and, to schedule it,
when to start: in the operator's zone, TIME_ZONE), see the count and the
cost in parts, confirm; then watch the progress bar and why it waits, pause,
resume, cancel."""

import csv
import io

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from subscribers.models import Subscriber, Tag
from telecom.admin.message_template import TemplateChoice
from telecom.errors import ServiceError
from telecom.models import Campaign, ProviderApp
from telecom.services import campaign_schedule, campaigns

MAX_CSV_BYTES = 10 * 1024 * 1024
# What an operator may still do to a campaign in each status (the services'
# own guards); a finished campaign offers nothing.
CONTROLS = {
    Campaign.Status.SCHEDULED: ("cancel",),
    Campaign.Status.BUILDING: ("cancel",),
    Campaign.Status.QUIET: ("pause", "cancel"),
    Campaign.Status.RUNNING: ("pause", "cancel"),
    Campaign.Status.PAUSED: ("resume", "cancel"),
}
NUMBERS_SHOWN = 10


def describe_segment(segment: dict) -> str:
    """A campaign's segment in words: "subscribers who are Active, tagged “vip”"."""
    parts = []
    if segment.get("status"):
        try:
            parts.append(f"who are {Subscriber.Status(segment['status']).label}")
        except ValueError:
            parts.append(f"whose status is {segment['status']}")
    if segment.get("tag"):
        parts.append(f"tagged “{segment['tag']}”")
    numbers = segment.get("numbers") or []
    if numbers:
        shown = ", ".join(numbers[:NUMBERS_SHOWN])
        more = f" and {len(numbers) - NUMBERS_SHOWN:,} more" if len(numbers) > NUMBERS_SHOWN else ""
        parts.append(f"among {len(numbers):,} listed numbers ({shown}{more})")
    return "Subscribers " + ", ".join(parts) if parts else "Every subscriber of the app"


class CampaignForm(forms.Form):
    app = forms.ModelChoiceField(queryset=ProviderApp.objects.filter(is_active=True))
    name = forms.CharField(max_length=100)
    template = TemplateChoice(
        help_text="Or a template, filled for each recipient with their own attributes."
    )
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4, "data-measure": "1"})
    )
    status = forms.ChoiceField(
        choices=[("", "any"), *Subscriber.Status.choices],
        required=False,
        initial=Subscriber.Status.ACTIVE,
        label="Subscribers who are",
    )
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.all(), required=False, to_field_name="name", label="Tagged"
    )
    numbers_file = forms.FileField(
        required=False,
        label="Only these numbers (CSV)",
        help_text="A CSV whose first column holds numbers, any form.",
    )
    send_at = forms.DateTimeField(
        required=False,
        label="Start at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=f"Your time ({settings.TIME_ZONE}). Empty: start as soon as it is confirmed.",
    )
    numbers = forms.CharField(widget=forms.HiddenInput, required=False)
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def clean_send_at(self):
        try:
            return campaigns.clean_send_at(self.cleaned_data.get("send_at"), timezone.now())
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        cleaned = super().clean()
        template, app = cleaned.get("template"), cleaned.get("app")
        if bool(template) == bool((cleaned.get("text") or "").strip()):
            self.add_error("text", "Write the text, or choose a template (not both).")
        elif template and app and template.app_id != app.pk:
            self.add_error("template", f"This template belongs to {template.app}.")
        upload = cleaned.get("numbers_file")
        if upload:
            if upload.size > MAX_CSV_BYTES:
                raise forms.ValidationError("The CSV is larger than 10 MB.")
            text = upload.read().decode("utf-8-sig", errors="replace")
            rows = csv.reader(io.StringIO(text))
            cleaned["numbers"] = "\n".join(
                row[0].strip()
                for row in rows
                if row and row[0].strip() and any(ch.isdigit() for ch in row[0])
            )
        return cleaned

    def segment(self) -> dict:
        data = self.cleaned_data
        segment = {}
        if data.get("status"):
            segment["status"] = data["status"]
        if data.get("tag"):
            segment["tag"] = data["tag"].name
        if data.get("numbers"):
            segment["numbers"] = data["numbers"].split("\n")
        return segment


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "app",
        "status",
        "send_at",
        "recipients",
        "skipped",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "app"]
    list_select_related = ["app"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_fields(self, request, obj=None):
        # The segment in words, where it stood, not as raw JSON.
        return ["who" if f.name == "segment" else f.name for f in Campaign._meta.fields]

    @admin.display(description="segment")
    def who(self, obj: Campaign) -> str:
        return describe_segment(obj.segment or {})

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("telecom.run_campaign")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", view(self.progress_view), name="telecom_campaign_progress"),
            path(
                "<int:pk>/control/<str:action>/",
                view(self.control_view),
                name="telecom_campaign_control",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CampaignForm(request.POST or None, request.FILES or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["confirmed"]:
                    campaign = campaigns.create_campaign(
                        app=data["app"],
                        name=data["name"],
                        text=data["text"],
                        template=data["template"],
                        segment=form.segment(),
                        created_by=request.user,
                        send_at=data.get("send_at"),
                    )
                    said = campaign_schedule.waiting(campaign) or "being prepared"
                    self.message_user(request, f"Campaign {campaign}: {said[0].lower()}{said[1:]}.")
                    return redirect("admin:telecom_campaign_change", campaign.pk)
                preview = campaigns.preview(
                    data["app"], data["text"], form.segment(), template=data["template"]
                )
                preview["starts"] = campaign_schedule.starts(data["app"], data.get("send_at"))
                form = CampaignForm(
                    initial={
                        **data,
                        "confirmed": True,
                        "tag": data["tag"].name if data.get("tag") else "",
                    }
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return TemplateResponse(
            request,
            "admin/telecom/campaign_add.html",
            {
                **self.admin_site.each_context(request),
                "title": "New campaign",
                "form": form,
                "preview": preview,
                "opts": Campaign._meta,
                "measure_url": reverse("admin:telecom_message_measure"),
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = get_object_or_404(Campaign.objects.select_related("app"), pk=object_id)
        hours = campaign.app.quiet_window()
        extra = {
            **(extra_context or {}),
            "progress_url": reverse("admin:telecom_campaign_progress", args=[campaign.pk]),
            "progress": campaigns.progress(campaign),
            "status_label": campaign.get_status_display(),
            "quiet_hours": (
                f"{campaign.app}'s quiet hours: {hours.describe()}; nothing of a campaign "
                "is sent then."
                if hours
                else ""
            ),
            "can_run": request.user.has_perm("telecom.run_campaign"),
            "control": {
                a: reverse("admin:telecom_campaign_control", args=[campaign.pk, a])
                for a in CONTROLS.get(campaign.status, ())
            },
        }
        return super().change_view(request, object_id, form_url, extra)

    def progress_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign.objects.select_related("app"), pk=pk)
        return JsonResponse(
            {**campaigns.progress(campaign), "status_label": campaign.get_status_display()}
        )

    def control_view(self, request, pk: int, action: str):
        if request.method != "POST" or not request.user.has_perm("telecom.run_campaign"):
            raise PermissionDenied
        campaign = get_object_or_404(Campaign, pk=pk)
        handlers = {
            "pause": campaigns.pause_campaign,
            "resume": campaigns.resume_campaign,
            "cancel": campaigns.cancel_campaign,
        }
        if action not in handlers:
            raise PermissionDenied
        before = campaign.status
        done = handlers[action](campaign)
        campaign.refresh_from_db()
        done = done or campaign.status != before  # a scheduled one cancels no message
        level = messages.SUCCESS if done else messages.WARNING
        self.message_user(
            request, f"{action.title()}: {'done' if done else 'nothing to do'}.", level
        )
        return redirect("admin:telecom_campaign_change", pk)

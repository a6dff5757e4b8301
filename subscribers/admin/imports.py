"""Subscriber imports in the console: upload a CSV to an app, see what it
would do (counts and sample rows), apply it and watch it go.

The import's page and its list refresh themselves while a worker checks or
applies the file (`hatid/live.js`, `telecom.admin.live`). Uploading, applying
and resuming need `subscribers.add_subscriberimport` (Operators); Viewers see
the imports, never the buttons.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from subscribers.admin.forms import ImportForm
from subscribers.models import SubscriberImport
from subscribers.services.import_batches import needs_consent
from subscribers.services.import_csv import REASONS
from subscribers.services.imports import apply_import, can_resume, resume_import, start_import
from telecom.errors import ServiceError

Status = SubscriberImport.Status

# What each count means, per kind of app: (category, title, explanation).
SECTIONS = (
    ("new", "New", "numbers not in the app yet: added"),
    ("updated", "Updated", "already in the app: tags and attributes added"),
    ("unsubscribed", "Unsubscribed", "they unsubscribed: left alone"),
    ("invalid", "Invalid", "rows skipped, for the reasons below"),
)
UNREACHABLE = (
    "unreachable",
    "Unable to receive",
    "no consent (access token) from Globe: stored, but they cannot be messaged until they opt in",
)


def progress_bar(obj: SubscriberImport) -> str:
    return format_html(
        '<progress class="hatid-progress" value="{}" max="100">{}%</progress> '
        '<span class="hatid-progress-figure">{}%</span>',
        obj.percent,
        obj.percent,
        obj.percent,
    )


@admin.register(SubscriberImport)
class SubscriberImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "app", "status", "progress", "rows", "requested_by"]
    list_display_links = ["created_at"]
    list_filter = ["status", "app"]
    list_select_related = ["app", "requested_by"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # nothing to edit: the import's page acts through its buttons

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of what was imported stays

    @admin.display(description="progress")
    def progress(self, obj: SubscriberImport):
        return progress_bar(obj)

    @admin.display(description="rows")
    def rows(self, obj: SubscriberImport) -> str:
        if obj.status == Status.APPLYING or obj.status == Status.DONE:
            return f"{obj.position:,} of {obj.total_rows or 0:,} applied"
        if obj.total_rows is not None:
            return f"{obj.total_rows:,} rows checked"
        return "—"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:object_id>/apply/",
                self.admin_site.admin_view(self.apply_view),
                name=f"{prefix}_apply",
            ),
            path(
                "<int:object_id>/resume/",
                self.admin_site.admin_view(self.resume_view),
                name=f"{prefix}_resume",
            ),
            *super().get_urls(),
        ]

    def _page_url(self, obj) -> str:
        return reverse("admin:subscribers_subscriberimport_change", args=[obj.pk])

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm()
        if request.method == "POST":
            too_big = int(request.META.get("CONTENT_LENGTH") or 0) > (
                settings.SUBSCRIBER_IMPORT_MAX_BYTES + 64 * 1024
            )
            form = ImportForm(request.POST, None if too_big else request.FILES)
            if too_big:
                form.is_valid()
                form.errors.pop("file", None)
                form.add_error(
                    "file",
                    f"The file is larger than {settings.SUBSCRIBER_IMPORT_MAX_BYTES / 1e6:.0f} MB"
                    " (split it into several imports).",
                )
            elif form.is_valid():
                try:
                    created = start_import(
                        app=form.cleaned_data["app"],
                        file_name=form.file_name,
                        data=form.cleaned_data["file"],
                        user=request.user,
                    )
                except ServiceError as exc:
                    form.add_error("file", exc.message)
                else:
                    self.message_user(request, "File received: checking it now.", messages.INFO)
                    return HttpResponseRedirect(self._page_url(created))
        return TemplateResponse(
            request,
            "admin/subscribers/subscriberimport/upload.html",
            {
                **self.admin_site.each_context(request),
                "title": "Import subscribers from a CSV",
                "form": form,
                "opts": self.opts,
                "max_mb": settings.SUBSCRIBER_IMPORT_MAX_BYTES // (1024 * 1024),
            },
        )

    def _import_or_404(self, request, object_id) -> SubscriberImport:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = self.get_queryset(request).select_related("app", "requested_by")
        obj = found.filter(pk=object_id).first()
        if obj is None:
            raise Http404
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            obj = self._import_or_404(request, int(object_id))
        except ValueError:
            raise Http404 from None
        may_act = self.has_add_permission(request)
        shown = obj.result if obj.applied_at else obj.preview
        counts = shown.get("counts", {})
        sections = list(SECTIONS)
        if needs_consent(obj.app):
            sections.insert(2, UNREACHABLE)
        return TemplateResponse(
            request,
            "admin/subscribers/subscriberimport/import.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Import of {obj.file_name}",
                "opts": self.opts,
                "original": obj,
                "imported": obj,
                "progress": progress_bar(obj),
                "rows": self.rows(obj),
                "cards": [
                    {
                        "key": key,
                        "title": title,
                        "explanation": explanation,
                        "count": counts.get(key, 0),
                        "samples": shown.get("samples", {}).get(key, []),
                    }
                    for key, title, explanation in sections
                ],
                "reasons": [
                    (REASONS.get(key, key), count)
                    for key, count in sorted(
                        shown.get("reasons", {}).items(), key=lambda item: -item[1]
                    )
                ],
                "has_figures": bool(counts),
                "applied": bool(obj.applied_at),
                "may_apply": may_act and obj.status == Status.PREVIEWED,
                "may_resume": may_act and can_resume(obj),
                "working": obj.status in (Status.CHECKING, Status.APPLYING),
                "hatid_live_url": reverse("admin:live", args=["subscribers", "subscriberimport"]),
            },
        )

    def _act(self, request, object_id, service, done: str):
        if not self.has_add_permission(request):
            raise PermissionDenied
        obj = self._import_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._page_url(obj))
        try:
            service(subscriber_import=obj)
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(self._page_url(obj))

    def apply_view(self, request, object_id):
        return self._act(request, object_id, apply_import, "Importing: the page follows it.")

    def resume_view(self, request, object_id):
        return self._act(request, object_id, resume_import, "Resumed where it stopped.")

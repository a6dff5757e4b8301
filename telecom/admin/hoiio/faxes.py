"""Hoiio faxes in the console: send a PDF, read a received one, look up or
settle one whose outcome is unknown, see what it costs."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from telecom.admin.base import (
    AsksProviders,
    NumberSearch,
    ReadOnlyAdmin,
    ServiceFormMixin,
    act_on_each,
    provider_call,
)
from telecom.admin.decisions import OperatorDecisions
from telecom.admin.hoiio.common import hoiio_apps
from telecom.models import Fax
from telecom.models.fax import MAX_DOCUMENT_BYTES
from telecom.services import fax as faxes
from telecom.services.hoiio import prices as hoiio_prices


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
class FaxAdmin(NumberSearch, AsksProviders, OperatorDecisions, ServiceFormMixin, ReadOnlyAdmin):
    number_fields = ("src", "dest")
    list_display = ["created_at", "direction", "src", "dest", "pages", "status", "app"]
    list_filter = ["direction", "status", "app"]
    search_fields = ["src", "dest", "=txn_ref", "=tag"]
    actions = ["look_up", "rate", "retry", "settle_done", "settle_failed"]

    def get_readonly_fields(self, request, obj=None):
        return ["document_link", *[f.name for f in Fax._meta.fields if f.name != "document"]]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    add_form, add_service = FaxForm, staticmethod(faxes.send_fax)
    add_permission, add_title = "telecom.send_fax", "Send a fax"

    def has_act_permission(self, request) -> bool:
        return request.user.has_perm(self.add_permission)

    def add_arguments(self, request, data: dict) -> dict:
        upload = data["document"]
        return {
            **super().add_arguments(request, data),
            "document": upload.read(),
            "filename": upload.name,
        }

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
        act_on_each(
            self,
            request,
            queryset.filter(direction=Fax.Direction.OUT),
            lambda fax: hoiio_prices.fax_rate(fax.app, fax.dest),
            lambda fax, rate: f"{fax.dest}: {rate.rate} {rate.currency} a page",
        )

"""Shared pieces of Hatid's admin pages."""

import contextlib
import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html

from telecom.admin.pagination import EstimatedCountPaginator
from telecom.errors import ProviderConfigurationError, ProviderError, ServiceError


class ReadOnlyAdmin(admin.ModelAdmin):
    """For logs: operators look, nobody edits or adds by hand."""

    # Counting a log table of millions of rows on every page is the slowest
    # query of the page and tells the operator nothing.
    show_full_result_count = False
    # And counting it unfiltered for the paginator is the same query again.
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent, as history: none added, changed or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def pretty_block(text: str):
    """A body shown as a <pre> block, JSON indented when it is JSON."""
    # RecursionError: JSON nested deeper than Python parses (a rejected callback's body).
    with contextlib.suppress(TypeError, ValueError, RecursionError):
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    return format_html('<pre class="hatid-pre">{}</pre>', text or "—")


class ServiceFormMixin:
    """Admin pages whose "add" is a service call, not a model form: `service_form`
    shows a plain form and, once valid, calls `perform(cleaned_data)` (a service);
    its error lands on the field it names, a provider's error at the top."""

    def service_form(self, request, form_class, *, title, perform, permission, **context):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        form = form_class(request.POST or None, request.FILES or None, initial=request.GET)
        if request.method == "POST" and form.is_valid():
            try:
                done = perform(form.cleaned_data)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except (ProviderError, ProviderConfigurationError) as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"{title}: {done}", messages.SUCCESS)
                opts = self.model._meta
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return TemplateResponse(
            request,
            "admin/telecom/service_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "opts": self.model._meta,
                **context,
            },
        )


def provider_call(admin_page, request, work, success: str) -> None:
    """Run `work()` (it asks a provider) for an admin action; say how it went."""
    try:
        result = work()
    except (ProviderError, ProviderConfigurationError, ServiceError) as exc:
        admin_page.message_user(request, str(exc), messages.ERROR)
    else:
        admin_page.message_user(request, success.format(result=result))


ASK_PROVIDER = "telecom.ask_provider"


class AsksProviders:
    """For admins with actions marked `permissions=["ask"]`: they call a provider
    now (a status, a price, the wallet, a sync) and record what it answers, an
    OutboundCall at the least. Viewers only look, so those are Operators'."""

    def has_ask_permission(self, request) -> bool:
        return request.user.has_perm(ASK_PROVIDER)

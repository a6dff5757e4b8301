"""Shared pieces of Hatid's admin pages."""

import contextlib
import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html

from telecom.admin.pagination import EstimatedCountPaginator
from telecom.errors import ProviderConfigurationError, ProviderError, ServiceError
from telecom.msisdn import try_normalize


class ReadOnlyAdmin(admin.ModelAdmin):
    """For logs: operators look, nobody edits or adds by hand.

    Every field shown is read-only: the `fields` a subclass lists, or else all
    the model's fields but its `hidden_fields` (a secret, a confirmation code),
    followed by its `readonly_fields` (what it computes for display)."""

    hidden_fields: tuple[str, ...] = ()

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

    def get_readonly_fields(self, request, obj=None):
        if self.fields:
            return self.fields
        shown = [f.name for f in _own_fields_first(self.model) if f.name not in self.hidden_fields]
        return [*shown, *self.readonly_fields]


# Who a row is about comes first, whichever class declares it.
_LEADING_FIELDS = ("id", "app", "subscriber", "msisdn")


def _own_fields_first(model) -> list:
    """The model's fields: who it is about, then those it declares, then those
    an abstract base gives it (`telecom.models.bases`, the outbox's plumbing).
    Fields are ordered by creation, and the bases' were created first, which
    would put a charge's requester and lease above its amount."""
    inherited = {
        field.name
        for base in model.__mro__[1:]
        if getattr(getattr(base, "_meta", None), "abstract", False)
        for field in base._meta.local_fields
    }

    def place(field) -> tuple[int, int]:
        if field.name in _LEADING_FIELDS:
            return (0, _LEADING_FIELDS.index(field.name))
        return (2 if field.name in inherited else 1, 0)

    return sorted(model._meta.fields, key=place)


class NumberSearch:
    """A ModelAdmin mixin: a number typed in any form (`0917 123 4567`,
    `639171234567`, `+639171234567`) finds the rows whose `number_fields`
    (E.164) hold it, by equality on the index; anything else is searched as
    `search_fields` say. Those who see numbers masked search this way too."""

    number_fields: tuple[str, ...] = ("msisdn",)

    def get_search_results(self, request, queryset, search_term):
        number = try_normalize(search_term.strip()) if search_term.strip() else None
        if number:
            matches = Q()
            for field in self.number_fields:
                matches |= Q(**{field: number})
            return queryset.filter(matches), False
        return super().get_search_results(request, queryset, search_term)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent, as history: none added, changed or deleted;
    every one of the `fields` a subclass lists is read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [*(self.fields or ()), *self.readonly_fields]

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


def block_field(description: str, text):
    """A read-only field of an admin page: `text(row)` shown by `pretty_block`."""

    @admin.display(description=description)
    def shown(self, obj):
        return pretty_block(text(obj))

    return shown


class ServiceFormMixin:
    """Admin pages whose "add" is a service call, not a model form: `service_form`
    shows a plain form and, once valid, calls `perform(cleaned_data)` (a service);
    its error lands on the field it names, a provider's error at the top.

    The add page itself is declared: `add_form`, `add_service` (a `staticmethod`),
    `add_permission` (who may add), `add_title` and `add_submit`. The form's
    cleaned data are the service's keyword arguments, with `source="admin"`; a
    subclass whose form says it otherwise overrides `add_arguments`."""

    add_form = None
    add_service = None
    add_permission = ""
    add_title = ""
    add_submit = "Send"

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm(self.add_permission)

    def add_arguments(self, request, data: dict) -> dict:
        return {**data, "source": "admin"}

    def add_view(self, request, form_url="", extra_context=None):
        return self.service_form(
            request,
            self.add_form,
            title=self.add_title,
            permission=self.add_permission,
            submit=self.add_submit,
            perform=lambda data: self.add_service(**self.add_arguments(request, data)),
            **self.add_context(request),
        )

    def add_context(self, request) -> dict:
        """What else the add page shows (none by default)."""
        return {}

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


def act_on_each(admin_page, request, rows, work, say) -> None:
    """An admin action over the selected rows, one at a time: `work(row)` calls a
    service or asks a provider; a refusal or a provider's error is said under the
    row's name and the next row goes on; a result is said as `say(row, result)`
    puts it (a text, or a `(text, level)` pair)."""
    for row in rows:
        try:
            result = work(row)
        except (ProviderError, ProviderConfigurationError, ServiceError) as exc:
            admin_page.message_user(request, f"{row}: {exc}", messages.ERROR)
            continue
        said = say(row, result)
        text, level = said if isinstance(said, tuple) else (said, messages.INFO)
        admin_page.message_user(request, text, level)


ASK_PROVIDER = "telecom.ask_provider"


class AsksProviders:
    """For admins with actions marked `permissions=["ask"]`: they call a provider
    now (a status, a price, the wallet, a sync) and record what it answers, an
    OutboundCall at the least. Viewers only look, so those are Operators'."""

    def has_ask_permission(self, request) -> bool:
        return request.user.has_perm(ASK_PROVIDER)

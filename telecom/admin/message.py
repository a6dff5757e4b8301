"""Messages in the console: the list, each message with its attempts, a
conversation per subscriber, compose (one number, several, or a segment as a
campaign; through a Hoiio app, with Hoiio's rate before sending), retry and
cancel, and for Hoiio: ask Hoiio now, or settle an unknown outcome."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from subscribers.models import Subscriber
from telecom.admin.base import AsksProviders, NumberSearch, ReadOnlyAdmin
from telecom.admin.decisions import OperatorDecisions, send_again_action, settle_action
from telecom.admin.export import CsvExport
from telecom.admin.message_template import TemplateChoice
from telecom.errors import ProviderConfigurationError, ProviderError, ServiceError
from telecom.models import Message, MessageTemplate, OutboundCall, ProviderApp
from telecom.msisdn import try_normalize
from telecom.services import message_templates
from telecom.services.hoiio.sms import refresh_messages, sms_rate
from telecom.services.messaging import (
    DATA_CODING_SCHEMES,
    BinaryPayload,
    cancel_messages,
    send_sms,
    validate_binary,
)
from telecom.sms_length import measure


def first_number(raw: str | None) -> str | None:
    """The first of the numbers typed in compose's "to" (lines or commas), in E.164."""
    for line in (raw or "").splitlines():
        for part in line.split(","):
            if part.strip():
                return try_normalize(part.strip())
    return None


class ComposeForm(forms.Form):
    KINDS = [("text", "Text"), ("template", "Template"), ("binary", "Binary")]

    app = forms.ModelChoiceField(queryset=ProviderApp.objects.filter(is_active=True))
    to = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or more numbers, one per line or separated by commas, in any form.",
    )
    kind = forms.ChoiceField(
        choices=KINDS, initial="text", widget=forms.RadioSelect, label="Send", required=False
    )
    template = TemplateChoice(
        help_text="Filled for each number: its subscriber's attributes, else the defaults."
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-measure": "1"}),
        help_text="For binary: the payload.",
    )
    user_data_header = forms.CharField(
        required=False,
        max_length=280,
        label="UDH (hex)",
        help_text="The user data header in hex, its first byte its length, e.g. 06050415811581.",
    )
    data_coding_scheme = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        initial=4,
        label="DCS",
        choices=[(code, f"{code}: {name}") for code, name in DATA_CODING_SCHEMES.items()],
    )

    def clean_to(self):
        raw = [
            part.strip()
            for chunk in self.cleaned_data["to"].splitlines()
            for part in chunk.split(",")
            if part.strip()
        ]
        numbers, bad = [], []
        for value in raw:
            number = try_normalize(value)
            (numbers if number else bad).append(number or value)
        if bad:
            raise forms.ValidationError(f"Not valid numbers: {', '.join(bad[:10])}")
        if not numbers:
            raise forms.ValidationError("Give at least one number.")
        if len(numbers) > 500:
            raise forms.ValidationError("For more than 500 numbers, start a campaign.")
        return list(dict.fromkeys(numbers))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned["kind"] = cleaned.get("kind") or (
            "template" if cleaned.get("template") else "text"
        )
        if kind == "template":
            template, app = cleaned.get("template"), cleaned.get("app")
            if template is None:
                self.add_error("template", "Choose a template.")
            elif app is not None and template.app_id != app.pk:
                self.add_error("template", f"This template belongs to {template.app}.")
        elif kind == "text" and not (cleaned.get("text") or "").strip():
            self.add_error("text", "Write the message.")
        elif kind == "binary":
            # The API's own check (`validate_binary`), its fields named as here.
            try:
                validate_binary(self.binary())
            except ServiceError as exc:
                field = {"message": "text"}.get(exc.field, exc.field)
                self.add_error(field if field in self.fields else None, exc.message)
        return cleaned

    def binary(self) -> BinaryPayload:
        data = self.cleaned_data
        return BinaryPayload(
            message=data.get("text") or "",
            user_data_header=(data.get("user_data_header") or "").strip(),
            data_coding_scheme=data.get("data_coding_scheme"),
        )

    def content(self) -> dict:
        """What `send_sms` sends: the text, the template, or the binary payload."""
        kind = self.cleaned_data["kind"]
        if kind == "template":
            return {"template": self.cleaned_data["template"]}
        if kind == "binary":
            return {"binary": self.binary()}
        return {"text": self.cleaned_data["text"]}


@admin.register(Message)
class MessageAdmin(NumberSearch, CsvExport, AsksProviders, OperatorDecisions, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "arrow",
        "msisdn",
        "app",
        "short_text",
        "status",
        "parts",
        "source",
        "attempts",
    ]
    list_filter = ["direction", "status", "app", "source", "created_at"]
    list_select_related = ["app"]
    search_fields = ["msisdn", "text", "=client_correlator"]
    search_help_text = "A number in any form, words of the text, or a clientCorrelator."
    # No date_hierarchy: its bar lists the months with rows, a DISTINCT over the whole
    # table on every page (0.5 s at 1,000,000 rows); the date filter narrows as well.
    actions = ["retry", "cancel", "ask_provider", "settle_sent", "settle_unsent"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "direction",
                    "status",
                    "app",
                    "conversation",
                    "msisdn",
                    "text",
                    "encoding",
                    "parts",
                    "source",
                ]
            },
        ),
        (
            "Delivery",
            {
                "fields": [
                    "client_correlator",
                    "resource_url",
                    "txn_ref",
                    "delivery_status",
                    "delivered_at",
                    "bulk",
                    "attempts",
                    "last_error",
                    "created_at",
                    "next_attempt_at",
                    "finished_at",
                    "campaign",
                    "partner",
                ]
            },
        ),
        ("Binary", {"fields": ["user_data_header", "data_coding_scheme"], "classes": ["collapse"]}),
        (
            "Inbound",
            {
                "fields": [
                    "platform_key",
                    "platform_sent_at",
                    "incomplete",
                    "keyword_rule",
                    "callback_event",
                ],
                "classes": ["collapse"],
            },
        ),
        ("Attempts at the platform", {"fields": ["platform_attempts"]}),
    ]

    readonly_fields = ["conversation", "platform_attempts"]

    @admin.display(description="")
    def arrow(self, obj: Message) -> str:
        return "→" if obj.direction == Message.Direction.OUT else "←"

    @admin.display(description="text")
    def short_text(self, obj: Message) -> str:
        return obj.text if len(obj.text) <= 60 else obj.text[:57] + "…"

    @admin.display(description="conversation")
    def conversation(self, obj: Message):
        url = reverse("admin:telecom_message_conversation", args=[obj.subscriber_id])
        return format_html('<a href="{}">All messages with {}</a>', url, obj.msisdn)

    @admin.display(description="requests and the platform's answers")
    def platform_attempts(self, obj: Message):
        calls = OutboundCall.objects.filter(subject_type="telecom.message", subject_id=obj.pk)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td>{}</td>"
            "<td><code>{}</code></td></tr>",
            (
                (
                    c.started_at,
                    c.status_code or "—",
                    c.get_outcome_display(),
                    c.latency_ms,
                    c.error or "",
                    c.response_body[:200],
                )
                for c in calls.order_by("started_at")
            ),
        )
        if not rows:
            return "—"
        return format_html(
            "<table><tr><th>when</th><th>HTTP</th><th>outcome</th><th>latency</th>"
            "<th>error</th><th>answer</th></tr>{}</table>",
            rows,
        )

    # --- actions --------------------------------------------------------

    retry = send_again_action(
        description="Retry the selected failed messages",
        done="Re-queued {count} message(s) with their clientCorrelators.",
        permission="retry",
    )

    def sendable(self, queryset):
        return queryset.filter(direction=Message.Direction.OUT)

    @admin.action(description="Cancel the selected queued messages", permissions=["retry"])
    def cancel(self, request, queryset):
        count = cancel_messages(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Cancelled {count} queued message(s).")

    @admin.action(description="Hoiio: ask for their status now", permissions=["ask"])
    def ask_provider(self, request, queryset):
        try:
            count = refresh_messages(list(queryset.select_related("app")))
        except (ProviderError, ProviderConfigurationError) as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Updated {count} message(s) from Hoiio.")

    settle_sent = settle_action(
        went_through=True,
        description="Unknown outcome: it was sent",
        done="Settled {count} message(s) as sent.",
        permission="retry",
    )
    settle_unsent = settle_action(
        went_through=False,
        description="Unknown outcome: it was not sent",
        done="Settled {count} as failed: retry them to send.",
        permission="retry",
    )

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("telecom.retry_message")

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("telecom.send_message")

    # --- extra pages ------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("compose/", view(self.compose_view), name="telecom_message_compose"),
            path("measure/", view(self.measure_view), name="telecom_message_measure"),
            path("rate/", view(self.rate_view), name="telecom_message_rate"),
            path(
                "conversation/<int:subscriber_id>/",
                view(self.conversation_view),
                name="telecom_message_conversation",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_compose": self.has_send_permission(request)}
        return super().changelist_view(request, extra_context)

    def measure_view(self, request):
        """The text's length; for a template, filled for the first number's
        subscriber, or with the longest plausible values when there is none."""
        ref = request.GET.get("template") or ""
        template = (
            MessageTemplate.objects.select_related("app").filter(pk=ref).first()
            if ref.isdigit()
            else None
        )
        if template is None:
            return JsonResponse(measure(request.GET.get("text", "")).as_dict())
        number = first_number(request.GET.get("to"))
        subscriber = (
            Subscriber.objects.filter(app=template.app, msisdn=number).first() if number else None
        )
        return JsonResponse(message_templates.preview(template, subscriber))

    def rate_view(self, request):
        """What the text costs through the app's Hoiio account (empty for other apps)."""
        if not self.has_send_permission(request):
            raise PermissionDenied
        app = ProviderApp.objects.filter(pk=request.GET.get("app") or 0).first()
        number = first_number(request.GET.get("to"))
        if app is None or app.provider != ProviderApp.Provider.HOIIO or not number:
            return JsonResponse({})
        try:
            rate = sms_rate(app, number, request.GET.get("text") or " ")
        except (ProviderError, ProviderConfigurationError, ServiceError) as exc:
            return JsonResponse({"error": str(exc)})
        return JsonResponse(
            {
                "currency": rate.currency,
                "rate": str(rate.rate),
                "split_count": rate.split_count,
                "total_cost": str(rate.total_cost),
                "is_unicode": rate.is_unicode,
            }
        )

    def compose_view(self, request):
        if not self.has_send_permission(request):
            raise PermissionDenied
        form = ComposeForm(
            request.POST or None,
            initial={
                "app": request.GET.get("app"),
                "to": request.GET.get("to", ""),
                "template": request.GET.get("template"),
                "kind": "template" if request.GET.get("template") else "text",
            },
        )
        if request.method == "POST" and form.is_valid():
            data, content = form.cleaned_data, form.content()
            try:
                with transaction.atomic():
                    sent = [
                        send_sms(app=data["app"], to=number, source=Message.Source.ADMIN, **content)
                        for number in data["to"]
                    ]
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                failed = [m for m in sent if m.status == Message.Status.FAILED]
                self.message_user(request, f"Queued {len(sent) - len(failed)} message(s).")
                for message in failed:
                    self.message_user(
                        request, f"{message.msisdn}: {message.last_error}", messages.WARNING
                    )
                return redirect("admin:telecom_message_changelist")
        return TemplateResponse(
            request,
            "admin/telecom/compose.html",
            {
                **self.admin_site.each_context(request),
                "title": "Compose SMS",
                "form": form,
                "opts": Message._meta,
                "measure_url": reverse("admin:telecom_message_measure"),
                "rate_url": reverse("admin:telecom_message_rate"),
            },
        )

    def conversation_view(self, request, subscriber_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        subscriber = get_object_or_404(Subscriber.objects.select_related("app"), pk=subscriber_id)
        history = list(Message.objects.filter(subscriber=subscriber).order_by("-created_at")[:200])
        return TemplateResponse(
            request,
            "admin/telecom/conversation.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Conversation with {subscriber.msisdn} ({subscriber.app})",
                "subscriber": subscriber,
                "history": reversed(history),
                "opts": Message._meta,
                "can_send": self.has_send_permission(request),
                # Encoded: a bare "+" in a query string is a space.
                "compose_url": reverse("admin:telecom_message_compose")
                + "?"
                + urlencode({"app": subscriber.app_id, "to": subscriber.msisdn}),
            },
        )

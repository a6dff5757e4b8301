"""The subscriber list's own actions: tag, export, locate, query balances,
offer a charging opt-in, and unsubscribe or resubscribe Hoiio recipients,
each asking for what it needs. The telecom features
add theirs (charge, reward, push USSD) in `telecom/admin/subscriber.py`."""

import csv

from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse

from subscribers.admin.forms import BalanceForm, ChargingOptInForm, LocateForm, TagForm
from subscribers.services.opt_out import hoiio_opt_in_again, hoiio_opt_out
from subscribers.services.queries import locate_subscriber, query_balance, request_charging_optin
from subscribers.services.tags import tag_subscribers, untag_subscribers
from telecom.errors import ServiceError

EXPORT_CHUNK = 2000


class SubscriberActions:
    """Mixed into SubscriberAdmin: the actions and the pages they show; `_form_action`,
    `_render_form` and `_each` serve the telecom features' actions too."""

    def _form_action(self, request, queryset, form_class, title, action):
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            return form
        return self._render_form(request, queryset, form, title, action)

    def _render_form(self, request, queryset, form, title, action):
        return TemplateResponse(
            request,
            "admin/subscribers/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset[:20],
                "count": queryset.count(),
                "action": action,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Tag or untag the selected subscribers", permissions=["tag"])
    def tag(self, request, queryset):
        form = self._form_action(request, queryset, TagForm, "Tag subscribers", "tag")
        if not isinstance(form, TagForm):
            return form
        ids = queryset.values_list("pk", flat=True)
        name = form.cleaned_data["tag"]
        try:
            if form.cleaned_data["remove"]:
                count = untag_subscribers(subscriber_ids=ids, tag_name=name)
                self.message_user(request, f"Removed the tag from {count} subscriber(s).")
            else:
                count = tag_subscribers(subscriber_ids=ids, tag_name=name)
                self.message_user(request, f"Tagged {count} subscriber(s).")
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        return None

    @admin.action(description="Export the selected subscribers as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        response = StreamingHttpResponse(
            _csv_rows(queryset.select_related("app")), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        return response

    @admin.action(description="Locate the selected subscribers", permissions=["locate"])
    def locate(self, request, queryset):
        form = self._form_action(request, queryset, LocateForm, "Locate subscribers", "locate")
        if not isinstance(form, LocateForm):
            return form
        accuracy = form.cleaned_data["requested_accuracy"]
        self._each(
            request,
            queryset,
            lambda s: locate_subscriber(subscriber=s, requested_accuracy=accuracy),
            "location queries",
        )
        return None

    @admin.action(
        description="Query the selected subscribers' balance or reload amount",
        permissions=["balance"],
    )
    def balance(self, request, queryset):
        form = self._form_action(request, queryset, BalanceForm, "Query balances", "balance")
        if not isinstance(form, BalanceForm):
            return form
        kind = form.cleaned_data["kind"]
        self._each(
            request, queryset, lambda s: query_balance(subscriber=s, kind=kind), "balance queries"
        )
        return None

    @admin.action(description="Offer a charging opt-in by SMS", permissions=["offer_charging"])
    def charging_optin(self, request, queryset):
        form = self._form_action(
            request, queryset, ChargingOptInForm, "Charging opt-in", "charging_optin"
        )
        if not isinstance(form, ChargingOptInForm):
            return form
        data = form.cleaned_data
        self._each(
            request,
            queryset,
            lambda s: request_charging_optin(
                app=s.app,
                msisdn=s.msisdn,
                amount=data["amount"],
                duration_days=data["duration_days"],
            ),
            "charging opt-in offers",
        )
        return None

    @admin.action(description="Unsubscribe the selected Hoiio recipients", permissions=["change"])
    def unsubscribe(self, request, queryset):
        self._consent(request, queryset, hoiio_opt_out, "Unsubscribed")

    @admin.action(
        description="Subscribe the selected Hoiio recipients again", permissions=["change"]
    )
    def resubscribe(self, request, queryset):
        self._consent(request, queryset, hoiio_opt_in_again, "Subscribed again")

    def _consent(self, request, queryset, service, done: str) -> None:
        changed, unchanged, refused = 0, 0, {}
        who = f"by an operator ({request.user.get_username()})"
        for subscriber in queryset.select_related("app").iterator(chunk_size=500):
            try:
                change = service(app=subscriber.app, number=subscriber.msisdn, detail=who)
            except ServiceError as exc:
                refused[exc.message] = refused.get(exc.message, 0) + 1
                continue
            changed, unchanged = changed + change.changed, unchanged + (not change.changed)
        self.message_user(request, f"{done}: {changed}; already so: {unchanged}.")
        for reason, count in refused.items():
            self.message_user(request, f"{count} left as they were: {reason}.", messages.WARNING)

    def _each(self, request, queryset, create, what: str) -> None:
        queued, refused = 0, {}
        for subscriber in queryset.select_related("app").iterator(chunk_size=500):
            try:
                create(subscriber)
                queued += 1
            except ServiceError as exc:
                refused[exc.message] = refused.get(exc.message, 0) + 1
        self.message_user(request, f"Queued {queued} {what}.")
        for reason, count in refused.items():
            self.message_user(request, f"{count} not queued: {reason}.", messages.WARNING)

    def has_tag_permission(self, request) -> bool:
        return request.user.has_perm("subscribers.tag_subscriber")

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("subscribers.export_subscriber")

    def has_locate_permission(self, request) -> bool:
        return request.user.has_perm("subscribers.locate_subscriber")

    def has_offer_charging_permission(self, request) -> bool:
        return request.user.has_perm("subscribers.offer_charging_optin_subscriber")

    def has_balance_permission(self, request) -> bool:
        return request.user.has_perm("subscribers.query_balance_subscriber")


class _Echo:
    def write(self, value):
        return value


def _csv_rows(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow(
        ["number", "app", "status", "channel", "first_opt_in", "last_opt_in", "tags"]
    )
    for sub in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield writer.writerow(
            [
                sub.msisdn,
                sub.app.name,
                sub.status,
                sub.opt_in_channel,
                sub.first_opt_in_at.isoformat() if sub.first_opt_in_at else "",
                sub.last_opt_in_at.isoformat() if sub.last_opt_in_at else "",
                " ".join(tag.name for tag in sub.tags.all()),
            ]
        )

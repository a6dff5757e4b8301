"""Subscribers in the console: find anyone by any way of writing their number,
see their consent history, location and balance, and act on many at once."""

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from subscribers.admin.actions import SubscriberActions
from subscribers.admin.privacy import PrivacyActions
from subscribers.models import AccessToken, ConsentEvent, Subscriber, Tag
from telecom.admin.base import ReadOnlyInline
from telecom.admin.pagination import EstimatedCountPaginator
from telecom.msisdn import try_normalize
from telecom.timefmt import console_time


class ConsentEventInline(ReadOnlyInline):
    model = ConsentEvent
    fields = ["occurred_at", "kind", "amount", "duration_days", "detail", "callback_event"]
    show_change_link = False


class AccessTokenInline(ReadOnlyInline):
    model = AccessToken
    fields = ["masked", "channel", "granted_at", "revoked_at", "revoke_reason", "revoke_detail"]
    verbose_name_plural = "access tokens (stored encrypted)"

    @admin.display(description="token")
    def masked(self, obj: AccessToken):
        return obj.token.hint if obj.token else "—"


class TaggedWith(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [(tag.name, tag.name) for tag in Tag.objects.all()[:200]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__name=self.value())
        return queryset


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Subscriber)
class SubscriberAdmin(SubscriberActions, PrivacyActions, admin.ModelAdmin):
    list_display = ["msisdn", "app", "status", "opt_in_channel", "last_opt_in_at", "tag_list"]
    list_filter = [
        "app",
        "status",
        "opt_in_channel",
        TaggedWith,
        ("last_opt_in_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["app"]
    search_fields = ["msisdn"]
    search_help_text = "A number in any form: 0917 123 4567, 9171234567, +639171234567…"
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 100
    readonly_fields = [
        "app",
        "msisdn",
        "status",
        "opt_in_channel",
        "first_opt_in_at",
        "last_opt_in_at",
        "unsubscribed_at",
        "created_at",
        "updated_at",
        "other_apps",
        "latest_location",
        "latest_balance",
        "traffic",
    ]
    fieldsets = [
        (None, {"fields": ["msisdn", "app", "status", "other_apps"]}),
        (
            "Consent",
            {"fields": ["opt_in_channel", "first_opt_in_at", "last_opt_in_at", "unsubscribed_at"]},
        ),
        ("What the platform told us", {"fields": ["latest_location", "latest_balance"]}),
        ("Traffic", {"fields": ["traffic"]}),
        ("Segments", {"fields": ["tags", "attributes"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]
    filter_horizontal = ["tags"]
    change_list_template = "admin/subscribers/subscriber/change_list.html"
    inlines = [ConsentEventInline, AccessTokenInline]
    actions = [
        "tag",
        "export_csv",
        "locate",
        "balance",
        "charging_optin",
        "unsubscribe",
        "resubscribe",
        "access_request",
        "erase",
    ]  # the telecom features add theirs (telecom/admin/subscriber.py)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))
        )

    def has_add_permission(self, request) -> bool:
        return False  # subscribers come from the platform's consent workflow, or an import

    def changelist_view(self, request, extra_context=None):
        extra = dict(extra_context or {})
        if request.user.has_perm("subscribers.add_subscriberimport"):
            extra["import_url"] = reverse("admin:subscribers_subscriberimport_add")
        return super().changelist_view(request, extra_context=extra)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        number = try_normalize(term)
        if number:
            return queryset.filter(msisdn=number), False
        digits = "".join(ch for ch in term if ch.isdigit())
        if len(digits) >= 4:
            return queryset.filter(msisdn__contains=digits.lstrip("0")), False
        return queryset.none(), False

    @admin.display(description="tags")
    def tag_list(self, obj: Subscriber) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description="same number in other apps")
    def other_apps(self, obj: Subscriber):
        others = (
            Subscriber.objects.filter(msisdn=obj.msisdn).exclude(pk=obj.pk).select_related("app")
        )
        if not others:
            return "—"
        return format_html_join(
            ", ",
            '<a href="../../{}/change/">{}</a> ({})',
            ((other.pk, other.app, other.get_status_display()) for other in others),
        )

    @admin.display(description="with this subscriber")
    def traffic(self, obj: Subscriber):
        """The latest of each kind of traffic, each line linking to the full list."""

        def row(label, changelist, queryset, describe):
            items = list(queryset[:5])
            url = reverse(changelist) + "?" + urlencode({"q": obj.msisdn})  # "+" encoded
            lines = format_html_join("", "<li>{}</li>", ((describe(i),) for i in items))
            return format_html(
                '<p><a href="{}">{}</a></p><ul>{}</ul>',
                url,
                label,
                lines or mark_safe("<li>none yet</li>"),
            )

        conversation = reverse("admin:telecom_message_conversation", args=[obj.pk])
        return format_html(
            '<p><a href="{}">Conversation</a></p>{}{}{}{}',
            conversation,
            row(
                "Messages",
                "admin:telecom_message_changelist",
                obj.messages.order_by("-created_at"),
                lambda m: (
                    f"{console_time(m.created_at)} "
                    f"{'→' if m.direction == 'out' else '←'} {m.text[:50]} ({m.status})"
                ),
            ),
            row(
                "Charges",
                "admin:telecom_charge_changelist",
                obj.charges.order_by("-created_at"),
                lambda c: f"{c.reference_code} ₱{c.amount} ({c.status})",
            ),
            row(
                "Rewards",
                "admin:telecom_reward_changelist",
                obj.rewards.select_related("promo").order_by("-created_at"),
                lambda r: f"{r.promo} ({r.status})",
            ),
            row(
                "USSD sessions",
                "admin:telecom_ussdsession_changelist",
                obj.ussd_sessions.order_by("-started_at"),
                lambda u: f"{console_time(u.started_at)} ({u.status})",
            ),
        )

    @admin.display(description="latest location")
    def latest_location(self, obj: Subscriber):
        query = obj.locations.filter(status="done").first()
        if query is None:
            pending = obj.locations.exclude(status="done").first()
            return f"{pending.get_status_display()} ({pending.last_error})" if pending else "—"
        return format_html(
            '{}, {} (±{} m) at {} — <a href="{}" target="_blank" rel="noopener">map</a>',
            query.latitude,
            query.longitude,
            query.accuracy,
            console_time(query.located_at or query.finished_at),
            query.map_url or query.osm_url,
        )

    @admin.display(description="latest balance")
    def latest_balance(self, obj: Subscriber):
        rows = [
            obj.balances.filter(status="done", kind=kind).first()
            for kind in ("balance", "reload_amount")
        ]
        parts = [
            f"{row.get_kind_display()}: PHP {row.amount} ({console_time(row.finished_at)})"
            for row in rows
            if row
        ]
        return "; ".join(parts) or "—"

    # --- actions ----------------------------------------------------------

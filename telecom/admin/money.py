"""Charges, rewards, promos and the wallet in the console: a failed charge says
why, an unknown outcome waits for an operator's decision, and reconciliation
compares Hatid's referenceCodes with the platform's."""

from django.contrib import admin

from telecom.admin.base import NumberSearch, ReadOnlyAdmin
from telecom.admin.decisions import OperatorDecisions, settle_action
from telecom.admin.export import CsvExport
from telecom.models import Charge, Promo, ReconciliationReport, Reward, UsageDay


class OutcomeUnknownFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("unknown", "Unknown (resolving or needs an operator)")]

    def queryset(self, request, queryset):
        if self.value() == "unknown":
            return queryset.filter(status="unknown") | queryset.filter(unknown_since__isnull=False)
        return queryset


@admin.register(Charge)
class ChargeAdmin(NumberSearch, CsvExport, OperatorDecisions, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "reference_code",
        "msisdn",
        "app",
        "amount",
        "status",
        "platform_status",
        "last_error",
    ]
    list_filter = ["status", OutcomeUnknownFilter, "app", "created_at"]
    list_select_related = ["app"]
    search_fields = ["=reference_code", "msisdn", "=server_reference_code"]
    # No date_hierarchy: its bar lists the months with rows, a DISTINCT over the whole
    # table on every page (0.5 s at 1,000,000 rows); the date filter narrows as well.
    actions = ["mark_charged", "mark_failed"]

    resolve_permission = "telecom.resolve_charge"
    mark_charged = settle_action(
        went_through=True,
        description="Resolve unknown outcome: the platform charged them",
        done="Marked {count} charge(s) charged.",
        permission="resolve",
    )
    mark_failed = settle_action(
        went_through=False,
        description="Resolve unknown outcome: the platform did not charge them",
        done="Marked {count} charge(s) failed.",
        permission="resolve",
    )


@admin.register(Reward)
class RewardAdmin(NumberSearch, CsvExport, OperatorDecisions, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "msisdn",
        "app",
        "promo",
        "status",
        "transaction_id",
        "platform_status",
        "last_error",
    ]
    list_filter = ["status", "app", "created_at"]
    list_select_related = ["app", "promo"]
    search_fields = ["msisdn", "=transaction_id"]
    # No date_hierarchy: a DISTINCT over the whole table on every page (see message.py).
    actions = ["mark_delivered", "mark_failed"]

    resolve_permission = "telecom.resolve_reward"
    mark_delivered = settle_action(
        went_through=True,
        description="Resolve unknown outcome: the reward was delivered",
        done="Marked {count} reward(s) delivered.",
        permission="resolve",
    )
    mark_failed = settle_action(
        went_through=False,
        description="Resolve unknown outcome: the reward was not delivered",
        done="Marked {count} reward(s) failed.",
        permission="resolve",
    )


@admin.register(Promo)
class PromoAdmin(admin.ModelAdmin):
    list_display = ["code", "app", "description", "wallet_cost", "is_active"]
    list_filter = ["app", "is_active"]
    search_fields = ["code", "description"]


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ReadOnlyAdmin):
    list_display = ["checked_at", "app", "platform_last", "hatid_last_charged", "ok", "findings"]
    list_filter = ["ok", "app"]
    list_select_related = ["app"]


@admin.register(UsageDay)
class UsageDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "app", "operation", "calls", "chargeable"]
    list_filter = ["app", "operation"]
    list_select_related = ["app"]
    date_hierarchy = "day"

"""What Hatid asked the platform about subscribers, read-only."""

from django.contrib import admin

from subscribers.models import BalanceQuery, ChargingOptInRequest, CodeExchange, LocationQuery
from telecom.admin.base import ReadOnlyAdmin


class OutboxRowAdmin(ReadOnlyAdmin):
    list_select_related = ["subscriber__app"]
    date_hierarchy = "created_at"


@admin.register(LocationQuery)
class LocationQueryAdmin(OutboxRowAdmin):
    list_display = [
        "created_at",
        "subscriber",
        "status",
        "latitude",
        "longitude",
        "accuracy",
        "last_error",
    ]
    list_filter = ["status"]


@admin.register(BalanceQuery)
class BalanceQueryAdmin(OutboxRowAdmin):
    list_display = ["created_at", "subscriber", "kind", "status", "amount", "last_error"]
    list_filter = ["status", "kind"]


@admin.register(ChargingOptInRequest)
class ChargingOptInRequestAdmin(OutboxRowAdmin):
    list_display = ["created_at", "subscriber", "amount", "duration_days", "status", "last_error"]
    list_filter = ["status"]


@admin.register(CodeExchange)
class CodeExchangeAdmin(OutboxRowAdmin):
    list_display = ["created_at", "app", "status", "amount", "subscriber", "last_error"]
    list_filter = ["status", "app"]
    list_select_related = ["app", "subscriber"]
    exclude = ["code"]

    hidden_fields = ("code",)

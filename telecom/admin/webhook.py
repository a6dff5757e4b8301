"""Webhook deliveries to partners, read-only, with a retry action."""

from django.contrib import admin

from telecom import outbox
from telecom.admin.base import ReadOnlyAdmin
from telecom.models import WebhookDelivery


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "partner",
        "message",
        "event",
        "status",
        "response_status",
        "attempts",
        "last_error",
    ]
    list_filter = ["status", "partner"]
    list_select_related = ["partner", "message"]
    actions = ["retry"]

    @admin.action(description="Retry the selected failed deliveries", permissions=["retry"])
    def retry(self, request, queryset):
        count = outbox.requeue(
            WebhookDelivery, queryset.values_list("pk", flat=True), [WebhookDelivery.Status.FAILED]
        )
        self.message_user(request, f"Re-queued {count} deliveries.")

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("telecom.retry_message")

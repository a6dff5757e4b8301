"""Hoiio bulk SMS sends in the console (read-only: a campaign makes them)."""

from django.contrib import admin

from telecom.admin.base import ReadOnlyAdmin
from telecom.models import SmsBulk


@admin.register(SmsBulk)
class SmsBulkAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "campaign", "size", "status", "bulk_txn_ref", "app"]
    list_filter = ["status", "app"]
    search_fields = ["=bulk_txn_ref", "=tag"]

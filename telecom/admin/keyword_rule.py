"""Keyword rules in the console, per app, edited by operators."""

from django.contrib import admin

from telecom.models import KeywordRule


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = [
        "app",
        "position",
        "match",
        "keyword",
        "reply_text",
        "tag",
        "webhook_partner",
        "is_active",
    ]
    list_filter = ["app", "match", "is_active"]
    list_select_related = ["app", "tag", "webhook_partner"]
    list_editable = ["position", "is_active"]
    search_fields = ["keyword", "reply_text"]
    autocomplete_fields = ["tag"]

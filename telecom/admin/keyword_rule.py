"""Keyword rules in the console, per app, edited by operators."""

from django.contrib import admin

from telecom.admin.message_template import TemplateChoice
from telecom.models import KeywordRule


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = [
        "app",
        "position",
        "match",
        "keyword",
        "reply_text",
        "reply_template",
        "tag",
        "webhook_partner",
        "is_active",
    ]
    list_filter = ["app", "match", "is_active"]
    list_select_related = ["app", "tag", "webhook_partner", "reply_template"]
    list_editable = ["position", "is_active"]
    search_fields = ["keyword", "reply_text"]
    autocomplete_fields = ["tag"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reply_template":
            return TemplateChoice(label="Reply template", help_text=db_field.help_text)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

"""Partners and their API keys: a key is shown once, when created, then only its prefix."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from telecom.admin.base import ReadOnlyInline
from telecom.api.scopes import SCOPES
from telecom.models import ApiKey, Partner
from telecom.services.webhooks import rotate_webhook_secret


class ApiKeyInline(ReadOnlyInline):
    model = ApiKey
    fields = ["prefix", "name", "scopes", "created_at", "last_used_at", "revoked_at"]
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "webhook_url", "created_at"]
    search_fields = ["name"]
    fields = ["name", "apps", "webhook_url", "webhook_secret_hint"]
    readonly_fields = ["webhook_secret_hint"]
    filter_horizontal = ["apps"]
    inlines = [ApiKeyInline]
    actions = ["rotate_webhook_secret"]

    @admin.display(description="webhook signing secret")
    def webhook_secret_hint(self, obj: Partner) -> str:
        if not obj.pk or not obj.webhook_secret:
            return "none yet: use the action “Make a new webhook secret”"
        return obj.webhook_secret.hint

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.webhook_url and not obj.webhook_secret:
            self._show_secret(request, obj, rotate_webhook_secret(obj))

    @admin.action(description="Make a new webhook secret (shown once)", permissions=["change"])
    def rotate_webhook_secret(self, request, queryset):
        for partner in queryset:
            self._show_secret(request, partner, rotate_webhook_secret(partner))

    def _show_secret(self, request, partner, secret: str) -> None:
        self.message_user(
            request,
            f"Webhook secret of {partner}, shown once; give it to the partner now: {secret}",
            messages.WARNING,
        )


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ["partner", "name", "scopes", "rate_per_minute"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["prefix", "partner", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["partner"]
    list_select_related = ["partner"]
    search_fields = ["prefix", "name", "partner__name"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["partner", "prefix", "created_at", "last_used_at", "revoked_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.scopes = sorted(form.cleaned_data["scopes"])
            key = obj.issue_key()
            self.message_user(
                request,
                f"Copy this API key now; it will not be shown again: {key}",
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} key(s).", messages.WARNING)

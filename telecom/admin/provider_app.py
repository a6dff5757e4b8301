"""Provider apps in the console: credentials that are never shown back (each
provider's own: Globe Labs' app ID, secret and short code; Hoiio's app ID and
access token; the Voicent gateway's address), the exact URIs to paste into
the Globe Labs portal (or that Hatid sends Hoiio), and the balance."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from telecom.admin.base import AsksProviders, act_on_each
from telecom.admin.callback_token_rotation import CallbackTokenRotationMixin
from telecom.admin.wallet_chart import wallet_chart
from telecom.models import ProviderApp
from telecom.models.provider_app import RETENTION_PERIODS
from telecom.services.charging import reconcile
from telecom.services.hoiio import prices as hoiio_prices
from telecom.services.hoiio.numbers import sync_numbers
from telecom.services.hoiio.resolve import resolve_app
from telecom.services.wallet import read_wallet

SECRET_FIELDS = ("app_secret", "passphrase", "rewards_token", "access_token")
CREDENTIALS = {
    ProviderApp.Provider.GLOBE: [
        "app_id",
        "app_secret",
        "shortcode",
        "passphrase",
        "rewards_token",
    ],
    ProviderApp.Provider.HOIIO: ["app_id", "access_token", "sender_name", "caller_id"],
    ProviderApp.Provider.VOICENT: ["gateway_host", "gateway_port", "gateway_path_prefix"],
}
REQUIRED = {
    ProviderApp.Provider.GLOBE: ("app_id", "app_secret", "shortcode"),
    ProviderApp.Provider.HOIIO: ("app_id", "access_token"),
    ProviderApp.Provider.VOICENT: ("gateway_host",),
}
OPTIONAL_SECRETS = ("passphrase", "rewards_token")
QUIET_HOURS = (
    f"Quiet hours ({settings.QUIET_HOURS_TIME_ZONE})",
    {
        "fields": ["quiet_hours", "quiet_from", "quiet_until"],
        "description": "No campaign message is sent between these times, subscribers' local "
        "time: a running campaign waits and goes on after. Keyword replies and partner API "
        "sends (answers, codes) still go.",
    },
)

RETENTION_FIELDS = [f"retain_{period}_days" for period in RETENTION_PERIODS]
RETENTION = (
    "Retention",
    {
        "fields": RETENTION_FIELDS,
        "description": "How long this app's personal data is kept, in days; what expired is "
        "deleted, or blanked where money depends on the row (manage.py purge --dry-run "
        "says what would go). The audit trail's period is the same for every app "
        f"({settings.RETENTION_DEFAULT_DAYS['audit'] or 'forever'} days).",
    },
)


def retention_help(period: str) -> str:
    default = settings.RETENTION_DEFAULT_DAYS[period]
    said = f"{default} days" if default else "forever"
    return f"{RETENTION_PERIODS[period]}. Empty: the default, {said}. 0 keeps them forever."


class ProviderAppForm(forms.ModelForm):
    """Secrets are write-only: an empty field keeps the stored value."""

    clear_passphrase = forms.BooleanField(required=False, label="Remove the stored passphrase")
    clear_rewards_token = forms.BooleanField(
        required=False, label="Remove the stored rewards token"
    )

    class Meta:
        model = ProviderApp
        fields = [
            "name",
            "provider",
            "app_id",
            "app_secret",
            "shortcode",
            "passphrase",
            "rewards_token",
            "access_token",
            "sender_name",
            "caller_id",
            "gateway_host",
            "gateway_port",
            "gateway_path_prefix",
            "allowed_ips",
            "is_active",
            "charging_requires_optin",
            "wallet_alert_below",
            "sms_per_second",
            "quiet_hours",
            "quiet_from",
            "quiet_until",
            *RETENTION_FIELDS,
        ]
        widgets = {"allowed_ips": forms.Textarea(attrs={"rows": 3})}
        # Here, not in __init__: a read-only page (Viewers) takes its help from these.
        help_texts = {
            f"retain_{period}_days": retention_help(period) for period in RETENTION_PERIODS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            if name not in self.fields:
                continue  # another provider's credential, not on this page
            stored = getattr(self.instance, name, "") if self.instance.pk else ""
            field = forms.CharField(
                required=False,
                strip=True,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                label=self.fields[name].label,
                help_text=(
                    f"Stored: {stored.hint}. Leave empty to keep it."
                    if stored
                    else self.fields[name].help_text
                ),
            )
            self.fields[name] = field
        if not self.instance.pk:
            for name in ("clear_passphrase", "clear_rewards_token"):
                self.fields.pop(name, None)
        for name in ("quiet_from", "quiet_until"):
            if name in self.fields:
                self.fields[name].required = False  # empty keeps the time it had
        for period in RETENTION_PERIODS:
            if (field := self.fields.get(f"retain_{period}_days")) is not None:
                field.widget.attrs["placeholder"] = str(settings.RETENTION_DEFAULT_DAYS[period])

    def clean(self):
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if name in self.fields and not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)
        for name in OPTIONAL_SECRETS:
            if cleaned.get(f"clear_{name}"):
                cleaned[name] = ""
        for name in ("quiet_from", "quiet_until"):
            if name in self.fields and cleaned.get(name) is None:
                cleaned[name] = getattr(self.instance, name)
        if cleaned.get("quiet_hours") and cleaned.get("quiet_from") == cleaned.get("quiet_until"):
            self.add_error(
                "quiet_until", "The same start and end make no quiet hours: untick them instead."
            )
        provider = cleaned.get("provider")
        for name in REQUIRED.get(provider, ()):
            if name in self.fields and not cleaned.get(name):
                label = ProviderApp.Provider(provider).label
                self.add_error(name, f"A {label} app needs this.")
        return cleaned


@admin.register(ProviderApp)
class ProviderAppAdmin(CallbackTokenRotationMixin, AsksProviders, admin.ModelAdmin):
    form = ProviderAppForm
    list_display = ["name", "provider", "shortcode", "app_id", "is_active", "created_at"]
    list_filter = ["provider", "is_active"]
    search_fields = ["name", "app_id", "shortcode"]
    readonly_fields = ["portal_uris", "wallet", "created_at", "updated_at"]
    actions = [
        "reconcile",
        "read_wallet",
        "ask_hoiio",
        "sync_numbers",
        "hoiio_account",
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            credentials = list(dict.fromkeys(n for names in CREDENTIALS.values() for n in names))
            return [
                (None, {"fields": ["name", "provider", "is_active"]}),
                ("Credentials (those of the provider chosen)", {"fields": credentials}),
                ("Callbacks", {"fields": ["allowed_ips"]}),
                (
                    "Sending",
                    {"fields": ["sms_per_second", "charging_requires_optin", "wallet_alert_below"]},
                ),
                QUIET_HOURS,
                RETENTION,
            ]
        credentials = CREDENTIALS[obj.provider]
        if obj.provider == ProviderApp.Provider.GLOBE and self.may_change_app(request):
            credentials = [*credentials, "clear_passphrase", "clear_rewards_token"]
        sets = [(None, {"fields": ["name", "provider", "is_active"]})]
        # The token in the callback URIs is the app's credential: shown only to
        # those who may change the app (who could rotate it anyway).
        may_change = self.may_change_app(request)
        if obj.provider == ProviderApp.Provider.GLOBE and may_change:
            sets.append(("Globe Labs portal", {"fields": ["portal_uris"]}))
        elif obj.provider == ProviderApp.Provider.HOIIO and may_change:
            sets.append(("Where Hoiio notifies Hatid", {"fields": ["portal_uris"]}))
        if obj.provider != ProviderApp.Provider.VOICENT:
            sets.append(("Balance", {"fields": ["wallet", "wallet_alert_below"]}))
        sets += [
            ("Credentials", {"fields": credentials}),
            ("Callbacks", {"fields": ["allowed_ips"]}),
            ("Sending", {"fields": ["sms_per_second", "charging_requires_optin"]}),
            QUIET_HOURS,
            RETENTION,
            ("History", {"fields": ["created_at", "updated_at"]}),
        ]
        return sets

    # Operators may change an app's retention periods and nothing else of it.
    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or request.user.has_perm(
            "telecom.change_retention"
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.may_change_app(request):
            shown = [
                name
                for _, options in self.get_fieldsets(request, obj)
                for name in options["fields"]
            ]
            fields += [name for name in shown if name not in RETENTION_FIELDS + fields]
        return fields

    @admin.display(description="URIs")
    def portal_uris(self, obj: ProviderApp):
        rows = format_html_join(
            "",
            '<tr><th class="hatid-uri-label">{}</th><td><code>{}</code></td></tr>',
            obj.portal_uris().items(),
        )
        return format_html("<table>{}</table>", rows)

    @admin.display(description="balance")
    def wallet(self, obj: ProviderApp):
        return wallet_chart(obj)

    @admin.action(description="Reconcile referenceCodes with the platform", permissions=["ask"])
    def reconcile(self, request, queryset):
        def said(app, report):
            text = "referenceCodes agree" if report.ok else report.findings.replace("\n", "; ")
            return (
                f"{app}: {text} (the platform's last: {report.platform_last or 'none'})",
                messages.SUCCESS if report.ok else messages.WARNING,
            )

        act_on_each(self, request, queryset, reconcile, said)

    @admin.action(description="Read the wallet balance now", permissions=["ask"])
    def read_wallet(self, request, queryset):
        def said(app, snapshot):
            if snapshot is None:
                return (
                    f"{app}: not asked (backing off after a 429, or no passphrase and no "
                    "subscriber token to ask with)",
                    messages.WARNING,
                )
            return f"{app}: {snapshot.currency} {snapshot.balance}"

        act_on_each(self, request, queryset, read_wallet, said)

    @admin.action(
        description="Hoiio: settle unknown outcomes and sync statuses now", permissions=["ask"]
    )
    def ask_hoiio(self, request, queryset):
        hoiio = queryset.filter(provider=ProviderApp.Provider.HOIIO)
        act_on_each(self, request, hoiio, resolve_app, lambda app, n: f"{app}: {n} updated")

    @admin.action(description="Hoiio: show the account", permissions=["ask"])
    def hoiio_account(self, request, queryset):
        def said(app, account):
            return (
                f"{app}: Hoiio account {account.uid} ({account.name}, {account.email}), "
                f"{account.country}, billed in {account.currency}"
            )

        hoiio = queryset.filter(provider=ProviderApp.Provider.HOIIO)
        act_on_each(self, request, hoiio, hoiio_prices.account, said)

    @admin.action(description="Hoiio: sync rented numbers", permissions=["ask"])
    def sync_numbers(self, request, queryset):
        hoiio = queryset.filter(provider=ProviderApp.Provider.HOIIO)
        act_on_each(self, request, hoiio, sync_numbers, lambda app, n: f"{app}: {n} changed")

"""Hatid's console site: Django's admin with a home page that shows the business
(`telecom/admin/dashboard.py`), the Reports page, the live status of lists of
work in progress (`telecom/admin/live.py`), and the lists grouped by task
rather than by Django app.

Installed as `admin.site` by `config.console.ConsoleAdminConfig`. Models are
named here as "app_label.model" strings, so this module imports no app's
models and voiceflows' lists find their place without telecom importing them.
"""

import functools

from django.contrib import admin
from django.urls import NoReverseMatch, path, reverse
from django.utils.text import slugify

from telecom.masking import mask_response
from telecom.roles import OPERATORS

# The sections of the index and the side bar, in order; a model named in none
# goes to System, which is always last.
SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    (
        "Subscribers",
        (
            "subscribers.subscriber",
            "subscribers.subscriberimport",
            "subscribers.tag",
            "telecom.promo",
        ),
    ),
    (
        "Messaging",
        (
            "telecom.message",
            "telecom.campaign",
            "telecom.keywordrule",
            "telecom.messagetemplate",
            "telecom.smsbulk",
            "subscribers.locationquery",
            "subscribers.balancequery",
        ),
    ),
    (
        "Money",
        (
            "telecom.charge",
            "telecom.reward",
            "subscribers.chargingoptinrequest",
            "telecom.reconciliationreport",
            "telecom.usageday",
        ),
    ),
    ("USSD", ("telecom.ussdsession", "telecom.ussdmenu", "telecom.ussdscreen")),
    (
        "Voice",
        (
            "voiceflows.callsession",
            "voiceflows.calltrigger",
            "voiceflows.callcampaign",
            "voiceflows.escalation",
            "voiceflows.voiceflow",
            "voiceflows.step",
            "voiceflows.voicesettings",
        ),
    ),
    (
        "Hoiio & Voicent",
        (
            "telecom.voicecall",
            "telecom.conferenceroom",
            "telecom.ivrsession",
            "telecom.fax",
            "telecom.hoiionumber",
            "telecom.voicentcall",
            "telecom.voicentescalation",
        ),
    ),
    ("Partners & API", ("telecom.partner", "telecom.apikey", "telecom.webhookdelivery")),
]
SYSTEM = "System"
SYSTEM_ORDER = (
    "telecom.providerapp",
    "telecom.auditevent",
    "telecom.callbackevent",
    "telecom.outboundcall",
    "django_celery_beat.periodictask",
    "auth.user",
    "auth.group",
)

# Plain names where a model's own is a developer's word.
PLAIN_NAMES = {
    "telecom.auditevent": "Audit trail",
    "telecom.callbackevent": "Callbacks received",
    "telecom.outboundcall": "Provider calls (request log)",
    "telecom.usageday": "Platform calls per day",
    "telecom.providerapp": "Apps (Globe Labs, Hoiio, Voicent)",
    "subscribers.codeexchange": "Consent code exchanges",
    "subscribers.subscriberimport": "Imports (CSV)",
    "voiceflows.calltrigger": "Outbound voice calls",
    "voiceflows.step": "Voice flow steps",
    "django_celery_beat.periodictask": "Scheduled jobs",
    "django_celery_beat.intervalschedule": "Schedules: intervals",
    "django_celery_beat.crontabschedule": "Schedules: crontabs",
    "django_celery_beat.clockedschedule": "Schedules: one-off times",
    "django_celery_beat.solarschedule": "Schedules: solar events",
    "axes.accessattempt": "Login attempts",
    "axes.accesslog": "Logins",
    "axes.accessfailurelog": "Failed logins",
}

# Plumbing an operator may need and a viewer never does.
INTERNAL = {
    "subscribers.codeexchange",
    "telecom.outboundcall",
    "telecom.usageday",
    "telecom.reconciliationreport",
    "django_celery_beat.periodictask",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.solarschedule",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}

# Lists of work in progress whose rows refresh themselves (telecom/static/hatid/live.js).
LIVE_MODELS = {
    "telecom.message",
    "telecom.campaign",
    "telecom.smsbulk",
    "telecom.charge",
    "telecom.reward",
    "telecom.voicecall",
    "telecom.ivrsession",
    "telecom.voicentcall",
    "telecom.ussdsession",
    "subscribers.locationquery",
    "subscribers.balancequery",
    "subscribers.subscriberimport",
    "voiceflows.callsession",
    "voiceflows.calltrigger",
    "voiceflows.callcampaign",
    "voiceflows.escalation",
}

# The audit trail's list, linked from the home page.
AUDIT_TRAIL_LIST = "admin:telecom_auditevent_changelist"


def is_operator(user) -> bool:
    return user.is_superuser or user.groups.filter(name=OPERATORS).exists()


def optional_url(name: str) -> str | None:
    """The URL of `name`, or None while nothing answers it."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class ConsoleSite(admin.AdminSite):
    site_header = "Hatid operator console"
    site_title = "Hatid"
    index_title = "Today at a glance"
    index_template = "admin/hatid/home.html"

    def admin_view(self, view, cacheable=False):
        """Every console view, its numbers masked for those who may not see
        them whole (`telecom/masking.py`)."""
        checked = super().admin_view(view, cacheable)

        @functools.wraps(checked)
        def masked(request, *args, **kwargs):
            return mask_response(request, checked(request, *args, **kwargs))

        return masked

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        apps = self._build_app_dict(request)
        operator = is_operator(request.user)
        found = {}
        for app in apps.values():
            for model in app["models"]:
                key = f"{app['app_label']}.{model['object_name'].lower()}"
                if key in INTERNAL and not operator:
                    continue
                model["name"] = PLAIN_NAMES.get(key, model["name"])
                found[key] = model
        index = reverse("admin:index", current_app=self.name)
        sections = []
        placed: set[str] = set()
        for name, keys in SECTIONS:
            models = [found[key] for key in keys if key in found]
            placed.update(keys)
            sections.append(self._section(name, models, index))
        system = [found[key] for key in SYSTEM_ORDER if key in found]
        placed.update(SYSTEM_ORDER)
        system += sorted(
            (model for key, model in found.items() if key not in placed),
            key=lambda model: str(model["name"]),
        )
        sections.append(self._section(SYSTEM, system, index))
        return [section for section in sections if section["models"]]

    @staticmethod
    def _section(name: str, models: list, index: str) -> dict:
        label = slugify(name)
        return {
            "name": name,
            "app_label": label,
            # The section's title leads to its first list.
            "app_url": next((m.get("admin_url") for m in models if m.get("admin_url")), index),
            "has_module_perms": True,
            "models": models,
        }

    def index(self, request, extra_context=None):
        from telecom.admin.dashboard import dashboard

        context = {**dashboard(request), **(extra_context or {})}
        return super().index(request, extra_context=context)

    def each_context(self, request):
        context = super().each_context(request)
        match = getattr(request, "resolver_match", None)
        url_name = getattr(match, "url_name", "") or ""
        if url_name.endswith("_changelist"):
            for key in LIVE_MODELS:
                app_label, model_name = key.split(".")
                if url_name == f"{app_label}_{model_name}_changelist":
                    context["hatid_live_url"] = reverse(
                        "admin:live", args=[app_label, model_name], current_app=self.name
                    )
        if request.user.has_perm("telecom.view_trafficcount"):
            context["hatid_reports_url"] = reverse("admin:reports", current_app=self.name)
        return context

    def get_urls(self):
        from telecom.admin.live import live_rows
        from telecom.admin.reports import traffic_csv, traffic_report_page

        return [
            path("reports/", self.admin_view(traffic_report_page), name="reports"),
            path("reports/traffic.csv", self.admin_view(traffic_csv), name="reports_csv"),
            path(
                "live/<slug:app_label>/<slug:model_name>/",
                self.admin_view(live_rows),
                name="live",
            ),
            *super().get_urls(),
        ]

"""The telecom app: provider apps, callbacks, outbound calls and the partner API."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TelecomConfig(AppConfig):
    name = "telecom"
    verbose_name = "Telecom"
    operator_permissions = (
        "telecom.rerun_callbackevent",
        "telecom.ask_provider",
        "telecom.change_retention",
        "telecom.send_message",
        "telecom.retry_message",
        "telecom.run_campaign",
        "telecom.add_keywordrule",
        "telecom.change_keywordrule",
        "telecom.delete_keywordrule",
        "telecom.add_messagetemplate",
        "telecom.change_messagetemplate",
        "telecom.delete_messagetemplate",
        "telecom.charge_subscriber",
        "telecom.resolve_charge",
        "telecom.send_reward",
        "telecom.resolve_reward",
        "telecom.add_promo",
        "telecom.change_promo",
        "telecom.push_ussd",
        "telecom.add_ussdmenu",
        "telecom.change_ussdmenu",
        "telecom.add_ussdscreen",
        "telecom.change_ussdscreen",
        "telecom.delete_ussdscreen",
        "telecom.add_ussdoption",
        "telecom.change_ussdoption",
        "telecom.delete_ussdoption",
        "telecom.place_voicecall",
        "telecom.run_conference",
        "telecom.run_ivrsession",
        "telecom.send_fax",
        "telecom.manage_hoiionumber",
        "telecom.place_voicentcall",
        "telecom.run_voicentescalation",
        "telecom.export_rows",
    )

    def ready(self) -> None:
        from telecom import checks  # noqa: F401 - registers the system checks
        from telecom.audit import admin_log
        from telecom.callbacks.registry import autodiscover
        from telecom.roles import sync_role_permissions

        autodiscover()
        from subscribers.personal_data import register
        from telecom.personal_data import PLACES

        # The retention kinds of telecom's own rows; each app registers its own.
        from telecom.retention import features, infrastructure  # noqa: F401

        register(*PLACES)  # where telecom's rows hold a number (docs/privacy.md)
        # Every ModelAdmin's add/change/delete log feeds the audit trail.
        admin_log.install()
        # Any change to an app invalidates every process's cached callback tokens.
        from django.db.models.signals import post_delete, post_save

        from telecom.callbacks.app_cache import bump
        from telecom.models.provider_app import ProviderApp

        post_save.connect(bump, sender=ProviderApp, dispatch_uid="hatid-app-cache-save")
        post_delete.connect(bump, sender=ProviderApp, dispatch_uid="hatid-app-cache-delete")
        # And what the workers keep of an app's configuration (app_config): its
        # keyword rules (with their tags and templates), its partners, its USSD
        # menus (with their screens and options).
        from django.db.models.signals import m2m_changed

        from subscribers.models import Tag
        from telecom.models import (
            KeywordRule,
            MessageTemplate,
            Partner,
            UssdMenu,
            UssdOption,
            UssdScreen,
        )

        for model in (KeywordRule, MessageTemplate, Partner, Tag, UssdMenu, UssdScreen, UssdOption):
            uid = f"hatid-app-config-{model.__name__}"
            post_save.connect(bump, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(bump, sender=model, dispatch_uid=f"{uid}-delete")
        m2m_changed.connect(bump, sender=Partner.apps.through, dispatch_uid="hatid-app-config-m2m")
        # Consent that ends stops the subscriber's queued messages.
        from subscribers.signals import consent_ended
        from telecom.services.messaging import cancel_for_ended_consent

        consent_ended.connect(cancel_for_ended_consent, dispatch_uid="hatid-cancel-on-consent-end")
        # An erasure stops the queued work it would readdress (charges, webhooks, calls...).
        from subscribers.signals import number_erasing
        from telecom.services.erasure_stops import stop_for_erasure

        number_erasing.connect(stop_for_erasure, dispatch_uid="hatid-stop-on-erasure")
        # After the last app migrated, so every app's permissions exist.
        post_migrate.connect(sync_role_permissions, dispatch_uid="hatid-sync-roles")

"""Django's admin app, installed with Hatid's console site (`telecom.admin_site`)
as `admin.site`: every `admin.register` and `admin.site` lands on it."""

from django.contrib.admin.apps import AdminConfig


class ConsoleAdminConfig(AdminConfig):
    default_site = "telecom.admin_site.ConsoleSite"

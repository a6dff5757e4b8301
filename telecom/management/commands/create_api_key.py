"""`manage.py create_api_key NAME --scopes sms:send,charge [--app APP]`: print a new key once."""

from django.core.management.base import BaseCommand, CommandError

from telecom.api.scopes import SCOPES, validate_scopes
from telecom.models import ApiKey, Partner, ProviderApp


class Command(BaseCommand):
    help = "Create an API key for a partner (created if new) and print it; it is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the partner's name")
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"comma-separated, from: {', '.join(SCOPES)}",
        )
        parser.add_argument(
            "--app",
            action="append",
            default=[],
            help="a provider app (by name) the partner may use; repeat for several",
        )
        parser.add_argument("--label", default="", help="what this key is for")

    def handle(self, *args, name, scopes, app, label, **options):
        try:
            scope_list = validate_scopes([s.strip() for s in scopes.split(",") if s.strip()])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if not scope_list:
            raise CommandError("give at least one scope")
        apps = []
        for app_name in app:
            found = ProviderApp.objects.filter(name=app_name).first()
            if found is None:
                raise CommandError(f"no provider app named {app_name!r}")
            apps.append(found)
        partner, _ = Partner.objects.get_or_create(name=name)
        if apps:
            partner.apps.add(*apps)
        row, key = ApiKey.generate(partner=partner, scopes=scope_list, name=label)
        self.stderr.write(f"API key {row.prefix} for {partner} with scopes {', '.join(scope_list)}")
        self.stderr.write("It is shown only once; store it now:")
        self.stdout.write(key)

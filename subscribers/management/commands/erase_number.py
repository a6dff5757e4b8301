"""`manage.py erase_number <number> [--app ID]`: forget a number in one app or
all (subscribers.services.erasure; docs/privacy.md). Prints the pseudonym and
what was rewritten, never the number."""

from django.core.management.base import BaseCommand, CommandError

from subscribers.services.erasure import erase_number
from telecom.models.provider_app import ProviderApp
from telecom.msisdn import InvalidMsisdn


class Command(BaseCommand):
    help = "Erase a number (Data Privacy Act): in one app with --app, otherwise in every app."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Any accepted form: 09171234567, +639171234567...")
        parser.add_argument("--app", type=int, help="The provider app's id: only its rows.")

    def handle(self, *args, number: str, app: int | None, **options):
        apps = None
        if app is not None:
            found = ProviderApp.objects.filter(pk=app).first()
            if found is None:
                raise CommandError(f"no provider app with id {app}")
            apps = [found]
        try:
            erasure = erase_number(number=number, apps=apps)
        except InvalidMsisdn as exc:
            raise CommandError(f"number: {exc}") from None
        where = "every app" if apps is None else f"app {app}"
        self.stdout.write(f"Erased from {where}: now {erasure.pseudonym}.")
        self.stdout.write(f"Subscriptions ended: {erasure.consent_ended}.")
        self.stdout.write(f"Queued work stopped: {erasure.queued_stopped}.")
        for label, count in sorted(erasure.rows.items()):
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(f"Rows rewritten or removed: {erasure.total}.")

"""`manage.py replay_callbacks`: process stored callbacks again (failed ones by default)."""

from django.core.management.base import BaseCommand

from telecom.callbacks.service import rerun_callback
from telecom.models import CallbackEvent


class Command(BaseCommand):
    help = "Re-run stored callbacks through their handlers, oldest first."

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            action="append",
            choices=[s.value for s in CallbackEvent.Status],
            help="which statuses to re-run (default: failed and received)",
        )
        parser.add_argument("--kind", help="only callbacks of this kind")
        parser.add_argument("--id", type=int, action="append", help="only these events")

    def handle(self, *args, status, kind, id, **options):
        events = CallbackEvent.objects.order_by("received_at")
        if id:
            events = events.filter(pk__in=id)
        else:
            events = events.filter(status__in=status or ["failed", "received"])
        if kind:
            events = events.filter(kind=kind)
        counts: dict[str, int] = {}
        for event in events.iterator(chunk_size=200):
            outcome = rerun_callback(event)
            counts[str(outcome.status)] = counts.get(str(outcome.status), 0) + 1
        summary = ", ".join(f"{n} answered {code}" for code, n in sorted(counts.items()))
        total = sum(counts.values())
        self.stdout.write(f"re-ran {total} callback(s)" + (f": {summary}" if summary else ""))

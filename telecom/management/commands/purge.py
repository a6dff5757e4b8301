"""`manage.py purge`: remove what expired under the retention periods
(telecom.retention); `--dry-run` counts it per kind and app, removing nothing."""

from django.core.management.base import BaseCommand, CommandError

from telecom.retention import registry
from telecom.retention.purge import purge


class Command(BaseCommand):
    help = "Delete or blank the personal data kept past its retention period, in batches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would go, per kind and app"
        )
        parser.add_argument(
            "--kind",
            action="append",
            help="only this kind (repeat for more); the names are listed by --dry-run",
        )
        parser.add_argument("--batch-size", type=int, help="rows per transaction")

    def handle(self, *args, dry_run, kind, batch_size, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size: give 1 or more")
        known = {k.name: k for k in registry.all_kinds()}
        unknown = sorted(set(kind or ()) - set(known))
        if unknown:
            raise CommandError(f"--kind: unknown {', '.join(unknown)}; known: {', '.join(known)}")
        kinds = [known[name] for name in kind] if kind else None
        outcomes = purge(dry_run=dry_run, kinds=kinds, batch_size=batch_size)
        verb = (
            {"delete": "would delete", "blank": "would blank"}
            if dry_run
            else {
                "delete": "deleted",
                "blank": "blanked",
            }
        )
        total = 0
        for outcome in outcomes:
            total += outcome.rows
            if not outcome.rows and not outcome.gave_up:
                continue
            line = (
                f"{outcome.kind:<40} {outcome.app:<24} {verb[outcome.action]} {outcome.rows:>9}"
                f"  (older than {outcome.cutoff:%Y-%m-%d %H:%M} UTC)"
            )
            if not dry_run:
                line += f"  {outcome.batches} batches, longest {outcome.longest_batch:.2f}s"
            if outcome.gave_up:
                line += f"  left for the next run: {outcome.gave_up}"
            self.stdout.write(line)
        self.stdout.write(f"{'would go' if dry_run else 'purged'}: {total} row(s)")

"""`manage.py globe_sandbox --port 8010 [--host 127.0.0.1] [--seed [FILE]]`: run the sandbox.

Migrates the sandbox's own database alias, registers the apps of the seed
file (a JSON list in the `POST /_sandbox/apps` format; `make run` passes the
one `bootstrap_demo` writes), then serves the sandbox URLconf, and only it,
until interrupted.
"""

import os
import signal
import threading
import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sandbox.control import registry
from sandbox.router import SANDBOX_DB
from sandbox.server import SandboxHTTPServer
from sandbox.services.accounts import RegistrationError, load_seed
from sandbox.wsgi import URLCONF, get_sandbox_application


class Command(BaseCommand):
    help = "Run the Globe Labs sandbox: the offline twin of the platform."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.SANDBOX_PORT)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--seed",
            type=Path,
            nargs="?",
            const=settings.SANDBOX_SEED_FILE,
            help="a JSON list of app registrations to register at start and after each reset "
            "(alone: the one bootstrap_demo writes, HATID_HOME/sandbox-seed.json)",
        )
        parser.add_argument(
            "--parent-pid",
            type=int,
            help="stop when this process is gone (test harnesses: no sandbox outlives its run)",
        )

    def handle(self, *args, port, host, seed, parent_pid, **options):
        # This process serves only the sandbox. DEBUG's per-query SQL log costs
        # it a tenth of its throughput and nothing here reads it; errors are
        # still logged with their tracebacks, and answered as JSON 500s.
        settings.DEBUG = False
        call_command("migrate", "sandbox", database=SANDBOX_DB, verbosity=0, interactive=False)
        if seed is not None:
            if not seed.exists():
                raise CommandError(f"the seed file {seed} does not exist")
            try:
                apps = load_seed(seed)
            except (RegistrationError, ValueError) as exc:
                raise CommandError(f"{seed}: {exc}") from None
            registry.seed_file = seed
            for app in apps:
                self.stdout.write(f"Seeded {app} (app_id {app.app_id})")
        import_module(URLCONF)  # fail now, not on the first request, if it cannot load
        try:
            server = SandboxHTTPServer((host, port), get_sandbox_application())
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from None
        signal.signal(signal.SIGTERM, _stop)
        if parent_pid:
            threading.Thread(target=_watch, args=(parent_pid,), daemon=True).start()
        self.stdout.write(
            f"Globe Labs sandbox on http://{host}:{port}/ "
            f"(handset page at /, control API under /_sandbox/)"
        )
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


def _stop(signum, frame):
    raise KeyboardInterrupt


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)

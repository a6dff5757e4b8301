"""`manage.py bootstrap_demo`: the demo operator and the demo apps `make run` shows
(a Globe Labs app, a Hoiio app and a Voicent gateway, all on the sandbox).

Safe to run on every start: it creates what is missing and prints the login
(with a fresh password each time, since only its hash is kept). It also
writes the demo apps' registrations for the sandbox
(`settings.SANDBOX_SEED_FILE`, in the `POST /_sandbox/apps` format, the Hoiio
account as `{"hoiio_account": ...}`), which `make run` starts the sandbox
with: the same credentials, Hatid's callback URIs, a few promos and handsets
with load. The demo Globe app has a live USSD menu, promos and a keyword rule
(`telecom.demo`) and answers calls with a demo voice flow (`voiceflows.demo`);
the seed gives the sandbox its voice token, so the handset page can call it.
The demo Hoiio app rents a number on the sandbox's Hoiio twin (in the seed)
that answers with the same demo flow, through Hoiio's IVR, and forwards SMS
to Hatid.
The demo Voicent gateway is the sandbox's twin, at its address.

The demo spans every layer (telecom's menu, promos and keywords, the voice
flows' demo flow), so the command lives in the top one, the voice flows.

Hatid never imports the sandbox: the seed file is all it hands over, and only
where the sandbox is installed (development, or HATID_SANDBOX=1).
"""

import json
import os
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from telecom.demo import ensure_demo_keywords, ensure_demo_menu, ensure_demo_promos
from telecom.models import ProviderApp
from telecom.roles import OPERATORS
from voiceflows.demo import ensure_demo_hoiio_line, ensure_demo_voice

DEMO_USERNAME = "demo"
DEMO_APP_NAME = "Demo app"
DEMO_HOIIO_NAME = "Demo Hoiio app"
DEMO_VOICENT_NAME = "Demo Voicent gateway"
DEMO_SHORTCODE = "21580001"
DEMO_HOIIO_NUMBER = "+6531591000"  # one of the Hoiio twin's numbers on offer
DEMO_PROMOS = {"LOAD 10": "10.00", "LOAD 50": "50.00", "FREE10MB": "5.00"}
DEMO_HANDSETS = [
    {
        "number": "09171234567",
        "balance": "500.00",
        "latitude": "14.5609722",
        "longitude": "121.0193394",
        "reload_amount": "300.00",
    },
    {"number": "09271051129", "balance": "50.00", "brand": "tm"},
    {"number": "09179990000", "balance": "1000.00", "postpaid": True},
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo operator and the demo Globe Labs app."

    def handle(self, *args, **options):
        app = self.demo_app()
        ensure_demo_menu(app)
        ensure_demo_promos(app, DEMO_PROMOS)
        ensure_demo_keywords(app)
        hoiio = self.demo_hoiio_app()
        self.demo_voicent_gateway()
        password = self.demo_operator()
        base = settings.PUBLIC_BASE_URL
        lines = [
            f"  Operator console: {base}/admin/",
            f"  Login:            {DEMO_USERNAME} / {password}",
            f"  Demo app:         {app.name} (shortcode {app.shortcode})",
            f"  Also:             {DEMO_HOIIO_NAME} (number {DEMO_HOIIO_NUMBER}),"
            f" {DEMO_VOICENT_NAME} (sandbox twins)",
            f"  Globe Labs API:   {settings.GLOBE_API_URL}",
        ]
        if apps.is_installed("sandbox"):
            seed = write_sandbox_seed(app, hoiio)
            lines += [
                f"  Sandbox handset:  http://127.0.0.1:{settings.SANDBOX_PORT}/"
                f" (text INFO, then YES, to {app.shortcode}; dial"
                f" *120*{app.shortcode_suffix}#; or call it)",
                f"  Sandbox seed:     {seed}",
            ]
        lines.append(f"  Partner API docs: {base}/api/docs/")
        self.stdout.write("\n".join(["", "=" * 64, *lines, "=" * 64, ""]))

    def demo_app(self) -> ProviderApp:
        app = ProviderApp.objects.filter(name=DEMO_APP_NAME).first()
        if app is None:
            app = ProviderApp.objects.create(
                name=DEMO_APP_NAME,
                app_id="demo" + secrets.token_hex(12),
                app_secret=secrets.token_hex(32),
                shortcode=DEMO_SHORTCODE,
                passphrase=secrets.token_urlsafe(12),
                rewards_token=secrets.token_urlsafe(16),
            )
        ensure_demo_voice(app)
        return app

    def demo_hoiio_app(self) -> ProviderApp:
        app = ProviderApp.objects.filter(name=DEMO_HOIIO_NAME).first()
        if app is None:
            app = ProviderApp.objects.create(
                name=DEMO_HOIIO_NAME,
                provider=ProviderApp.Provider.HOIIO,
                app_id="demo-hoiio-" + secrets.token_hex(6),
                access_token=secrets.token_urlsafe(24),
                sender_name="Hatid",
            )
        ensure_demo_hoiio_line(app, DEMO_HOIIO_NUMBER)
        return app

    def demo_voicent_gateway(self) -> ProviderApp:
        app, _ = ProviderApp.objects.get_or_create(
            name=DEMO_VOICENT_NAME,
            defaults={
                "provider": ProviderApp.Provider.VOICENT,
                "gateway_host": "127.0.0.1",
                "gateway_port": settings.SANDBOX_PORT,
                "gateway_path_prefix": "/voicent",
            },
        )
        return app

    def demo_operator(self) -> str:
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.save()
        user.groups.add(Group.objects.get(name=OPERATORS))
        return password


def sandbox_registration(app: ProviderApp) -> dict:
    """The demo app as the sandbox registers it: its credentials and Hatid's callback URIs."""
    return {
        "app_id": app.app_id,
        "app_secret": app.app_secret.reveal(),
        "shortcode": app.shortcode,
        "name": app.name,
        "description": "Hatid's demo app.",
        "passphrase": app.passphrase.reveal() if app.passphrase else "",
        "rewards_token": app.rewards_token.reveal() if app.rewards_token else "",
        "redirect_uri": app.callback_uri("redirect"),
        "notify_uri": app.callback_uri("notify"),
        "ussd_notify_uri": app.callback_uri("ussd"),
        "rewards_uri": app.callback_uri("rewards"),
        "voice_uri": app.voice_uri,
        "voice_token": ensure_demo_voice(app).voice_token.reveal(),
        "promos": DEMO_PROMOS,
        "charging_keywords": {"GLABS1": "1.00", "GLABS5": "5.00"},
        "subscribers": DEMO_HANDSETS,
    }


def hoiio_registration(app: ProviderApp) -> dict:
    """The demo Hoiio app's account on the sandbox's Hoiio twin."""
    return {
        "hoiio_account": {
            "app_id": app.app_id,
            "access_token": app.access_token.reveal(),
            "name": app.name,
            "mobile_number": "+639170000001",
            "country": "SG",
            "currency": "SGD",
            "numbers": [
                {
                    "number": number.number,
                    "mode": number.mode,
                    "forward_to": app.callback_uri("ivr"),
                    "forward_sms_to": app.callback_uri("sms-in"),
                }
                for number in app.hoiio_numbers.filter(status="active")
            ],
        }
    }


def write_sandbox_seed(app: ProviderApp, hoiio: ProviderApp | None = None):
    """Write the sandbox seed file (secrets in it: readable by this user only)."""
    path = settings.SANDBOX_SEED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [sandbox_registration(app)]
    if hoiio is not None:
        entries.append(hoiio_registration(hoiio))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as seed:
        json.dump(entries, seed, indent=2)
    return path

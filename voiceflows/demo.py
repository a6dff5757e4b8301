"""The demo line `make run` sets up: the demo app answers calls with a flow
(a greeting, an ask with two branches, a goodbye) and has a voice token the
sandbox knows it by, so calling the demo app's number from the sandbox
handset works out of the box. The demo Hoiio app answers its rented number
(on the sandbox's Hoiio twin) with the same flow, through Hoiio's IVR."""

import secrets

from django.utils import timezone

from telecom.models import HoiioNumber, ProviderApp
from telecom.services.hoiio.numbers import forwarding
from voiceflows.models import VoiceFlow, VoiceSettings
from voiceflows.services.flows import ask_step, import_flow, say_step

DEMO_FLOW = {
    "slug": "demo",
    "name": "Demo line",
    "start": "greeting",
    "steps": [
        say_step("greeting", "Welcome to Hatid's demo line.", "menu"),
        ask_step(
            "menu",
            choices={"value": "1, 2", "mode": "dtmf"},
            say=[
                {"value": "Press 1 to hear today's promo. Press 2 to hear our hours."},
                {"value": "Sorry, that is not one of the choices.", "event": "nomatch"},
                {"value": "Sorry, I did not hear anything.", "event": "timeout"},
            ],
            attempts=3,
            timeout=10,
            name="choice",
            routes=[
                {"on": "answer", "value": "1", "goto": "promo"},
                {"on": "answer", "value": "2", "goto": "hours"},
                {"on": "incomplete", "goto": "goodbye"},
            ],
        ),
        say_step("promo", "Today, LOAD 50 gets you 10 megabytes free.", "goodbye"),
        say_step("hours", "We are open from 8 in the morning to 8 in the evening.", "goodbye"),
        say_step("goodbye", "Thank you for calling. Goodbye.", "hangup"),
        {"key": "hangup", "verb": "hangup"},
    ],
}


def ensure_demo_voice(app: ProviderApp) -> VoiceSettings:
    """The demo flow and voice settings, created once (an operator's edits stay)."""
    flow = VoiceFlow.objects.filter(app=app, slug=DEMO_FLOW["slug"]).first()
    if flow is None:
        flow = import_flow(app=app, data=DEMO_FLOW)
    voice, _ = VoiceSettings.objects.get_or_create(
        app=app,
        defaults={"voice_token": "demo-voice-" + secrets.token_hex(16), "default_flow": flow},
    )
    return voice


def ensure_demo_hoiio_line(app: ProviderApp, number: str) -> HoiioNumber:
    """The demo flow on a Hoiio app, and `number` rented, its calls and SMS
    forwarded to Hatid (the sandbox's seed rents it on the twin the same way)."""
    flow = VoiceFlow.objects.filter(app=app, slug=DEMO_FLOW["slug"]).first()
    if flow is None:
        flow = import_flow(app=app, data=DEMO_FLOW)
    VoiceSettings.objects.get_or_create(app=app, defaults={"default_flow": flow})
    forward_to, forward_sms_to = forwarding(app, HoiioNumber.Mode.VOICE)
    rented, _ = HoiioNumber.objects.update_or_create(
        app=app,
        number=number,
        defaults={
            "status": HoiioNumber.Status.ACTIVE,
            "duration": HoiioNumber.Duration.AUTO,
            "auto_extend": True,
            "mode": HoiioNumber.Mode.VOICE,
            "forward_to": forward_to,
            "forward_sms_to": forward_sms_to,
            "finished_at": timezone.now(),
        },
    )
    return rented

"""Fixtures for the voice tests: an app with voice settings and the menu flow."""

import pytest

from tests.support.voice_flows import MENU_FLOW
from voiceflows.models import VoiceSettings
from voiceflows.services.flows import import_flow


@pytest.fixture
def menu_flow(globe_app):
    flow = import_flow(app=globe_app, data=MENU_FLOW)
    VoiceSettings.objects.create(app=globe_app, voice_token="voice-token-1", default_flow=flow)
    return flow

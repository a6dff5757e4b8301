"""Fixtures for messaging tests: an app with subscribers who consented."""

import pytest

from subscribers.services.consent import subscriber_opt_in


@pytest.fixture
def subscribe(globe_app):
    def make(number, app=None, token=None):
        app = app or globe_app
        token = token or f"token-{number.lstrip('+')}-{app.pk}"
        return subscriber_opt_in(app=app, msisdn=number, token=token, channel="sms").subscriber

    return make

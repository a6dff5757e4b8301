"""Fixtures of the integration tests (in-process, through models, services,
views and the admin, against the suite's database and Redis): `subscribe`, a
subscriber who consented by SMS."""

import pytest

from subscribers.services.consent import subscriber_opt_in


@pytest.fixture
def subscribe(globe_app):
    """`subscribe(number, app=None, token=None)`: the number opted in to the app
    (default `globe_app`) with a token, as after INFO and YES."""

    def make(number, app=None, token=None):
        app = app or globe_app
        token = token or f"token-{number.lstrip('+')}-{app.pk}"
        return subscriber_opt_in(app=app, msisdn=number, token=token, channel="sms").subscriber

    return make

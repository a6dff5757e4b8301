"""Fixtures for the sandbox's own tests: an app server, a registered app, a subscriber
with a token, and `platform`, a plain HTTP client of the platform API."""

import pytest
import requests

from tests.support.app_server import AppServer

SHORTCODE = "21581234"
NUMBER = "09171234567"


class Platform:
    """The platform API over real HTTP, as any app would call it."""

    def __init__(self, url: str):
        self.url = url
        self.session = requests.Session()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url + path, timeout=kwargs.pop("timeout", 10), **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.session.post(self.url + path, timeout=kwargs.pop("timeout", 10), **kwargs)

    def sms(self, token: str, body: dict, sender: str = "1234", **kwargs) -> requests.Response:
        return self.post(
            f"/smsmessaging/v1/outbound/{sender}/requests",
            params={"access_token": token},
            json={"outboundSMSMessageRequest": body},
            **kwargs,
        )


@pytest.fixture
def platform(sandbox, sandbox_process):
    return Platform(sandbox_process.url)


@pytest.fixture
def app_server():
    with AppServer() as server:
        yield server


@pytest.fixture
def app(sandbox, app_server):
    return sandbox.register_app(
        app_id="B54z9Ug55zLh5rTGRT5g6hq64pGUq6ap",
        app_secret="f6554137d08f5607a696cd40741993758c411af3bb5f6c230270ec26e8d54126",
        shortcode=SHORTCODE,
        name="Demo app",
        description="Deliveries, tracked.",
        support_email="help@example.com",
        passphrase="correct horse",
        rewards_token="I7SkxKYid_F_p-JSgTejow",
        promos=["LOAD 50", "FREE10MB"],
        **app_server.uris(),
    )


@pytest.fixture
def subscriber(sandbox):
    return sandbox.add_subscriber(
        NUMBER,
        balance="100.00",
        latitude="14.5609722",
        longitude="121.0193394",
        reload_amount="300.00",
    )


@pytest.fixture
def token(sandbox, app, subscriber):
    return sandbox.grant(app["app_id"], NUMBER)["access_token"]


def wallet(sandbox, app) -> str:
    return sandbox.app(app["app_id"])["wallet_balance"]

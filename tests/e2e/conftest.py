"""End to end: Hatid served over HTTP (pytest-django's live server), a real
Celery worker, and the Globe Labs sandbox process, talking to each other only
over HTTP, as in production.

`hatid` gives a Hatid app registered in the sandbox with callback URIs that
reach this live server, and helpers to opt handsets in through the
sandbox's real consent flow (INFO, YES). `hoiio_app` is a Hoiio app with its
account on the sandbox's Hoiio twin (Hoiio's notifications reach the live
server); `voicent_app` a Voicent app whose gateway is the sandbox's twin.
"""

from dataclasses import dataclass

import pytest
from django.db import connections

from sandbox.client import SandboxControl, wait_for
from subscribers.models import Subscriber
from tests.support.factories import HoiioAppFactory, ProviderAppFactory, VoicentAppFactory
from tests.support.lanes import process_callbacks
from tests.support.worker import running_worker

pytestmark = pytest.mark.e2e


@dataclass
class Hatid:
    app: object
    sandbox: SandboxControl
    live_url: str

    def opt_in(self, number: str, balance: str = "100.00", **subscriber) -> Subscriber:
        """The handset texts INFO then YES; the platform's redirect reaches Hatid,
        which answers once stored. A test without a worker (`celery_worker`)
        has the stored callbacks processed here, as a worker would (beside one,
        the lanes' locks let each event through once)."""
        self.sandbox.add_subscriber(number, balance=balance, **subscriber)
        self.sandbox.text(number, self.app.shortcode, "INFO")
        self.sandbox.text(number, self.app.shortcode, "YES")

        def active():
            process_callbacks()
            return Subscriber.objects.filter(app=self.app, msisdn=number, status="active").first()

        return wait_for(active, what=f"{number} opted in")

    def enable_voice(self, flow: dict, **settings):
        """Import `flow` as the app's default voice flow, with a voice token that the
        sandbox knows the app by (`settings`: VoiceSettings fields, e.g. ring_timeout)."""
        from voiceflows.models import VoiceSettings
        from voiceflows.services.flows import import_flow

        imported = import_flow(app=self.app, data=flow)
        token = f"voice-{self.app.app_id}"
        VoiceSettings.objects.update_or_create(
            app=self.app, defaults={"voice_token": token, "default_flow": imported, **settings}
        )
        self.sandbox.register_app(app_id=self.app.app_id, voice_token=token)
        return imported


@pytest.fixture(autouse=True)
def _connections_closed_after_use(transactional_db):
    """The live server's and the worker's threads close their database
    connections when a request or task ends (CONN_MAX_AGE 0), so none is left
    open when the test database is dropped."""
    from django.db import connection

    kept = connection.settings_dict.get("CONN_MAX_AGE")
    connection.settings_dict["CONN_MAX_AGE"] = 0
    yield
    connection.settings_dict["CONN_MAX_AGE"] = kept


@pytest.fixture
def celery_worker(transactional_db):
    with running_worker():
        yield


@pytest.fixture
def hatid(sandbox, live_server, settings, transactional_db):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.PROVIDER_READ_TIMEOUT = 2.0
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.05
    settings.OUTBOX_RETRY_MAX_SECONDS = 0.5
    app = ProviderAppFactory(shortcode="21581234", passphrase="", rewards_token="rewards-token-1")
    sandbox.register_app(
        app_id=app.app_id,
        app_secret=app.app_secret.reveal(),
        shortcode=app.shortcode,
        rewards_token=app.rewards_token.reveal(),
        redirect_uri=app.callback_uri("redirect"),
        notify_uri=app.callback_uri("notify"),
        ussd_notify_uri=app.callback_uri("ussd"),
        rewards_uri=app.callback_uri("rewards"),
        voice_uri=app.voice_uri,
        promos=["LOAD 50", "FREE10MB"],
    )
    return Hatid(app=app, sandbox=sandbox, live_url=live_server.url)


@pytest.fixture
def e2e_settings(live_server, settings):
    """Hatid reachable by the sandbox, and quick to retry and to poll. Database
    connections are not kept across requests and tasks: the live server and
    the worker open one per thread, and kept ones would outlive the test."""
    default = connections.settings["default"]
    kept = default.get("CONN_MAX_AGE", 0)
    default["CONN_MAX_AGE"] = 0
    settings.PUBLIC_BASE_URL = live_server.url
    settings.PROVIDER_READ_TIMEOUT = 2.0
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.05
    settings.OUTBOX_RETRY_MAX_SECONDS = 0.5
    settings.VOICENT_POLL_INTERVAL_SECONDS = 0.1
    yield settings
    default["CONN_MAX_AGE"] = kept


@pytest.fixture
def hoiio_app(sandbox, e2e_settings, transactional_db):
    """A Hoiio app of Hatid's, and its account on the sandbox's Hoiio twin."""
    app = HoiioAppFactory(app_id="AP-hatid-e2e", access_token="tok-hatid-e2e-0123456789")
    sandbox.hoiio_account(
        app.app_id, access_token=app.access_token.reveal(), mobile_number="+639170000001"
    )
    yield app
    # Before the database is emptied: no notification may still be on its way.
    sandbox.quiesce()


@pytest.fixture
def voicent_app(sandbox, sandbox_process, e2e_settings, transactional_db):
    """A Voicent app of Hatid's whose gateway is the sandbox's Voicent twin."""
    sandbox.configure(voicent_progress_delay=0.1)
    yield VoicentAppFactory(
        gateway_host="127.0.0.1",
        gateway_port=sandbox_process.port,
        gateway_path_prefix="/voicent",
    )
    sandbox.quiesce()

"""The sandbox from Hatid's side: its own database, the demo seed, and Hatid's own
HTTP client reaching it through GLOBE_API_URL exactly as it would the live platform."""

import functools
import io
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from sandbox.client import SandboxControl, SandboxProcess
from telecom.crypto import Secret
from telecom.errors import OutcomeUnknown, TransientError
from telecom.globe import GlobeClient
from telecom.http import ProviderClient
from telecom.models import OutboundCall, ProviderApp
from tests.support.factories import ProviderAppFactory

pytestmark = pytest.mark.django_db


class GlobeSms(ProviderClient):
    """The smallest Globe client: one SMS MT, built on Hatid's ProviderClient."""

    provider = "globe"

    def send(self, token: str, correlator: str):
        return self.call(
            "sms",
            "POST",
            f"{settings.GLOBE_API_URL}/smsmessaging/v1/outbound/1234/requests",
            params={"access_token": token},
            json={
                "outboundSMSMessageRequest": {
                    "clientCorrelator": correlator,
                    "senderAddress": "1234",
                    "outboundSMSTextMessage": {"message": "From Hatid"},
                    "address": "09171234567",
                }
            },
            correlation=correlator,
        )


@pytest.fixture
def hatid_token(sandbox):
    sandbox.register_app(app_id="hatid", app_secret="s", shortcode="21581234")
    return sandbox.grant("hatid", "09171234567")["access_token"]


def test_hatids_provider_client_reaches_the_sandbox_through_globe_api_url(sandbox, hatid_token):
    response = GlobeSms().send(hatid_token, "hatid-1")

    assert response.status == 201
    assert response.json()["outboundSMSMessageRequest"]["address"] == "tel:+639171234567"
    assert sandbox.deliveries("sms")[0]["clientCorrelator"] == "hatid-1"
    assert OutboundCall.objects.get().status_code == 201


def test_balance_and_reload_amount_reach_hatid_in_pesos(sandbox):
    # The twin answers in centavos as the SDK doc's "60200" does; Hatid's
    # client reads them back as the pesos the handset holds.
    sandbox.register_app(app_id="hatid", app_secret="s", shortcode="21581234")
    sandbox.add_subscriber("09171234567", balance="75.00", reload_amount="30.00")
    token = sandbox.grant("hatid", "09171234567")["access_token"]
    globe = GlobeClient(ProviderAppFactory(app_id="hatid", app_secret="s", shortcode="21581234"))
    ask = functools.partial(globe.subscriber_amount, token=Secret(token), address="09171234567")
    assert ask(kind="balance").amount == Decimal("75.00")
    assert ask(kind="reload_amount").amount == Decimal("30.00")


def test_a_reset_after_apply_reaches_hatid_as_outcome_unknown(sandbox, hatid_token):
    sandbox.set_fault("sms", after_apply="reset", times=1)
    with pytest.raises(OutcomeUnknown):
        GlobeSms().send(hatid_token, "hatid-2")
    GlobeSms().send(hatid_token, "hatid-2")  # the outbox's retry, same key
    [delivery] = sandbox.deliveries("sms")
    assert delivery["duplicate_submissions"] == 1


def test_a_503_reaches_hatid_as_transient(sandbox, hatid_token):
    sandbox.set_fault("sms", status=503, times=1)
    with pytest.raises(TransientError):
        GlobeSms().send(hatid_token, "hatid-3")
    assert sandbox.deliveries("sms") == []


def test_sandbox_tables_never_exist_in_hatids_database_and_reset_spares_hatids_data(
    sandbox, globe_app
):
    tables = connections["default"].introspection.table_names()
    assert not [table for table in tables if table.startswith("sandbox_")]
    sandbox.reset()
    assert ProviderApp.objects.filter(pk=globe_app.pk).exists()


def test_bootstrap_demo_seeds_the_sandbox_with_the_demo_app(tmp_path):
    call_command("bootstrap_demo", stdout=io.StringIO())
    app = ProviderApp.objects.get(name="Demo app")
    registration, hoiio = json.loads(settings.SANDBOX_SEED_FILE.read_text())
    assert registration["app_id"] == app.app_id
    assert registration["app_secret"] == app.app_secret.reveal()
    assert registration["notify_uri"] == app.callback_uri("notify")
    assert registration["ussd_notify_uri"] == app.callback_uri("ussd")
    assert registration["voice_uri"] == app.voice_uri

    with SandboxProcess(home=tmp_path, seed=settings.SANDBOX_SEED_FILE) as process:
        control = SandboxControl(process.url)
        [seeded] = control.apps()
        [account] = control.call("GET", "/_sandbox/hoiio/accounts")["accounts"]
        [rented] = [n for n in control.hoiio_numbers() if n["app_id"]]
    demo_hoiio = ProviderApp.objects.get(name="Demo Hoiio app")
    # The demo Hoiio app's number, rented on the twin, forwards calls and SMS to Hatid.
    assert rented["app_id"] == demo_hoiio.app_id and rented["mode"] == "voice"
    assert rented["forward_to"] == demo_hoiio.callback_uri("ivr")
    assert rented["forward_sms_to"] == demo_hoiio.callback_uri("sms-in")
    assert demo_hoiio.hoiio_numbers.get().number == rented["number"]
    assert hoiio["hoiio_account"]["app_id"] == account["app_id"] == demo_hoiio.app_id
    assert account["access_token"] == demo_hoiio.access_token.reveal()
    assert (seeded["app_id"], seeded["shortcode"]) == (app.app_id, "21580001")
    assert seeded["redirect_uri"] == app.callback_uri("redirect")
    assert seeded["passphrase"] == app.passphrase.reveal()

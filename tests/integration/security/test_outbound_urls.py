"""The outbound-URL policy (`telecom.outbound_urls`): refused at save (admin form
error, API 400 naming the field), at intake (a Hoiio notification), and at send
(the delivery fails with the reason, once), against a real server on 127.0.0.1
that must receive nothing it should not."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from telecom.hoiio.client import HoiioClient
from telecom.models import ApiKey, Fax, OutboundCall, Partner, WebhookDelivery
from telecom.outbound_urls import OutboundUrlRefused, check_url
from telecom.partner_webhooks import PartnerWebhookClient
from telecom.services.fax import FaxFetch
from telecom.services.webhooks import WebhookDeliveryRunner, queue_webhook
from tests.integration.config.test_settings_and_health import manage, production_env
from tests.support.app_server import AppServer
from tests.support.factories import HoiioAppFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    with AppServer() as app_server:
        yield app_server


@pytest.fixture
def nothing_allowed(settings):
    """Production's allow-list: empty (development's allows loopback)."""
    settings.OUTBOUND_URL_ALLOWED_NETWORKS = []
    settings.OUTBOUND_URL_ALLOWED_HOSTS = []


def port_of(server) -> int:
    return server.httpd.server_address[1]


# --- the policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.2:9999\\@secure.hoiio.com/x", "backslash"),
        ("http://user:pw@partner.example/hook", "user name or password"),
        ("http://secure.hoiio.com@127.0.0.1/", "user name or password"),
        ("http://partner.example/a\tb", "control character"),
        ("ftp://partner.example/hook", "only http and https"),
        ("http://127%2e0%2e0%2e1/", "not plain ASCII"),
        ("http://[fe80::1%25eth0]/", "not plain ASCII"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::1]:8000/", "loopback"),
        ("http://0x7f000001/", "127.0.0.1, a loopback"),
        ("http://2130706433/", "127.0.0.1, a loopback"),
        ("http://0177.0.0.1/", "127.0.0.1, a loopback"),
        ("http://127.1/", "127.0.0.1, a loopback"),
        ("http://localhost:5432/", "localhost resolves to"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.1/", "private"),
        ("http://[fc00::1]/", "private"),
        ("http://[2002:a00:1::1]/", "10.0.0.1 inside"),
        ("http://[64:ff9b::a9fe:a9fe]/", "169.254.169.254 inside"),
        ("http://100.64.0.1/", "not a public address"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://240.0.0.1/", "reserved"),
    ],
)
def test_policy_refuses_each_way_to_reach_inside(nothing_allowed, url, reason):
    with pytest.raises(OutboundUrlRefused, match=reason):
        check_url(url)


@pytest.mark.parametrize(
    "url", ["https://93.184.216.34/hook", "http://[2606:4700::1111]/", "https://partner.example/"]
)
def test_policy_lets_public_and_unresolvable_hosts_through(nothing_allowed, url):
    check_url(url)  # an unresolvable name is judged again when it is used


def test_policy_allow_lists_networks_and_hosts(settings, nothing_allowed):
    settings.OUTBOUND_URL_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    check_url("http://127.0.0.1:8010/")
    check_url("http://[::ffff:127.0.0.1]/")
    with pytest.raises(OutboundUrlRefused):
        check_url("http://10.0.0.1/")
    settings.OUTBOUND_URL_ALLOWED_HOSTS = ["hooks.internal", "10.0.0.1"]
    check_url("http://10.0.0.1/")
    with pytest.raises(OutboundUrlRefused, match="backslash"):
        check_url("http://10.0.0.1\\@x/")  # the form is never allow-listed


# --- at send: the delivery fails with the reason, once ---------------------------------


def deliver_to(url: str) -> WebhookDelivery:
    partner = PartnerFactory(webhook_secret="whsec_test-secret-0123456789")
    Partner.objects.filter(pk=partner.pk).update(webhook_url=url)  # saved before the policy
    partner.refresh_from_db()
    delivery = queue_webhook(partner, event="test", dedupe_key=url, body={"hello": 1})
    WebhookDeliveryRunner().run(delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("http://localhost:{port}/hook", "localhost resolves to 127.0.0.1, a loopback"),
        ("http://0x7f000001:{port}/hook", "127.0.0.1, a loopback"),
        ("http://2130706433:{port}/hook", "127.0.0.1, a loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/hook", "loopback"),
        ("http://127.0.0.1:{port}\\@partner.example/hook", "backslash"),
    ],
)
def test_webhook_to_inside_fails_with_the_reason_and_sends_nothing(
    server, nothing_allowed, template, reason
):
    delivery = deliver_to(template.format(port=port_of(server)))
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert reason in delivery.last_error and "URL refused" in delivery.last_error
    assert delivery.attempts == 1 and delivery.finished_at is not None  # never retried
    assert server.received == []
    call = OutboundCall.objects.get()
    assert call.outcome == OutboundCall.Outcome.PERMANENT and "URL refused" in call.error


def test_webhook_with_userinfo_fails_even_where_the_host_is_allowed(server):
    delivery = deliver_to(f"http://partner:pw@127.0.0.1:{port_of(server)}/hook")
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "user name or password" in delivery.last_error
    assert server.received == []


def test_webhook_to_an_allowed_network_is_delivered(server):
    # Development's default allows loopback: the sandbox and `make run` keep working.
    delivery = deliver_to(server.uri("hook"))
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert len(server.of("hook")) == 1


def test_the_address_is_checked_when_connecting_not_only_when_saved(server, settings):
    """A name allowed when the URL was saved is resolved again at send, and the
    address the connection would use is checked (DNS rebinding)."""
    settings.OUTBOUND_URL_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    partner = PartnerFactory(webhook_secret="whsec_test-secret-0123456789")
    partner.webhook_url = f"http://localhost:{port_of(server)}/hook"
    partner.full_clean()  # allowed at save
    partner.save()
    settings.OUTBOUND_URL_ALLOWED_NETWORKS = []  # now localhost leads somewhere refused
    # The transport itself refuses, whatever called it.
    with pytest.raises(OutboundUrlRefused, match=r"resolves to 127\.0\.0\.1"):
        PartnerWebhookClient.session().get(partner.webhook_url, timeout=5)
    delivery = queue_webhook(partner, event="test", dedupe_key="k", body={})
    WebhookDeliveryRunner().run(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "localhost resolves to 127.0.0.1" in delivery.last_error
    assert server.received == []


def test_a_redirect_is_not_followed_and_fails_with_the_reason(server, settings):
    settings.OUTBOUND_URL_ALLOWED_NETWORKS = []
    settings.OUTBOUND_URL_ALLOWED_HOSTS = ["127.0.0.1"]  # the first hop only
    server.answer("hook", 302, {"Location": f"http://localhost:{port_of(server)}/inside"})
    delivery = deliver_to(server.uri("hook"))
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "redirects are not followed (HTTP 302 to http://localhost" in delivery.last_error
    assert delivery.attempts == 1
    assert len(server.of("hook")) == 1 and server.of("inside") == []


# --- fax documents ----------------------------------------------------------------------


def test_fax_download_refuses_the_backslash_trick(server, settings):
    settings.HOIIO_FILE_HOSTS = ["secure.hoiio.com"]
    app = HoiioAppFactory()
    trick = f"http://127.0.0.1:{port_of(server)}\\@secure.hoiio.com/x.pdf"
    with pytest.raises(OutboundUrlRefused, match="backslash"):
        HoiioClient(app).download(trick)
    assert server.received == []


def test_received_fax_from_inside_fails_with_the_reason_and_the_api_has_no_document(
    server, settings, nothing_allowed
):
    settings.HOIIO_FILE_HOSTS = ["localhost"]
    app = HoiioAppFactory()
    fax = Fax.objects.create(
        app=app,
        direction=Fax.Direction.IN,
        src="+6531591000",
        dest="+6531591001",
        tag="in-1",
        fax_url=f"http://localhost:{port_of(server)}/files/x.pdf",
    )
    FaxFetch().run(fax.pk)
    fax.refresh_from_db()
    assert fax.status == Fax.Status.FAILED and fax.attempts == 1
    assert "localhost resolves to 127.0.0.1, a loopback address" in fax.last_error
    assert server.received == []

    partner = PartnerFactory()
    partner.apps.add(app)
    _, key = ApiKey.generate(partner=partner, scopes=["fax"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get(f"/api/v1/hoiio/faxes/{fax.pk}/document/").status_code == 404
    assert "loopback" in api.get(f"/api/v1/hoiio/faxes/{fax.pk}/").json()["error"]


def test_a_hoiio_notification_naming_a_tricky_fax_url_is_a_400_naming_it(client):
    app = HoiioAppFactory()
    fields = {
        "txn_ref": "AA-F-9",
        "src": "+6531591000",
        "dest": "+6531591001",
        "fax_status": "answered",
        "fax_url": "http://127.0.0.2:9999\\@secure.hoiio.com/x",
    }
    response = client.post(
        app.callback_path("fax-in"),
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "backslash" in response.json()["error"]["fields"]["fax_url"][0]
    assert not Fax.objects.exists()


# --- at save: the admin and the API ---------------------------------------------------------


def partner_form(url: str) -> dict:
    return {
        "name": "Acme",
        "webhook_url": url,
        "api_keys-TOTAL_FORMS": "0",
        "api_keys-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://localhost:5432/", "localhost resolves to 127.0.0.1"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://10.0.0.1/hook", "private"),
    ],
)
def test_admin_refuses_the_partner_webhook_url_with_a_field_error(
    admin_client, nothing_allowed, url, reason
):
    response = admin_client.post(reverse("admin:telecom_partner_add"), partner_form(url))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert reason in errors["webhook_url"][0] and list(errors) == ["webhook_url"]
    assert not Partner.objects.exists()


def test_admin_accepts_a_public_webhook_url(admin_client, nothing_allowed):
    response = admin_client.post(
        reverse("admin:telecom_partner_add"), partner_form("https://93.184.216.34/hook")
    )
    assert response.status_code == 302
    assert Partner.objects.get().webhook_url == "https://93.184.216.34/hook"


@pytest.fixture
def partner_api():
    partner = PartnerFactory()
    _, key = ApiKey.generate(partner=partner, scopes=["webhook"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return partner, api


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://localhost:5432/", "localhost resolves to 127.0.0.1"),
        ("http://127.0.0.2:9999\\@secure.hoiio.com/x", "backslash"),
        ("http://user:pw@partner.example/", "user name or password"),
        ("http://2130706433/", "valid URL"),
    ],
)
def test_api_refuses_the_webhook_url_with_a_400_naming_the_field(
    partner_api, nothing_allowed, url, reason
):
    partner, api = partner_api
    response = api.put("/api/v1/webhook/", {"webhook_url": url}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["webhook_url"] and reason in error["fields"]["webhook_url"][0]
    partner.refresh_from_db()
    assert partner.webhook_url == ""


def test_api_sets_a_public_webhook_url_and_gives_the_secret_once(partner_api, nothing_allowed):
    partner, api = partner_api
    first = api.put("/api/v1/webhook/", {"webhook_url": "https://93.184.216.34/h"}, format="json")
    assert first.status_code == 200 and first.json()["secret"].startswith("whsec_")
    again = api.put("/api/v1/webhook/", {"webhook_url": "https://93.184.216.34/i"}, format="json")
    assert "secret" not in again.json()
    shown = api.get("/api/v1/webhook/").json()
    assert shown["webhook_url"] == "https://93.184.216.34/i" and shown["secret_hint"]
    partner.refresh_from_db()
    assert partner.webhook_secret.reveal() == first.json()["secret"]


def test_api_webhook_needs_its_scope():
    _, key = ApiKey.generate(partner=PartnerFactory(), scopes=["sms:read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = api.put("/api/v1/webhook/", {"webhook_url": "https://a.example/"}, format="json")
    assert response.status_code == 403


# --- the setting ------------------------------------------------------------------------


def test_production_allows_no_inside_network_and_a_bad_one_names_the_variable(tmp_path):
    show = "from django.conf import settings; print(settings.OUTBOUND_URL_ALLOWED_NETWORKS)"
    result = manage("shell", "-c", show, env=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    bad = production_env(tmp_path, OUTBOUND_URL_ALLOWED_NETWORKS="10.0.0.0/8,intranet")
    result = manage("check", env=bad)
    assert result.returncode != 0
    assert "OUTBOUND_URL_ALLOWED_NETWORKS: 'intranet' is not a network" in result.stderr

"""What a newcomer trips on in the console and the API: names, times, links, icons."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from subscribers.services.consent import subscriber_opt_in
from telecom.models import ApiKey, Campaign, Charge, Message, WalletSnapshot
from tests.support.factories import PartnerFactory, inbound_message
from voiceflows.models import CallSession

pytestmark = pytest.mark.django_db

ACRONYMS = {"sms", "ivr", "ussd", "api", "mo", "mt"}
PROPER_NAMES = {"hoiio": "Hoiio", "voicent": "Voicent"}


def plural(noun: str) -> str:
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    return noun + "s"


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in apps.get_models()
        if m._meta.app_label in ("telecom", "subscribers", "voiceflows", "sandbox")
    ],
    ids=lambda m: m._meta.label,
)
def test_every_model_is_named_as_english_writes_it(model):
    one, many = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
    if one != many:  # "voice settings" is its own plural
        last_one, last_many = one.split()[-1], many.split()[-1]
        assert last_many == plural(last_one), f"{model._meta.label}: {one!r} → {many!r}"
    for word in many.split():
        assert word not in ACRONYMS, f"{model._meta.label}: write {word.upper()} in {many!r}"
        assert word not in PROPER_NAMES, f"{model._meta.label}: write {PROPER_NAMES[word]}"


def test_flow_slug_help_text_shows_the_url_shape(admin_client):
    html = admin_client.get("/admin/voiceflows/voiceflow/add/").content.decode()
    assert "/voice/{token}/{slug}/" in html
    assert "/voice///" not in html


def test_view_site_is_not_a_link_to_a_404(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "View site" not in html


@pytest.mark.parametrize("path", ["/favicon.ico"])
def test_favicon_is_an_icon_on_the_web_server(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_favicon_is_an_icon_on_the_sandbox(sandbox_process):
    with requests.Session() as session:
        response = session.get(f"{sandbox_process.url}/favicon.ico", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/x-icon"


def test_subscriber_page_shows_every_time_in_the_operators_zone(admin_client, globe_app, settings):
    settings.TIME_ZONE = "Asia/Manila"
    subscriber = subscriber_opt_in(
        app=globe_app, msisdn="+639171234567", token="token-abc", channel="sms"
    ).subscriber
    moment = timezone.now().replace(year=2026, month=12, day=5, hour=8, minute=7)
    inbound_message(subscriber, created_at=moment)
    Message.objects.filter(text="hello").update(created_at=moment)
    subscriber.__class__.objects.filter(pk=subscriber.pk).update(created_at=moment)
    html = admin_client.get(f"/admin/subscribers/subscriber/{subscriber.pk}/change/").content
    html = html.decode()
    assert "2026-12-05 16:07 Asia/Manila" in html  # the message line, in Manila
    assert "2026-12-05 08:07" not in html  # never UTC without saying so
    assert not re.search(r"\b[ap]\.m\.", html)  # never Django's "4:07 p.m." beside it


def test_wallet_as_of_is_in_the_operators_zone(admin_client, globe_app, settings):
    settings.TIME_ZONE = "Asia/Manila"
    moment = timezone.now().replace(year=2026, month=12, day=5, hour=8, minute=7)
    WalletSnapshot.objects.create(app=globe_app, balance=Decimal("100.00"), as_of=moment)
    html = admin_client.get(f"/admin/telecom/providerapp/{globe_app.pk}/change/").content.decode()
    assert "as of 2026-12-05 16:07 Asia/Manila" in html
    assert "+00:00" not in html


def _campaign(globe_app, status):
    return Campaign.objects.create(
        app=globe_app,
        name=f"{status} campaign",
        text="Hi",
        status=status,
        segment={"status": "active", "tag": "vip", "numbers": ["+639171234567"]},
    )


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        ("running", {"Pause", "Cancel"}),
        ("paused", {"Resume", "Cancel"}),
        ("scheduled", {"Cancel"}),
        ("quiet", {"Pause", "Cancel"}),
        ("completed", set()),
        ("cancelled", set()),
    ],
)
def test_campaign_page_offers_only_what_its_status_allows(admin_client, globe_app, status, offered):
    campaign = _campaign(globe_app, status)
    html = admin_client.get(f"/admin/telecom/campaign/{campaign.pk}/change/").content.decode()
    shown = set(re.findall(r'type="submit" value="(Pause|Resume|Cancel)"', html))
    assert shown == offered


def test_campaign_segment_reads_as_words(admin_client, globe_app):
    campaign = _campaign(globe_app, "completed")
    html = admin_client.get(f"/admin/telecom/campaign/{campaign.pk}/change/").content.decode()
    assert "Subscribers who are Active, tagged “vip”, among 1 listed numbers" in html
    assert "{&quot;status&quot;" not in html and '{"status"' not in html


def test_call_durations_are_whole_seconds(admin_client, globe_app):
    start = timezone.now() - timedelta(minutes=5)
    CallSession.objects.create(
        app=globe_app,
        session_id="s-1",
        direction="inbound",
        started_at=start,
        ended_at=start + timedelta(seconds=65, microseconds=123456),
        status="completed",
    )
    html = admin_client.get("/admin/voiceflows/callsession/").content.decode()
    assert "1:05" in html
    assert "123456" not in html and ".12345" not in html


def test_inbound_message_in_the_api_is_from_its_sender_to_the_app(globe_app):
    partner = PartnerFactory()
    partner.apps.add(globe_app)
    _, key = ApiKey.generate(partner=partner, scopes=["sms:read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    subscriber = subscriber_opt_in(
        app=globe_app, msisdn="+639171234567", token="token-abc", channel="sms"
    ).subscriber
    inbound = inbound_message(subscriber)
    body = api.get(f"/api/v1/messages/{inbound.pk}/").json()
    assert body["from"] == "+639171234567"
    assert body["to"] == globe_app.shortcode
    assert body["number"] == "+639171234567"
    outbound = inbound_message(subscriber, direction="out", status="sent", source="api")
    body = api.get(f"/api/v1/messages/{outbound.pk}/").json()
    assert (body["from"], body["to"]) == (globe_app.shortcode, "+639171234567")


def test_a_read_only_page_shows_who_then_what_then_the_plumbing(admin_client):
    """Fields from the abstract bases (the requester, the outbox's lease) were
    created first; a charge's page still starts with whom and how much."""
    request = RequestFactory().get("/")
    fields = list(admin.site._registry[Charge].get_readonly_fields(request))
    assert fields[:5] == ["id", "app", "subscriber", "msisdn", "amount"]
    assert fields.index("status") < fields.index("partner") < fields.index("lease_until")

"""The USSD menu editor and preview, sessions in the console, and the API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from telecom.models import ApiKey, Charge, UssdScreen, UssdSession
from tests.support.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_preview_walks_the_menu_without_side_effects(admin_client, menu):
    url = reverse("admin:telecom_ussdmenu_preview", args=[menu.pk])
    page = admin_client.get(url).content.decode()
    assert "Welcome\n1. Info\n2. Buy load" in page
    page = admin_client.post(url, {"restart": "1", "dial": "2*1"}).content.decode()
    assert "Enter amount:" in page
    page = admin_client.post(
        url, {"screen": "amount", "variables": "{}", "input": "40", "transcript": "[]"}
    ).content.decode()
    assert "Thank you! 40 pesos." in page and "action: charge" in page
    assert not Charge.objects.exists() and not UssdSession.objects.exists()


def test_screen_text_over_the_limit_is_a_form_error(admin_client, menu):
    screen = UssdScreen.objects.get(key="info")
    url = reverse("admin:telecom_ussdscreen_change", args=[screen.pk])
    response = admin_client.post(
        url,
        {
            "menu": menu.pk,
            "key": "info",
            "kind": "end",
            "text": "x" * 200,
            "validation": "any",
            "min_length": 1,
            "max_length": 20,
            "action": "",
            "options-TOTAL_FORMS": 0,
            "options-INITIAL_FORMS": 0,
        },
    )
    assert "a USSD screen holds 182" in response.content.decode()
    assert b"data-ussd-limit" in admin_client.get(url).content


def test_menu_page_shows_statistics_and_the_preview_link(admin_client, menu):
    html = admin_client.get(reverse("admin:telecom_ussdmenu_change", args=[menu.pk])).content
    assert b"0 started" in html and b"Walk through this menu" in html


def test_api_push_and_sessions(globe_app, menu, subscribe):
    subscribe("+639171234567")
    partner = PartnerFactory()
    partner.apps.add(globe_app)
    _, key = ApiKey.generate(partner=partner, scopes=["ussd"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    pushed = api.post(
        "/api/v1/ussd/push/",
        {"to": "09171234567", "menu": menu.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="u1",
    )
    assert pushed.status_code == 201, pushed.json()
    assert pushed.json()["exchanges"][0]["reply"].startswith("Welcome")
    bad = api.post(
        "/api/v1/ussd/push/", {"to": "09171234567"}, format="json", HTTP_IDEMPOTENCY_KEY="u2"
    )
    assert bad.status_code == 400 and "text" in bad.json()["error"]["fields"]
    listed = api.get("/api/v1/ussd/sessions/").json()["results"]
    assert [s["id"] for s in listed] == [pushed.json()["id"]]

"""Every response of the web process carries the Content-Security-Policy, with
production's settings (DEBUG off: django-csp leaves debug 404 and 500 pages
alone only in development): pages, redirects, JSON errors, callbacks. The
sandbox's handset page carries it too, from the sandbox process."""

import pytest
import requests
from django.contrib.auth.models import User

from telecom.models import CallbackEvent

pytestmark = pytest.mark.django_db


def assert_policy(response) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, (response.status_code, dict(response.headers))
    for part in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert part in policy
    assert "unsafe-inline" not in policy


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/admin/login/", 200),
        ("get", "/admin/", 302),
        ("get", "/consent/{app_id}/", 200),
        ("get", "/consent/no-such-app/", 404),
        ("get", "/api/v1/me/", 401),
        ("get", "/api/docs/", 200),
        ("get", "/healthz", 200),
        ("post", "/callbacks/globe/{token}/notify/", 400),
        ("post", "/callbacks/globe/not-a-token/notify/", 404),
        ("post", "/voice/not-a-token/", 404),
        ("get", "/no/such/page/", 404),
    ],
)
def test_every_response_carries_the_policy(client, production, globe_app, method, path, status):
    token = globe_app.callback_token.reveal()
    url = path.format(app_id=globe_app.app_id, token=token)
    if method == "post":
        response = client.post(url, data="{", content_type="application/json")
    else:
        response = client.get(url)
    assert response.status_code == status
    assert_policy(response)


def test_admin_pages_carry_the_policy_with_a_fresh_nonce(client, production, globe_app):
    client.force_login(User.objects.create_superuser("ada", "ada@example.com", "pw-123-XYZ"))
    # A page whose inline script needs its nonce (the USSD counter's limit).
    first = client.get("/admin/telecom/ussdmenu/add/")
    second = client.get("/admin/telecom/ussdmenu/add/")
    assert first.status_code == second.status_code == 200
    assert_policy(first)
    nonce = first.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in first.text
    assert nonce not in second.headers["Content-Security-Policy"]
    assert not CallbackEvent.objects.exists()


def test_the_sandbox_handset_page_carries_the_policy(sandbox_process):
    with requests.Session() as http:
        response = http.get(sandbox_process.url + "/", timeout=10)
    assert response.status_code == 200
    assert_policy(response)
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.text

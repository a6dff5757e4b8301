"""HEAD (and OPTIONS) need the scope GET needs, on every route of the partner API:
a HEAD answer's headers tell what the GET would (Content-Length says whether a
number has traffic)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from telecom.api.scopes import SCOPES
from telecom.models import ApiKey
from tests.support.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def api_routes(patterns=None, prefix=""):
    """(path with sample arguments, view class) of every route under /api/v1/."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from api_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
            sample = re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", "1", route))
            yield "/" + sample, entry.callback.cls


def get_scope(view) -> str | None:
    required = getattr(view, "required_scopes", None)
    if not hasattr(view, "get"):
        return None  # POST only: HEAD is a 405 whatever the key
    return required if isinstance(required, str) else (required or {}).get("GET")


GET_SCOPED = sorted({(path, get_scope(view)) for path, view in api_routes() if get_scope(view)})


def client_with(scopes):
    _, key = ApiKey.generate(partner=PartnerFactory(), scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_every_read_of_the_api_is_covered():
    # Messages, campaigns, charges, rewards, wallet, USSD, subscribers, calls, faxes...
    assert len(GET_SCOPED) >= 25
    assert {scope for _, scope in GET_SCOPED} == SCOPES.keys() - {
        "sms:send",
        "subscribers:write",
        "subscribers:erase",
    }


@pytest.mark.parametrize(("path", "scope"), GET_SCOPED)
def test_head_without_the_get_scope_is_403(path, scope):
    client = client_with(sorted(SCOPES.keys() - {scope}))
    assert client.head(path).status_code == 403
    described = client.options(path)
    assert described.status_code == 403
    assert scope in described.json()["error"]["message"]


@pytest.mark.parametrize(("path", "scope"), GET_SCOPED)
def test_head_with_the_get_scope_is_answered(path, scope):
    response = client_with([scope]).head(path)
    assert response.status_code in (200, 404), path


def test_head_of_a_numbers_messages_with_a_wallet_key_tells_nothing():
    response = client_with(["wallet:read"]).head("/api/v1/messages/?number=09171234567")
    assert response.status_code == 403

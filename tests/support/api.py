"""A partner API client for tests: a fresh key with the given scopes."""

from rest_framework.test import APIClient

from telecom.api.scopes import SCOPES
from telecom.models import ApiKey


def api_key_for(partner, scopes=None, rate_per_minute: int | None = None) -> str:
    """A new key of `partner` (every scope unless `scopes` names some); the key text."""
    row, key = ApiKey.generate(partner=partner, scopes=list(scopes or SCOPES))
    if rate_per_minute:
        row.rate_per_minute = rate_per_minute
        row.save(update_fields=["rate_per_minute"])
    return key


def api_client_for(partner, scopes=None) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_for(partner, scopes)}")
    return client

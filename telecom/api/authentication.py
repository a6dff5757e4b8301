"""`Authorization: Api-Key <key>`: find the key by its prefix, compare digests
in constant time, refuse revoked keys."""

import hmac
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from telecom.models.partner import ApiKey, digest_key, split_key

KEYWORD = "Api-Key"
# last_used_at is for operators, not an audit trail: write it once a minute at
# most instead of on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        keyword, _, key = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        key = key.strip()
        prefix = split_key(key)
        api_key = (
            ApiKey.objects.select_related("partner").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if api_key is None or not hmac.compare_digest(api_key.digest, digest_key(key)):
            raise exceptions.AuthenticationFailed("invalid API key")
        if not api_key.is_live:
            raise exceptions.AuthenticationFailed("this API key has been revoked")
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return api_key.partner, api_key

    def authenticate_header(self, request):
        return KEYWORD


class ApiKeySchema(OpenApiAuthenticationExtension):
    """Describes the Api-Key header in the OpenAPI schema."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`, as printed by `manage.py create_api_key`.",
        }

"""Endpoints of the API's own: who am I (`/api/v1/me/`)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeView(APIView):
    """The calling key: its partner, scopes and the apps it may use."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "partner": serializers.CharField(),
                "key_prefix": serializers.CharField(),
                "scopes": serializers.ListField(child=serializers.CharField()),
                "apps": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request):
        partner, api_key = request.user, request.auth
        return Response(
            {
                "partner": partner.name,
                "key_prefix": api_key.prefix,
                "scopes": api_key.scopes,
                "apps": [
                    {"id": app.pk, "name": app.name, "shortcode": app.shortcode}
                    for app in partner.apps.filter(is_active=True)
                ],
            }
        )

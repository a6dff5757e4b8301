"""Endpoints of the API's own: who am I (`/api/v1/me/`), and where the
partner's webhooks go (`/api/v1/webhook/`)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.apps import partner_apps
from telecom.services.webhooks import set_webhook_url


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
                    for app in partner_apps(request)
                ],
            }
        )


class WebhookIn(serializers.Serializer):
    webhook_url = serializers.CharField(
        allow_blank=True,
        max_length=500,
        help_text="An http(s) URL on the public internet; blank for no webhooks.",
    )


class WebhookOut(serializers.Serializer):
    webhook_url = serializers.CharField()
    secret_hint = serializers.CharField(help_text="The signing secret's last characters.")
    secret = serializers.CharField(
        required=False, help_text="A new signing secret: only when one was just made, once."
    )


class WebhookView(APIView):
    """Where the partner's webhooks are posted (inbound messages, keyword rules,
    USSD and voice actions), signed with its secret."""

    required_scopes = "webhook"

    @staticmethod
    def _answer(partner, secret: str | None = None) -> Response:
        body = {
            "webhook_url": partner.webhook_url,
            "secret_hint": partner.webhook_secret.hint if partner.webhook_secret else "",
        }
        if secret:
            body["secret"] = secret
        return Response(body)

    @extend_schema(responses=WebhookOut)
    def get(self, request):
        return self._answer(request.user)

    @extend_schema(request=WebhookIn, responses=WebhookOut)
    def put(self, request):
        data = WebhookIn(data=request.data)
        data.is_valid(raise_exception=True)
        secret = set_webhook_url(request.user, url=data.validated_data["webhook_url"])
        return self._answer(request.user, secret)

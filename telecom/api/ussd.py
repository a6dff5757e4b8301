"""`/api/v1/ussd/push/` (network-initiated USSD) and `/api/v1/ussd/sessions/`."""

import django_filters
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from telecom.api.bases import OwnedRows, ServiceCreate
from telecom.api.filters import SinceFilter
from telecom.api.serializers import ServiceInput
from telecom.models import UssdExchange, UssdMenu, UssdSession
from telecom.services.ussd import push_ussd
from telecom.steps.serializers import StepSessionOut, session_fields


class PushIn(ServiceInput):
    to = serializers.CharField()
    text = serializers.CharField(required=False, help_text="A notice (the session ends).")
    menu = serializers.IntegerField(required=False, help_text="Or start this menu.")


class ExchangeOut(serializers.ModelSerializer):
    class Meta:
        model = UssdExchange
        fields = [
            "sequence",
            "input",
            "reply",
            "flash",
            "status",
            "received_at",
            "reply_sent_at",
            "latency_ms",
        ]


class SessionOut(StepSessionOut):
    screen = serializers.CharField(source="screen.key", default=None)
    exchanges = ExchangeOut(many=True, read_only=True)

    class Meta:
        model = UssdSession
        fields = session_fields(
            "number", "menu", "screen", "variables", "status", "network_initiated"
        )


class SessionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=UssdSession.Status.choices)
    since = SinceFilter(field_name="started_at")

    class Meta:
        model = UssdSession
        fields = ["status", "since"]


class SessionList(OwnedRows, generics.ListAPIView):
    required_scopes = "ussd"
    queryset = UssdSession.objects.select_related("screen").prefetch_related("exchanges")
    serializer_class = SessionOut
    filterset_class = SessionFilter


class Push(ServiceCreate, generics.GenericAPIView):
    """Open a USSD session on a subscriber's handset: a notice, or a menu."""

    required_scopes = {"POST": "ussd"}
    serializer_class = PushIn
    input_serializer, output_serializer = PushIn, SessionOut

    def create(self, app, values: dict) -> UssdSession:
        menu = None
        if values.get("menu") is not None:
            menu = UssdMenu.objects.filter(pk=values["menu"], app=app).first()
            if menu is None:
                raise ValidationError({"menu": ["no such menu for this app"]})
        elif not values.get("text"):
            raise ValidationError({"text": ["give a text or a menu"]})
        return push_ussd(
            app=app, to=values["to"], text=values.get("text", ""), menu=menu, flash=menu is None
        )

"""`/api/v1/messages/` and `/api/v1/campaigns/`: send SMS, read them with their
attempts, and run campaigns."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.apps import chosen_app
from telecom.api.bases import OwnedRows, ServiceCreate, validated
from telecom.api.filters import NumberFilter, SinceFilter
from telecom.api.idempotency import idempotent
from telecom.api.serializers import AwareDateTimeField, RowOut, ServiceInput, row_fields
from telecom.models import Campaign, Message, OutboundCall
from telecom.services import campaigns
from telecom.services.message_templates import find_template
from telecom.services.messaging import BinaryPayload, send_sms
from telecom.sms_length import measure

# --- messages ---------------------------------------------------------------


class BinaryIn(serializers.Serializer):
    message = serializers.CharField()
    user_data_header = serializers.CharField(help_text="Hex, e.g. 06050423F423F4.")
    data_coding_scheme = serializers.ChoiceField(choices=[0, 1, 3, 4, 8])


class MessageIn(serializers.Serializer):
    to = serializers.CharField(help_text="Any accepted form: 09171234567, +639171234567, …")
    text = serializers.CharField(required=False, allow_blank=False, trim_whitespace=False)
    app = serializers.IntegerField(required=False, help_text="Needed when the key has several.")
    binary = BinaryIn(required=False)
    template = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Instead of text: one of the app's message templates, by id or name, "
        "filled for the recipient.",
    )
    variables = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=1000),
        required=False,
        help_text="With a template: values for its variables, before the subscriber's "
        "attributes and the template's defaults.",
    )

    def validate(self, data):
        given = [name for name in ("text", "binary", "template") if name in data]
        if len(given) != 1:
            raise ValidationError({"text": ["give one of text, binary or template"]})
        if "variables" in data and "template" not in data:
            raise ValidationError({"variables": ["variables go with a template"]})
        return data


class AttemptOut(serializers.ModelSerializer):
    class Meta:
        model = OutboundCall
        fields = ["started_at", "status_code", "outcome", "latency_ms", "error"]


def app_address(app) -> str | None:
    """The app's end of a message: its short code, or its Hoiio sender name."""
    return app.shortcode or app.sender_name or None


class MessageOut(RowOut):
    # The ends as the message travelled: an inbound message is from the
    # subscriber to the app's short code, an outbound one the other way.
    # "from" is a Python keyword, hence get_fields below.
    to = serializers.SerializerMethodField()
    number = serializers.CharField(source="msisdn", help_text="The subscriber's number, E.164.")
    characters = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = row_fields(
            "direction",
            "status",
            "number",
            "to",
            "app",
            "text",
            "encoding",
            "characters",
            "parts",
            "client_correlator",
            "source",
            "campaign",
            "error",
            "attempts",
        )

    def get_fields(self):
        fields = super().get_fields()
        ordered = {}
        for name, field in fields.items():
            if name == "to":
                ordered["from"] = serializers.SerializerMethodField(
                    method_name="get_sender",
                    help_text="Who sent it: the subscriber (in) or the app's short code (out).",
                )
            ordered[name] = field
        return ordered

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sender(self, message) -> str | None:
        if message.direction == Message.Direction.IN:
            return message.msisdn
        return app_address(message.app)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_to(self, message) -> str | None:
        """Who it went to: the app's short code (in) or the subscriber (out)."""
        if message.direction == Message.Direction.IN:
            return app_address(message.app)
        return message.msisdn

    def get_characters(self, message) -> int:
        return measure(message.text).characters


class MessageDetailOut(MessageOut):
    platform_attempts = serializers.SerializerMethodField()

    class Meta(MessageOut.Meta):
        fields = [*MessageOut.Meta.fields, "platform_attempts"]

    def get_platform_attempts(self, message) -> list[dict]:
        calls = OutboundCall.objects.filter(subject_type="telecom.message", subject_id=message.pk)
        return AttemptOut(calls.order_by("started_at"), many=True).data


class MessageFilter(django_filters.FilterSet):
    direction = django_filters.ChoiceFilter(choices=Message.Direction.choices)
    status = django_filters.ChoiceFilter(choices=Message.Status.choices)
    number = NumberFilter()
    since = SinceFilter(field_name="created_at")
    app = django_filters.NumberFilter(field_name="app_id")
    campaign = django_filters.NumberFilter(field_name="campaign_id")

    class Meta:
        model = Message
        fields = ["direction", "status", "number", "since", "app", "campaign"]


class MessageList(OwnedRows, ServiceCreate, generics.ListAPIView):
    """Send an SMS (POST), or list messages in and out (GET), newest first."""

    required_scopes = {"GET": "sms:read", "POST": "sms:send"}
    queryset = Message.objects.select_related("app")
    serializer_class = MessageOut
    filterset_class = MessageFilter
    input_serializer, output_serializer = MessageIn, MessageOut
    service, source = staticmethod(send_sms), Message.Source.API

    def service_arguments(self, app, values: dict) -> dict:
        if "binary" in values:
            values["binary"] = BinaryPayload(**values["binary"])
        if "template" in values:
            values["template"] = find_template(app, values["template"])
        return values


class MessageDetail(OwnedRows, generics.RetrieveAPIView):
    required_scopes = "sms:read"
    queryset = Message.objects.select_related("app")
    serializer_class = MessageDetailOut


# --- campaigns ----------------------------------------------------------------


class SegmentIn(serializers.Serializer):
    status = serializers.CharField(required=False)
    tag = serializers.CharField(required=False)
    numbers = serializers.ListField(
        child=serializers.CharField(), required=False, max_length=campaigns.MAX_NUMBERS
    )


class CampaignIn(ServiceInput):
    name = serializers.CharField(max_length=100)
    text = serializers.CharField(required=False)
    template = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Instead of text: one of the app's message templates, by id or name, "
        "filled for each recipient with their own attributes.",
    )
    segment = SegmentIn(required=False, default=dict)
    send_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="When to start, ISO 8601 with its offset (e.g. 2026-12-07T09:00:00+08:00); "
        "left out, it starts now. A time already past is refused (400).",
    )

    def validate(self, data):
        if ("text" in data) == ("template" in data):
            raise ValidationError({"text": ["give either text or template"]})
        return data


def campaign_arguments(app, values: dict) -> dict:
    """A campaign's input as its service takes it: a named template found."""
    if "template" in values:
        values["template"] = find_template(app, values["template"])
    return values


class CampaignOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Campaign.Status.choices)
    send_at = serializers.DateTimeField(allow_null=True, help_text="When it starts (UTC).")
    waiting = serializers.CharField(
        help_text="Why it waits, in words: its schedule, or quiet hours; empty otherwise."
    )
    recipients = serializers.IntegerField()
    skipped = serializers.IntegerField()
    queued = serializers.IntegerField()
    unknown = serializers.IntegerField(help_text="Outcome unknown (Hoiio), being looked up.")
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    percent = serializers.FloatField()
    per_second = serializers.FloatField()
    total_parts = serializers.IntegerField()


class CampaignList(OwnedRows, ServiceCreate, APIView):
    required_scopes = {"GET": "sms:read", "POST": "sms:send"}
    queryset = Campaign.objects.order_by("-pk")
    input_serializer, output_serializer = CampaignIn, CampaignOut
    service = staticmethod(campaigns.create_campaign)

    def service_arguments(self, app, values: dict) -> dict:
        return campaign_arguments(app, values)

    @extend_schema(responses=CampaignOut(many=True))
    def get(self, request):
        return Response([campaigns.progress(c) for c in self.get_queryset()[:100]])

    def represent(self, created) -> dict:
        return campaigns.progress(created)


class CampaignDetail(OwnedRows, APIView):
    required_scopes = {"GET": "sms:read"}
    queryset = Campaign.objects.all()

    @extend_schema(responses=CampaignOut)
    def get(self, request, pk):
        return Response(campaigns.progress(self.get_owned(pk)))


class CampaignControl(OwnedRows, APIView):
    """Pause, resume or cancel a campaign (`cancel` also calls off a scheduled one)."""

    required_scopes = {"POST": "sms:send"}
    queryset = Campaign.objects.all()
    actions = {
        "pause": campaigns.pause_campaign,
        "resume": campaigns.resume_campaign,
        "cancel": campaigns.cancel_campaign,
    }

    @extend_schema(request=None, responses=CampaignOut, operation_id="v1_campaigns_control")
    @idempotent
    def post(self, request, pk, action):
        campaign = self.get_owned(pk)
        if action not in self.actions:
            raise ValidationError({"action": [f"one of {', '.join(self.actions)}"]})
        self.actions[action](campaign)
        campaign.refresh_from_db()
        return Response(campaigns.progress(campaign))


class CampaignPreview(APIView):
    """What a campaign would send, before creating it: recipients and billed parts."""

    required_scopes = {"POST": "sms:send"}

    @extend_schema(request=CampaignIn, responses=dict)
    @idempotent
    def post(self, request):
        values = validated(CampaignIn, request)
        app = chosen_app(request, values.pop("app", None))
        values = campaign_arguments(app, values)
        return Response(
            campaigns.preview(
                app, values.get("text", ""), values["segment"], template=values.get("template")
            )
        )

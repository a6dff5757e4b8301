"""What the partner API shows of subscribers and the questions asked about them."""

from rest_framework import serializers

from subscribers.models import BalanceQuery, ChargingOptInRequest, LocationQuery, Subscriber
from telecom.models.provider_app import ProviderApp


class LocationOut(serializers.ModelSerializer):
    class Meta:
        model = LocationQuery
        fields = [
            "id",
            "status",
            "requested_accuracy",
            "latitude",
            "longitude",
            "accuracy",
            "located_at",
            "retrieval_status",
            "map_url",
            "last_error",
            "created_at",
            "finished_at",
        ]


class BalanceOut(serializers.ModelSerializer):
    class Meta:
        model = BalanceQuery
        fields = ["id", "kind", "status", "amount", "last_error", "created_at", "finished_at"]


class SubscriberOut(serializers.ModelSerializer):
    number = serializers.CharField(source="msisdn")
    app = serializers.PrimaryKeyRelatedField(read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Subscriber
        fields = [
            "id",
            "number",
            "app",
            "status",
            "opt_in_channel",
            "first_opt_in_at",
            "last_opt_in_at",
            "unsubscribed_at",
            "tags",
            "attributes",
            "updated_at",
        ]


class LocateIn(serializers.Serializer):
    requested_accuracy = serializers.IntegerField(min_value=1, max_value=10_000, default=100)


class BalanceIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BalanceQuery.Kind.choices, default="balance")


class ChargingOptInIn(serializers.Serializer):
    to = serializers.CharField(help_text="The subscriber's number, in any accepted form.")
    amount = serializers.CharField(help_text='The amount to consent to, e.g. "5.00".')
    duration_days = serializers.IntegerField(min_value=0, max_value=366, default=0)


class ConsentChangeIn(serializers.Serializer):
    number = serializers.CharField(
        max_length=40, help_text="The recipient's number, in any accepted form."
    )


class ChargingOptInOut(serializers.ModelSerializer):
    to = serializers.CharField(source="subscriber.msisdn")

    class Meta:
        model = ChargingOptInRequest
        fields = ["id", "to", "amount", "duration_days", "status", "last_error", "created_at"]


class AppOut(serializers.ModelSerializer):
    consent_url = serializers.SerializerMethodField(
        help_text="Hatid's page that sends a visitor to the platform's consent dialog; "
        "add ?amount=1.00 for a charging opt-in."
    )

    class Meta:
        model = ProviderApp
        fields = ["id", "name", "shortcode", "consent_url"]

    def get_consent_url(self, app) -> str | None:
        from django.conf import settings
        from django.urls import reverse

        # Consent is Globe Labs' workflow; a Voicent gateway has no app_id at all.
        if app.provider != app.Provider.GLOBE or not app.app_id:
            return None
        return settings.PUBLIC_BASE_URL + reverse("consent-start", kwargs={"app_id": app.app_id})


class EraseIn(serializers.Serializer):
    apps = serializers.ChoiceField(
        choices=[("this", "this subscriber's app"), ("all", "every app of this API key")],
        default="this",
        help_text="Forget the number in this subscriber's app only, "
        "or in every app the key may use.",
    )


class ErasureOut(serializers.Serializer):
    pseudonym = serializers.CharField(help_text="What the number is now, everywhere it was.")
    apps = serializers.ListField(child=serializers.IntegerField(), source="app_ids")
    subscribers = serializers.ListField(child=serializers.IntegerField(), source="subscriber_ids")
    consent_ended = serializers.IntegerField(help_text="Subscriptions ended by the erasure.")
    queued_stopped = serializers.IntegerField(
        help_text="Queued charges, rewards, webhooks, calls and faxes stopped before they went out."
    )
    rows = serializers.DictField(
        child=serializers.IntegerField(), help_text="Rows rewritten or removed, by kind."
    )

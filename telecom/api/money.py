"""`/api/v1/charges/`, `/api/v1/rewards/` and `/api/v1/wallet/`."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.apps import chosen_app, partner_apps
from telecom.api.filters import SinceFilter
from telecom.api.idempotency import idempotent
from telecom.models import Charge, Reward, WalletSnapshot
from telecom.msisdn import InvalidMsisdn, normalize_msisdn
from telecom.services.charging import charge
from telecom.services.rewards import send_reward


class NumberFilterMixin:
    def filter_number(self, queryset, name, value):
        try:
            return queryset.filter(msisdn=normalize_msisdn(value))
        except InvalidMsisdn as exc:
            raise ValidationError({"number": [str(exc)]}) from None


class ChargeFilter(NumberFilterMixin, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Charge.Status.choices)
    number = django_filters.CharFilter(method="filter_number")
    since = SinceFilter(field_name="created_at")

    class Meta:
        model = Charge
        fields = ["status", "number", "since"]


class RewardFilter(NumberFilterMixin, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Reward.Status.choices)
    number = django_filters.CharFilter(method="filter_number")
    since = SinceFilter(field_name="created_at")

    class Meta:
        model = Reward
        fields = ["status", "number", "since"]


class ChargeIn(serializers.Serializer):
    to = serializers.CharField()
    amount = serializers.CharField(help_text='Two decimals, e.g. "1.00".')
    description = serializers.CharField(max_length=100)
    duration_days = serializers.IntegerField(min_value=0, max_value=366, default=0)
    app = serializers.IntegerField(required=False)


class ChargeOut(serializers.ModelSerializer):
    to = serializers.CharField(source="msisdn")
    error = serializers.CharField(source="last_error")
    outcome_unknown = serializers.SerializerMethodField()

    class Meta:
        model = Charge
        fields = [
            "id",
            "status",
            "reference_code",
            "amount",
            "to",
            "app",
            "description",
            "duration_days",
            "amount_charged",
            "server_reference_code",
            "platform_status",
            "outcome_unknown",
            "error",
            "attempts",
            "created_at",
            "finished_at",
        ]

    def get_outcome_unknown(self, row) -> bool:
        return row.status == Charge.Status.UNKNOWN or row.unknown_since is not None


class RewardIn(serializers.Serializer):
    to = serializers.CharField()
    promo = serializers.CharField(help_text='A promo configured for the app, e.g. "LOAD 50".')
    app = serializers.IntegerField(required=False)


class RewardOut(serializers.ModelSerializer):
    to = serializers.CharField(source="msisdn")
    promo = serializers.CharField(source="promo.code")
    error = serializers.CharField(source="last_error")

    class Meta:
        model = Reward
        fields = [
            "id",
            "status",
            "to",
            "promo",
            "app",
            "transaction_id",
            "platform_status",
            "error",
            "created_at",
            "finished_at",
        ]


class ChargeList(generics.ListAPIView):
    """Charge a subscriber (POST), or list charges (GET)."""

    required_scopes = {"GET": "charge", "POST": "charge"}
    serializer_class = ChargeOut
    filterset_class = ChargeFilter

    def get_queryset(self):
        return Charge.objects.filter(app__in=partner_apps(self.request))

    @extend_schema(request=ChargeIn, responses={201: ChargeOut})
    @idempotent
    def post(self, request):
        data = ChargeIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        row = charge(
            app=chosen_app(request, values.get("app")),
            to=values["to"],
            amount=values["amount"],
            description=values["description"],
            duration_days=values["duration_days"],
            source="api",
            partner=request.user,
        )
        return Response(ChargeOut(row).data, status=status.HTTP_201_CREATED)


class ChargeDetail(generics.RetrieveAPIView):
    required_scopes = "charge"
    serializer_class = ChargeOut

    def get_queryset(self):
        return Charge.objects.filter(app__in=partner_apps(self.request))


class RewardList(generics.ListAPIView):
    """Send a reward (POST), or list rewards (GET)."""

    required_scopes = {"GET": "reward", "POST": "reward"}
    serializer_class = RewardOut
    filterset_class = RewardFilter

    def get_queryset(self):
        return Reward.objects.filter(app__in=partner_apps(self.request)).select_related("promo")

    @extend_schema(request=RewardIn, responses={201: RewardOut})
    @idempotent
    def post(self, request):
        data = RewardIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        row = send_reward(
            app=chosen_app(request, values.get("app")),
            to=values["to"],
            promo=values["promo"],
            source="api",
            partner=request.user,
        )
        return Response(RewardOut(row).data, status=status.HTTP_201_CREATED)


class RewardDetail(generics.RetrieveAPIView):
    required_scopes = "reward"
    serializer_class = RewardOut

    def get_queryset(self):
        return Reward.objects.filter(app__in=partner_apps(self.request)).select_related("promo")


class WalletOut(serializers.Serializer):
    app = serializers.IntegerField()
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    as_of = serializers.DateTimeField(allow_null=True)
    fetched_at = serializers.DateTimeField(allow_null=True)
    below_threshold = serializers.BooleanField()


class WalletView(APIView):
    """The last wallet balance read for each of the partner's apps."""

    required_scopes = "wallet:read"

    @extend_schema(responses=WalletOut(many=True))
    def get(self, request):
        rows = []
        for app in partner_apps(request).order_by("pk"):
            snapshot = WalletSnapshot.objects.filter(app=app).first()
            rows.append(
                {
                    "app": app.pk,
                    "balance": snapshot.balance if snapshot else None,
                    "as_of": snapshot.as_of if snapshot else None,
                    "fetched_at": snapshot.fetched_at if snapshot else None,
                    "below_threshold": bool(snapshot and snapshot.below_threshold),
                }
            )
        return Response(WalletOut(rows, many=True).data)

"""`/api/v1/charges/`, `/api/v1/rewards/` and `/api/v1/wallet/`."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.apps import partner_apps
from telecom.api.bases import OwnedRows, ServiceCreate
from telecom.api.filters import NumberFilter, SinceFilter
from telecom.api.serializers import RowOut, ServiceInput, row_fields
from telecom.models import Charge, Reward, WalletSnapshot
from telecom.services.charging import charge
from telecom.services.rewards import send_reward


class PaymentFilter(django_filters.FilterSet):
    """`?number=` and `?since=` of a list of charges or rewards; a subclass adds
    its model's `status` and its Meta."""

    number = NumberFilter()
    since = SinceFilter(field_name="created_at")


class ChargeFilter(PaymentFilter):
    status = django_filters.ChoiceFilter(choices=Charge.Status.choices)

    class Meta:
        model = Charge
        fields = ["status", "number", "since"]


class RewardFilter(PaymentFilter):
    status = django_filters.ChoiceFilter(choices=Reward.Status.choices)

    class Meta:
        model = Reward
        fields = ["status", "number", "since"]


class ChargeIn(ServiceInput):
    to = serializers.CharField()
    amount = serializers.CharField(help_text='Two decimals, e.g. "1.00".')
    description = serializers.CharField(max_length=100)
    duration_days = serializers.IntegerField(min_value=0, max_value=366, default=0)


class ChargeOut(RowOut):
    to = serializers.CharField(source="msisdn")
    outcome_unknown = serializers.SerializerMethodField()

    class Meta:
        model = Charge
        fields = row_fields(
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
        )

    def get_outcome_unknown(self, row) -> bool:
        return row.status == Charge.Status.UNKNOWN or row.unknown_since is not None


class RewardIn(ServiceInput):
    to = serializers.CharField()
    promo = serializers.CharField(help_text='A promo configured for the app, e.g. "LOAD 50".')


class RewardOut(RowOut):
    to = serializers.CharField(source="msisdn")
    promo = serializers.CharField(source="promo.code")

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


class Charges(OwnedRows):
    """The charges of the partner's apps."""

    queryset = Charge.objects.all()
    serializer_class = ChargeOut


class ChargeList(Charges, ServiceCreate, generics.ListAPIView):
    """Charge a subscriber (POST), or list charges (GET)."""

    required_scopes = {"GET": "charge", "POST": "charge"}
    filterset_class = ChargeFilter
    input_serializer, output_serializer = ChargeIn, ChargeOut
    service, source = staticmethod(charge), "api"


class ChargeDetail(Charges, generics.RetrieveAPIView):
    required_scopes = "charge"


class Rewards(OwnedRows):
    """The rewards of the partner's apps."""

    queryset = Reward.objects.select_related("promo")
    serializer_class = RewardOut


class RewardList(Rewards, ServiceCreate, generics.ListAPIView):
    """Send a reward (POST), or list rewards (GET)."""

    required_scopes = {"GET": "reward", "POST": "reward"}
    filterset_class = RewardFilter
    input_serializer, output_serializer = RewardIn, RewardOut
    service, source = staticmethod(send_reward), "api"


class RewardDetail(Rewards, generics.RetrieveAPIView):
    required_scopes = "reward"


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

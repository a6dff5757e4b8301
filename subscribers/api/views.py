"""`/api/v1/subscribers/`, `/api/v1/apps/` and the questions a partner may ask."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from subscribers.api.serializers import (
    AppOut,
    BalanceIn,
    BalanceOut,
    ChargingOptInIn,
    ChargingOptInOut,
    LocateIn,
    LocationOut,
    SubscriberOut,
)
from subscribers.models import BalanceQuery, LocationQuery, Subscriber
from subscribers.services.queries import locate_subscriber, query_balance, request_charging_optin
from telecom.api.apps import partner_apps
from telecom.api.filters import SinceFilter
from telecom.api.idempotency import idempotent
from telecom.models.provider_app import ProviderApp
from telecom.msisdn import InvalidMsisdn, normalize_msisdn


class SubscriberFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(method="filter_number", help_text="Any accepted form.")
    status = django_filters.ChoiceFilter(choices=Subscriber.Status.choices)
    tag = django_filters.CharFilter(field_name="tags__name")
    changed_since = SinceFilter(field_name="updated_at")
    app = django_filters.NumberFilter(field_name="app_id")

    class Meta:
        model = Subscriber
        fields = ["number", "status", "tag", "changed_since", "app"]

    def filter_number(self, queryset, name, value):
        from rest_framework.exceptions import ValidationError

        try:
            return queryset.filter(msisdn=normalize_msisdn(value))
        except InvalidMsisdn as exc:
            raise ValidationError({"number": [str(exc)]}) from None


class SubscriberList(generics.ListAPIView):
    """The partner's apps' subscribers, newest first."""

    required_scopes = "subscribers:read"
    serializer_class = SubscriberOut
    filterset_class = SubscriberFilter

    def get_queryset(self):
        return Subscriber.objects.filter(app__in=partner_apps(self.request)).prefetch_related(
            "tags"
        )


class SubscriberDetail(generics.RetrieveAPIView):
    required_scopes = "subscribers:read"
    serializer_class = SubscriberOut

    def get_queryset(self):
        return Subscriber.objects.filter(app__in=partner_apps(self.request)).prefetch_related(
            "tags"
        )


class SubscriberAction(APIView):
    required_scopes = {"POST": "subscribers:write"}

    def subscriber(self, request, pk) -> Subscriber:
        return get_object_or_404(
            Subscriber.objects.select_related("app"), pk=pk, app__in=partner_apps(request)
        )


class SubscriberLocate(SubscriberAction):
    @extend_schema(
        request=LocateIn,
        responses={202: LocationOut},
        summary="Queue a subscriber's location query",
    )
    @idempotent
    def post(self, request, pk):
        data = LocateIn(data=request.data)
        data.is_valid(raise_exception=True)
        query = locate_subscriber(subscriber=self.subscriber(request, pk), **data.validated_data)
        return Response(LocationOut(query).data, status=status.HTTP_202_ACCEPTED)


class SubscriberBalance(SubscriberAction):
    @extend_schema(
        request=BalanceIn, responses={202: BalanceOut}, summary="Queue a subscriber's balance query"
    )
    @idempotent
    def post(self, request, pk):
        data = BalanceIn(data=request.data)
        data.is_valid(raise_exception=True)
        query = query_balance(subscriber=self.subscriber(request, pk), **data.validated_data)
        return Response(BalanceOut(query).data, status=status.HTTP_202_ACCEPTED)


class LocationDetail(generics.RetrieveAPIView):
    """Poll a location query until its status is done or failed."""

    required_scopes = "subscribers:read"
    serializer_class = LocationOut

    def get_queryset(self):
        return LocationQuery.objects.filter(subscriber__app__in=partner_apps(self.request))


class BalanceDetail(generics.RetrieveAPIView):
    required_scopes = "subscribers:read"
    serializer_class = BalanceOut

    def get_queryset(self):
        return BalanceQuery.objects.filter(subscriber__app__in=partner_apps(self.request))


class AppList(generics.ListAPIView):
    """The apps this key may use, with the consent page to embed for each."""

    required_scopes = None
    serializer_class = AppOut
    pagination_class = None

    def get_queryset(self):
        return partner_apps(self.request).order_by("pk")


class ChargingOptIn(APIView):
    """Ask the platform to text a subscriber a charging opt-in offer."""

    required_scopes = {"POST": "charge"}

    @extend_schema(request=ChargingOptInIn, responses={202: ChargingOptInOut})
    @idempotent
    def post(self, request, pk):
        app = get_object_or_404(ProviderApp, pk=pk, pk__in=partner_apps(request))
        data = ChargingOptInIn(data=request.data)
        data.is_valid(raise_exception=True)
        offer = request_charging_optin(
            app=app,
            msisdn=data.validated_data["to"],
            amount=data.validated_data["amount"],
            duration_days=data.validated_data["duration_days"],
        )
        return Response(ChargingOptInOut(offer).data, status=status.HTTP_202_ACCEPTED)

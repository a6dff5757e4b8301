"""`/api/v1/subscribers/`, `/api/v1/apps/` and the questions a partner may ask."""

import django_filters
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from subscribers.api.serializers import (
    AppOut,
    BalanceIn,
    BalanceOut,
    ChargingOptInIn,
    ChargingOptInOut,
    ConsentChangeIn,
    EraseIn,
    ErasureOut,
    LocateIn,
    LocationOut,
    SubscriberOut,
)
from subscribers.models import BalanceQuery, LocationQuery, Subscriber
from subscribers.services.access_request import access_request
from subscribers.services.erasure import erase_subscriber
from subscribers.services.opt_out import hoiio_opt_in_again, hoiio_opt_out
from subscribers.services.queries import locate_subscriber, query_balance, request_charging_optin
from telecom.api.apps import partner_apps
from telecom.api.bases import OwnedRows, validated
from telecom.api.filters import NumberFilter, SinceFilter
from telecom.api.idempotency import idempotent
from telecom.audit.record import record


class SubscriberFilter(django_filters.FilterSet):
    number = NumberFilter(help_text="Any accepted form.")
    status = django_filters.ChoiceFilter(choices=Subscriber.Status.choices)
    tag = django_filters.CharFilter(field_name="tags__name")
    changed_since = SinceFilter(field_name="updated_at")
    app = django_filters.NumberFilter(field_name="app_id")

    class Meta:
        model = Subscriber
        fields = ["number", "status", "tag", "changed_since", "app"]


class SubscriberList(OwnedRows, generics.ListAPIView):
    """The partner's apps' subscribers, newest first."""

    required_scopes = "subscribers:read"
    queryset = Subscriber.objects.prefetch_related("tags")
    serializer_class = SubscriberOut
    filterset_class = SubscriberFilter


class SubscriberDetail(OwnedRows, generics.RetrieveAPIView):
    required_scopes = "subscribers:read"
    queryset = Subscriber.objects.prefetch_related("tags")
    serializer_class = SubscriberOut


class SubscriberQuestion(OwnedRows, APIView):
    """A question asked about one of the partner's subscribers: queued (202), and
    polled at its own URL. A subclass gives the question's `service` (taking the
    `subscriber` and the validated fields), `input_serializer` and
    `output_serializer`."""

    required_scopes = {"POST": "subscribers:write"}
    queryset = Subscriber.objects.select_related("app")

    @idempotent
    def post(self, request, pk):
        values = validated(self.input_serializer, request)
        query = self.service(subscriber=self.get_owned(pk), **values)
        return Response(self.output_serializer(query).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    post=extend_schema(
        request=LocateIn,
        responses={202: LocationOut},
        summary="Queue a subscriber's location query",
    )
)
class SubscriberLocate(SubscriberQuestion):
    service = staticmethod(locate_subscriber)
    input_serializer, output_serializer = LocateIn, LocationOut


@extend_schema_view(
    post=extend_schema(
        request=BalanceIn, responses={202: BalanceOut}, summary="Queue a subscriber's balance query"
    )
)
class SubscriberBalance(SubscriberQuestion):
    service = staticmethod(query_balance)
    input_serializer, output_serializer = BalanceIn, BalanceOut


class LocationDetail(OwnedRows, generics.RetrieveAPIView):
    """Poll a location query until its status is done or failed."""

    required_scopes = "subscribers:read"
    queryset, owner = LocationQuery.objects.all(), "subscriber__app"
    serializer_class = LocationOut


class BalanceDetail(OwnedRows, generics.RetrieveAPIView):
    required_scopes = "subscribers:read"
    queryset, owner = BalanceQuery.objects.all(), "subscriber__app"
    serializer_class = BalanceOut


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
        app = get_object_or_404(partner_apps(request), pk=pk)
        values = validated(ChargingOptInIn, request)
        offer = request_charging_optin(
            app=app,
            msisdn=values["to"],
            amount=values["amount"],
            duration_days=values["duration_days"],
        )
        return Response(ChargingOptInOut(offer).data, status=status.HTTP_202_ACCEPTED)


class HoiioConsentChange(APIView):
    """Unsubscribe (or subscribe again) one number of a Hoiio app; answers the
    subscriber as it is now (200), whether or not this changed it. A subclass
    gives the `service` and the `detail` for the consent history."""

    required_scopes = {"POST": "subscribers:write"}

    @idempotent
    def post(self, request, pk):
        app = get_object_or_404(partner_apps(request), pk=pk)
        values = validated(ConsentChangeIn, request)
        change = self.service(
            app=app, number=values["number"], detail=f"by {request.user} through the API"
        )
        return Response(SubscriberOut(change.subscriber).data)


@extend_schema_view(post=extend_schema(request=ConsentChangeIn, responses={200: SubscriberOut}))
class HoiioUnsubscribe(HoiioConsentChange):
    """Unsubscribe a number from a Hoiio app: it is texted no more (sends to it are
    refused, campaigns skip it) until it texts START or is subscribed again."""

    service = staticmethod(hoiio_opt_out)


@extend_schema_view(post=extend_schema(request=ConsentChangeIn, responses={200: SubscriberOut}))
class HoiioResubscribe(HoiioConsentChange):
    """Subscribe a number that unsubscribed from a Hoiio app again."""

    service = staticmethod(hoiio_opt_in_again)


class SubscriberErase(OwnedRows, APIView):
    """Erase this subscriber's number (Data Privacy Act): consent ended, then the
    number replaced by a stable pseudonym and its texts, locations and
    transcripts removed in this app (or every app of the key); charges and
    rewards stay under the pseudonym. Running it again changes nothing more."""

    required_scopes = {"POST": "subscribers:erase"}
    queryset = Subscriber.objects.select_related("app")

    @extend_schema(request=EraseIn, responses={200: ErasureOut}, summary="Erase a number")
    @idempotent
    def post(self, request, pk):
        subscriber = self.get_owned(pk)
        values = validated(EraseIn, request)
        apps = [subscriber.app] if values["apps"] == "this" else list(partner_apps(request))
        erasure = erase_subscriber(
            subscriber=subscriber,
            apps=apps,
            partner=request.user,
            key_prefix=request.auth.prefix,
        )
        return Response(ErasureOut(erasure).data)


class SubscriberAccessRequest(OwnedRows, APIView):
    """Everything Hatid holds about this subscriber's number in the key's apps, as
    a ZIP of JSON and CSV files (one pair per kind of row), streamed."""

    required_scopes = "subscribers:read"
    queryset = Subscriber.objects.select_related("app")

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="A ZIP: README.txt and <model>.json/.csv"
            )
        },
        summary="Answer an access request",
    )
    def get(self, request, pk):
        subscriber = self.get_owned(pk)
        app_ids = list(partner_apps(request).values_list("pk", flat=True))
        answer = access_request(number=subscriber.msisdn, app_ids=app_ids, unowned=False)
        record(
            "api:subscriber.access_request",
            model=Subscriber,
            targets=[{"id": str(subscriber.pk), "label": ""}],
            detail={"status": 200, "method": "GET", "apps": app_ids},
            partner=request.user,
            key_prefix=request.auth.prefix,
        )
        response = StreamingHttpResponse(answer.chunks, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{answer.filename}"'
        return response

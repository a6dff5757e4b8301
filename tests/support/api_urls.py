"""A URLconf for tests of the partner API's foundation: the real `/api/v1/`
plus two small endpoints built on the same base (a POST with an effect, and
a paginated list) until the feature endpoints exist."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404, handler500  # noqa: F401 - the JSON error pages
from telecom.api.idempotency import idempotent
from telecom.errors import ServiceError
from telecom.models import Partner


class PartnerOut(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["name", "id"]  # not jsonb's order: a replay must keep the answer's


class CreateIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)


class CreatePartnerView(APIView):
    required_scopes = {"POST": "sms:send"}

    @idempotent
    def post(self, request):
        data = CreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["name"] == "refused":
            raise ServiceError("this name is refused", field="name")
        partner = Partner.objects.create(name=data.validated_data["name"])
        return Response(PartnerOut(partner).data, status=201)


class PartnerList(ListAPIView):
    required_scopes = "sms:read"
    queryset = Partner.objects.all()
    serializer_class = PartnerOut


urlpatterns = [
    path("api/v1/test/partners/", CreatePartnerView.as_view()),
    path("api/v1/test/partners/list/", PartnerList.as_view()),
    path("", include("config.urls")),
]

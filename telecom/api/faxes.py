"""`/api/v1/hoiio/faxes/`: send a PDF through Hoiio (base64 in JSON), read sent and
received faxes, and download their documents."""

import base64
import binascii

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.bases import OwnedRows, ServiceCreate
from telecom.api.serializers import RowOut, ServiceInput, row_fields
from telecom.models import Fax
from telecom.models.fax import MAX_DOCUMENT_BYTES
from telecom.services.fax import send_fax

SCOPES = {"GET": "fax", "POST": "fax"}


class FaxIn(ServiceInput):
    dest = serializers.CharField(help_text="The fax number, any form.")
    document = serializers.CharField(help_text="The PDF, base64-encoded (at most 10 MB).")
    filename = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_document(self, value) -> bytes:
        if len(value) > MAX_DOCUMENT_BYTES * 4 // 3 + 4:
            raise serializers.ValidationError("the document is larger than 10 MB")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("not base64") from None


class FaxOut(RowOut):
    document_bytes = serializers.SerializerMethodField()

    class Meta:
        model = Fax
        fields = row_fields(
            "direction",
            "status",
            "app",
            "src",
            "dest",
            "filename",
            "pages",
            "document_bytes",
            "txn_ref",
            "currency",
            "debit",
            "error",
        )

    def get_document_bytes(self, fax) -> int:
        return len(fax.document or b"")


class FaxList(OwnedRows, ServiceCreate, generics.ListAPIView):
    """Send a fax (POST), or list faxes sent and received."""

    required_scopes = SCOPES
    queryset = Fax.objects.defer("document")
    serializer_class = FaxOut
    input_serializer, output_serializer = FaxIn, FaxOut
    service = staticmethod(send_fax)


class FaxDetail(OwnedRows, generics.RetrieveAPIView):
    required_scopes = SCOPES
    queryset = Fax.objects.all()
    serializer_class = FaxOut


class FaxDocument(OwnedRows, APIView):
    """The fax's PDF (a received fax's once fetched from Hoiio)."""

    required_scopes = SCOPES
    queryset = Fax.objects.all()

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The PDF")})
    def get(self, request, pk):
        fax = self.get_owned(pk)
        if not fax.document:
            return Response(
                {"error": {"code": "not_found", "message": "not fetched yet", "fields": {}}},
                status=status.HTTP_404_NOT_FOUND,
            )
        response = HttpResponse(bytes(fax.document), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{fax.filename or "fax.pdf"}"'
        return response

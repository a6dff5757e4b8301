"""The two baselines for Hatid's notify callback, taking the same Globe Labs
inbound-SMS payload and storing each message once, keyed like Hatid keys it
(messageId, multipartRefId with multipartSeqNum, else a hash of the content):

- `plain_notify`: a plain Django view, `json.loads` and one
  `INSERT ... ON CONFLICT DO NOTHING`: about the least Django can do per
  request, the framework's limit.
- `DrfNotify`: a DRF view with nested serializers and `get_or_create`, what
  most projects write. It keeps each part as its own row (no assembly).
"""

import hashlib
import json

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.baseline_site.models import BaselineSms


def message_key(entry: dict) -> str:
    if entry.get("multipartRefId"):
        return f"part:{entry['multipartRefId']}:{entry.get('multipartSeqNum')}"[:100]
    if entry.get("messageId"):
        return f"id:{entry['messageId']}"[:100]
    material = "\x1f".join(
        str(entry.get(k) or "") for k in ("senderAddress", "destinationAddress", "dateTime")
    )
    return "sha256:" + hashlib.sha256(f"{material}\x1f{entry['message']}".encode()).hexdigest()


@csrf_exempt
def plain_notify(request):
    try:
        entries = json.loads(request.body)["inboundSMSMessageList"]["inboundSMSMessage"]
        rows = [
            (
                message_key(e),
                e["senderAddress"],
                e.get("destinationAddress") or "",
                e["message"],
                e.get("dateTime") or "",
            )
            for e in entries
        ]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "invalid"}, status=400)
    values = ", ".join(["(%s, %s, %s, %s, %s, now())"] * len(rows))
    columns = "key, sender, destination, text, sent_at, received_at"
    sql = f"INSERT INTO bench_baseline_plain ({columns}) VALUES {values} ON CONFLICT DO NOTHING"  # noqa: S608 (only placeholders)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
    return JsonResponse({"status": "ok"})


class InboundSmsSerializer(serializers.Serializer):
    dateTime = serializers.CharField(required=False, allow_blank=True)
    destinationAddress = serializers.CharField()
    messageId = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    message = serializers.CharField(max_length=2000, trim_whitespace=False)
    resourceURL = serializers.CharField(required=False, allow_null=True)
    senderAddress = serializers.CharField()
    multipartRefId = serializers.CharField(required=False, allow_null=True)
    multipartSeqNum = serializers.IntegerField(required=False, allow_null=True)


class InboundSmsListSerializer(serializers.Serializer):
    inboundSMSMessage = InboundSmsSerializer(many=True)
    numberOfMessagesInThisBatch = serializers.IntegerField()
    resourceURL = serializers.CharField(required=False, allow_null=True)
    totalNumberOfPendingMessages = serializers.IntegerField(required=False, allow_null=True)


class NotifySerializer(serializers.Serializer):
    inboundSMSMessageList = InboundSmsListSerializer()


class DrfNotify(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def post(self, request):
        serializer = NotifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        for entry in serializer.validated_data["inboundSMSMessageList"]["inboundSMSMessage"]:
            BaselineSms.objects.get_or_create(
                key=message_key(entry),
                defaults={
                    "sender": entry["senderAddress"],
                    "destination": entry["destinationAddress"],
                    "text": entry["message"],
                    "sent_at": entry.get("dateTime") or "",
                },
            )
        return Response({"status": "ok"})

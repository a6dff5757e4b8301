"""The Idempotency-Key contract of every POST in the partner API.

- A POST without the header is refused (400): partners must be able to retry
  safely, so they must always send one.
- The first request with a key does the work; its answer is stored in the
  same transaction as the work itself, so "done" and "recorded" cannot part.
- The same key and the same request within 24 hours returns the stored
  answer (with `Idempotent-Replayed: true`) without doing the work again.
- The same key with a different request is a 422; while the first request is
  still running, a 409.
- A request that raised stores nothing, so the partner may retry it; one whose
  process died leaves a lock that expires after API_IDEMPOTENCY_LOCK_SECONDS.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from telecom.api.errors import IdempotencyConflict, IdempotencyMismatch
from telecom.models.partner import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _request_digest(request) -> str:
    raw = request._request.body  # read before DRF parses it
    material = b"\n".join([request.method.encode(), request.path.encode(), raw])
    return hashlib.sha256(material).hexdigest()


def _claim(api_key, key: str, digest: str) -> tuple[IdempotencyRecord, bool]:
    """The record to complete, and whether it already holds the answer."""
    now = timezone.now()
    lock = now + timedelta(seconds=settings.API_IDEMPOTENCY_LOCK_SECONDS)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    api_key=api_key,
                    key=key,
                    request_digest=digest,
                    status=IdempotencyRecord.Status.IN_PROGRESS,
                    locked_until=lock,
                    created_at=now,
                )
                return record, False
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.select_for_update().get(api_key=api_key, key=key)
        expired = record.created_at < now - timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)
        if not expired:
            if record.request_digest != digest:
                raise IdempotencyMismatch()
            if record.status == IdempotencyRecord.Status.COMPLETED:
                return record, True
            if record.locked_until and record.locked_until > now:
                raise IdempotencyConflict()
        # Expired, or abandoned by a process that died: start afresh.
        record.request_digest = digest
        record.status = IdempotencyRecord.Status.IN_PROGRESS
        record.locked_until = lock
        record.created_at = now
        record.response_status, record.response_body = None, ""
        record.save()
        return record, False


def idempotent(view_method):
    """Decorate a DRF view's `post` to honour the Idempotency-Key header."""

    @wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            raise exceptions.ValidationError({HEADER: ["this header is required on every POST"]})
        if len(key) > MAX_KEY_LENGTH:
            raise exceptions.ValidationError({HEADER: [f"at most {MAX_KEY_LENGTH} characters"]})
        record, replay = _claim(request.auth, key, _request_digest(request))
        if replay:
            return Response(
                json.loads(record.response_body),
                status=record.response_status,
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            with transaction.atomic():
                response = view_method(view, request, *args, **kwargs)
                if response.status_code >= 500:
                    raise _DoNotStore(response)
                IdempotencyRecord.objects.filter(pk=record.pk).update(
                    status=IdempotencyRecord.Status.COMPLETED,
                    locked_until=None,
                    response_status=response.status_code,
                    response_body=json.dumps(response.data, cls=JSONEncoder),
                )
        except _DoNotStore as undo:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return undo.response
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        return response

    return wrapper


class _DoNotStore(Exception):
    def __init__(self, response):
        self.response = response

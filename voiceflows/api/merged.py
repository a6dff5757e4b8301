"""A list over several tables, newest first, with a cursor: the calls of every
provider (`/api/v1/calls/`) and the escalations of every provider
(`/api/v1/escalations/`).

Each table gives at most one page plus one of its own rows at or after the
cursor (one query each, on its `created_at` index), the pages are merged
in Python and cut: the number of queries does not grow with the page size
nor with the tables' length. The order is `created_at`, then the table's
rank, then the row's id, all descending, so rows created in the same
microsecond keep one order; the cursor is that triple, opaque to the
client (base64 of JSON). It goes forward only (`next`; `previous` is null).
"""

import base64
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from telecom.api.pagination import NewestFirstCursorPagination

CURSOR = "cursor"
BAD_CURSOR = "not a cursor this API gave (take `next` from the previous page as it is)"


def encode_cursor(created_at: datetime, rank: int, pk: int) -> str:
    raw = json.dumps([created_at.isoformat(), rank, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, int, int]:
    try:
        padded = token + "=" * (-len(token) % 4)
        created, rank, pk = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        moment = datetime.fromisoformat(created)
        if moment.tzinfo is None or not all(type(n) is int and 0 <= n < 2**62 for n in (rank, pk)):
            raise ValueError(token)
        moment = moment.astimezone(UTC)  # an offset PostgreSQL refuses never reaches it
    except (ValueError, TypeError, UnicodeError, OverflowError):
        raise ValidationError({CURSOR: [BAD_CURSOR]}) from None
    return moment, rank, pk


def after(queryset: QuerySet, rank: int, cursor: tuple[datetime, int, int] | None) -> QuerySet:
    """The rows of the table ranked `rank` that come after `cursor` in the order."""
    if cursor is None:
        return queryset
    moment, cursor_rank, pk = cursor
    later = Q(created_at__lt=moment)
    if rank < cursor_rank:
        later |= Q(created_at=moment)
    elif rank == cursor_rank:
        later |= Q(created_at=moment, pk__lt=pk)
    return queryset.filter(later)


def page_size(request) -> int:
    """`?page_size=`: 1 to 500 (50 by default), a 400 otherwise, as every list."""
    return NewestFirstCursorPagination().get_page_size(request)


def merged_page(request, tables: Iterable[tuple[int, QuerySet]]) -> tuple[list, str | None]:
    """One page of rows from `(rank, queryset)` tables and the URL of the next
    page (None on the last). Each row comes back as `(rank, row)`."""
    size = page_size(request)
    token = request.query_params.get(CURSOR)
    cursor = decode_cursor(token) if token is not None else None
    candidates = []
    for rank, queryset in tables:
        rows = after(queryset, rank, cursor).order_by("-created_at", "-pk")[: size + 1]
        candidates.extend((rank, row) for row in rows)
    candidates.sort(key=lambda item: (item[1].created_at, item[0], item[1].pk), reverse=True)
    page = candidates[:size]
    if len(candidates) <= size:
        return page, None
    rank, last = page[-1]
    url = request.build_absolute_uri()
    return page, replace_query_param(url, CURSOR, encode_cursor(last.created_at, rank, last.pk))

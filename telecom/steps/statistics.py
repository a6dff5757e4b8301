"""The figures the console shows for both USSD menus and voice flows: how
sessions ended, and where those that were left stopped."""

from django.db.models import Count, QuerySet


def count_by_status(sessions: QuerySet) -> dict[str, int]:
    """How many sessions are in each status (absent: none)."""
    return dict(sessions.values_list("status").annotate(n=Count("pk")).order_by())


def where_left(sessions: QuerySet, *, statuses: list[str], at: str) -> list[tuple[str, int]]:
    """Where the sessions in one of `statuses` (timed out, hung up...) were,
    by the step or screen named in field `at`, the most left first."""
    return list(
        sessions.filter(status__in=statuses).values_list(at).annotate(n=Count("pk")).order_by("-n")
    )

"""Finding Hatid's own requests again in Hoiio's history, by their `tag`.

Hoiio has no idempotency key, so a request whose answer was lost is never
sent again; instead its `tag` (Hatid's own reference, sent with it) is looked
up in the service's history: found, it was applied (and the entry gives the
txn_ref and the status); not found once `HOIIO_RESOLVE_GRACE_SECONDS` have
passed since it was submitted, it was not, and it fails with that reason
(an operator may send it again).

A notification about a request is a record of the same kind (`apply_report`),
applied the same way as the history's entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from telecom.hoiio.records import Page
from telecom.timefmt import console_time

MAX_PAGES = 50
PAGE_SIZE = 100
# Clocks differ: the history is read from a little before the first submission.
MARGIN = timedelta(minutes=10)


def find_by_tag(fetch: Callable[..., Page], tags: set[str], since: datetime) -> dict[str, list]:
    """Entries of the history whose tag is one of `tags` (newest pages first)."""
    found: dict[str, list] = defaultdict(list)
    if not tags:
        return found
    page = 1
    while True:
        result = fetch(since=since - MARGIN, page=page)
        for entry in result.entries:
            if entry.tag in tags:
                found[entry.tag].append(entry)
        if (
            not result.entries
            or page * PAGE_SIZE >= result.total_entries_count
            or page >= MAX_PAGES
            or tags <= found.keys()
        ):
            return found
        page += 1


def earliest(rows) -> datetime:
    return min((row.submitted_at or row.created_at) for row in rows)


def given_up(row) -> bool:
    """Long enough after its submission for Hoiio's history to list it."""
    since = row.submitted_at or row.created_at
    return timezone.now() - since > timedelta(seconds=settings.HOIIO_RESOLVE_GRACE_SECONDS)


def not_found_reason() -> str:
    return (
        f"Hoiio's history has no request with its tag (looked up "
        f"{console_time(timezone.now())}): it was not sent"
    )


def settle(rows, found: dict[str, list], on_found: Callable) -> int:
    """Each row of unknown outcome: `on_found(row, its entries)` when the history
    lists its tag; failed as not sent once given up; else left for next time."""
    settled = 0
    for row in rows:
        if row.tag in found:
            settled += on_found(row, found[row.tag])
        elif given_up(row):
            settled += (
                type(row)
                .objects.filter(pk=row.pk, status="unknown")
                .update(status="failed", finished_at=timezone.now(), last_error=not_found_reason())
            )
    return settled


def apply_report(rows, report, changes: Callable, noun: str) -> str:
    """Hoiio's notification about one of `rows` (found by its txn_ref, else by its
    tag): the fields `changes(row, report)` gives are saved, and the txn_ref learnt;
    a note for the callback log."""
    row = (rows.filter(txn_ref=report.txn_ref).first() if report.txn_ref else None) or (
        rows.filter(tag=report.tag).first() if report.tag else None
    )
    if row is None:
        return f"no {noun} matches {report.txn_ref or report.tag}"
    fields = changes(row, report)
    if report.txn_ref and not row.txn_ref:
        fields["txn_ref"] = report.txn_ref[:64]
    if fields:
        rows.model.objects.filter(pk=row.pk).update(**fields)
    return f"{noun} {row.pk}: {fields.get('status', row.status)}"

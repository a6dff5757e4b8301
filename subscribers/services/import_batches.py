"""One batch of an import's rows against the database: what the check would do
(`classify`) and doing it (`apply_batch`), in a few statements whatever the
batch's size.

Each valid number becomes, or updates, its app's `Subscriber` in one
`INSERT … ON CONFLICT (app, msisdn) DO UPDATE … WHERE status <> 'unsubscribed'`:
an unsubscribed number is left alone (its row is not returned); attributes are
merged over the ones stored; tags are added, never removed. New rows have no
consent (`pending`) and no token: a Globe app can store them but not message
them (they are listed as unable to receive), while Hoiio and Voicent reach any
number the app holds that has not unsubscribed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from subscribers.models import AccessToken, Subscriber, Tag
from subscribers.models.imports import SAMPLE_SIZE
from subscribers.services.import_csv import Row
from telecom.models.provider_app import ProviderApp

CATEGORIES = ("new", "updated", "unsubscribed", "unreachable", "invalid")


@dataclass
class Tally:
    """Counts by category and by invalid reason, and the first rows of each."""

    counts: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    samples: dict = field(default_factory=dict)

    @classmethod
    def load(cls, stored: dict) -> Tally:
        return cls(
            Counter(stored.get("counts", {})),
            Counter(stored.get("reasons", {})),
            {k: list(v) for k, v in stored.get("samples", {}).items()},
        )

    def dump(self) -> dict:
        counts = {name: self.counts.get(name, 0) for name in CATEGORIES}
        return {"counts": counts, "reasons": dict(self.reasons), "samples": self.samples}

    def add(self, category: str, row: Row) -> None:
        self.counts[category] += 1
        if row.problem:
            self.reasons[row.problem] += 1
        shown = self.samples.setdefault(category, [])
        if len(shown) < SAMPLE_SIZE:
            shown.append(row.sample())


def needs_consent(app: ProviderApp) -> bool:
    return app.provider == ProviderApp.Provider.GLOBE


def classify(app: ProviderApp, rows: list[Row], tally: Tally) -> None:
    """What applying these rows would do, as of now (one query)."""
    valid = [row for row in rows if not row.problem]
    live = AccessToken.objects.filter(subscriber=OuterRef("pk"), revoked_at__isnull=True)
    known = {
        msisdn: (status, has_token)
        for msisdn, status, has_token in Subscriber.objects.filter(
            app=app, msisdn__in=[row.msisdn for row in valid]
        )
        .annotate(has_token=Exists(live))
        .values_list("msisdn", "status", "has_token")
    }
    for row in rows:
        if row.problem:
            tally.add("invalid", row)
            continue
        status, has_token = known.get(row.msisdn, (None, False))
        if status == Subscriber.Status.UNSUBSCRIBED:
            tally.add("unsubscribed", row)
            continue
        tally.add("new" if status is None else "updated", row)
        if needs_consent(app) and not has_token:
            tally.add("unreachable", row)


def apply_batch(app: ProviderApp, rows: list[Row], tally: Tally) -> None:
    """Store these rows' subscribers, tags and attributes; count what happened.
    Run inside the caller's transaction."""
    valid = [row for row in rows if not row.problem]
    returned = _upsert(app, valid) if valid else {}
    _tag(valid, returned)
    with_token = set()
    if needs_consent(app) and returned:
        with_token = set(
            AccessToken.objects.filter(
                subscriber_id__in=[pk for pk, _ in returned.values()], revoked_at__isnull=True
            ).values_list("subscriber_id", flat=True)
        )
    for row in rows:
        if row.problem:
            tally.add("invalid", row)
            continue
        if row.msisdn not in returned:
            tally.add("unsubscribed", row)
            continue
        pk, inserted = returned[row.msisdn]
        tally.add("new" if inserted else "updated", row)
        if needs_consent(app) and pk not in with_token:
            tally.add("unreachable", row)


def _upsert(app: ProviderApp, rows: list[Row]) -> dict[str, tuple[int, bool]]:
    """{msisdn: (subscriber id, inserted)} for the rows stored; an
    unsubscribed number is not among them."""
    table = connection.ops.quote_name(Subscriber._meta.db_table)
    now, pending = timezone.now(), Subscriber.Status.PENDING
    numbers = [row.msisdn for row in rows]
    attributes = [json.dumps(row.attributes) for row in rows]
    if connection.vendor == "postgresql":
        # Two arrays rather than a VALUES list: one small statement to send
        # and parse whatever the batch's size.
        source = (
            "SELECT %s, m, %s, '', a::jsonb, %s, %s FROM unnest(%s::text[], %s::text[]) t(m, a)"
        )
        params: list = [app.pk, pending, now, now, numbers, attributes]
        merged, inserted = f"{table}.attributes || excluded.attributes", "xmax = 0"
    else:
        source = "VALUES " + ", ".join(["(%s, %s, %s, '', %s, %s, %s)"] * len(rows))
        params = [
            value
            for number, attrs in zip(numbers, attributes, strict=True)
            for value in (app.pk, number, pending, attrs, now, now)
        ]
        merged = f"json_patch({table}.attributes, excluded.attributes)"
        inserted = "created_at = %s"
    # Only quoted names and fixed fragments are formatted in; values are parameters.
    sql = (
        f"INSERT INTO {table} (app_id, msisdn, status, opt_in_channel, attributes, "
        f"created_at, updated_at) {source} "
        f"ON CONFLICT (app_id, msisdn) DO UPDATE SET attributes = {merged}, "
        f"updated_at = excluded.updated_at WHERE {table}.status <> %s "
        f"RETURNING id, msisdn, {inserted}"
    )
    params.append(Subscriber.Status.UNSUBSCRIBED)
    if connection.vendor != "postgresql":
        params.append(now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {msisdn: (pk, bool(new)) for pk, msisdn, new in cursor.fetchall()}


def _tag(rows: list[Row], returned: dict[str, tuple[int, bool]]) -> None:
    names = {name for row in rows if row.msisdn in returned for name in row.tags}
    if not names:
        return
    Tag.objects.bulk_create([Tag(name=name) for name in sorted(names)], ignore_conflicts=True)
    tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    links = sorted(
        {
            (returned[row.msisdn][0], tag_ids[name])
            for row in rows
            if row.msisdn in returned
            for name in row.tags
        }
    )
    through = Subscriber.tags.through
    if connection.vendor != "postgresql":
        through.objects.bulk_create(
            [through(subscriber_id=pk, tag_id=tag) for pk, tag in links], ignore_conflicts=True
        )
        return
    table = connection.ops.quote_name(through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (subscriber_id, tag_id) "  # noqa: S608
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
            [[pk for pk, _ in links], [tag for _, tag in links]],
        )

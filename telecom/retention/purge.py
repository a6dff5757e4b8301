"""The purge: what expired goes, in small self-contained batches.

For each registered kind (telecom.retention.registry), in order, and each
app with its own period (rows of no app: the default), the rows older than
the period are found by id, `RETENTION_BATCH_SIZE` at a time, and each batch
is deleted or has its personal fields blanked, in one short transaction of
its own, by its range of ids (`id BETWEEN first AND last` with the kind's
filters, so a row that changed since is left alone). A delete empties the
links to the rows (SET_NULL) by a subquery and deletes by the range without
loading a row; where the models ask for more (a cascade, a protection, a
signal listener), Django's collector does it. Nothing is held between batches: a purge killed
half-way has committed whole batches only, and the next run finds what is
left. On PostgreSQL a batch waits at most a second for a row lock a worker
holds (`lock_timeout`), and gives that app's rows of that kind up until the
next run rather than queue behind it.

`purge(dry_run=True)` counts what would go, per kind and app, and writes
nothing. `purge_once()` is what beat runs: one run at a time across hosts
(a lock in the cache), whatever the number of schedules asking.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection, models, transaction
from django.db.models import signals
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone

from telecom.models.provider_app import ProviderApp
from telecom.retention.registry import Kind, all_kinds

logger = logging.getLogger("telecom.retention")

LOCK_KEY = "retention:purge"
LOCK_SECONDS = 6 * 3600
NO_APP = "(no app)"


@dataclass
class Outcome:
    """What one kind's purge did (or would do) for one app."""

    kind: str
    app: str
    action: str
    cutoff: datetime
    rows: int = 0
    batches: int = 0
    longest_batch: float = 0.0
    gave_up: str = ""


@dataclass(frozen=True)
class Scope:
    app: str
    rows: models.Q
    cutoff: datetime


def _nullable(model: type[models.Model], path: str) -> bool:
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model
    return False


def scopes(kind: Kind, now: datetime, apps: list[ProviderApp]) -> list[Scope]:
    """The slices of a kind's rows with one cutoff each: an app's, or the default's."""
    older = f"{kind.date}__lt"
    if kind.fixed is not None:
        period = kind.fixed()
        if not period:
            return []
        return [Scope(NO_APP, models.Q(**{older: now - period}), now - period)]
    out = []
    for app in apps:
        days = app.retention_days(kind.period)
        if days and kind.app is not None:
            cutoff = now - timedelta(days=days)
            out.append(Scope(app.name, models.Q(**{kind.app: app.pk, older: cutoff}), cutoff))
    default = kind.default_days()
    if default and (kind.app is None or _nullable(kind.model_class, kind.app)):
        cutoff = now - timedelta(days=default)
        rows = models.Q(**{older: cutoff})
        if kind.app is not None:
            rows &= models.Q(**{f"{kind.app}__isnull": True})
        out.append(Scope(NO_APP, rows, cutoff))
    return out


def expired(kind: Kind, scope: Scope) -> models.QuerySet:
    model = kind.model_class
    return model._base_manager.filter(scope.rows).filter(kind.only).filter(kind.pending())


def _links_to_empty(model: type[models.Model]) -> list[models.ForeignObjectRel] | None:
    """The links to `model` that a delete empties (SET_NULL), when that is all a
    delete has to do besides the DELETE itself; None when a delete must go
    through Django's collector (a cascade, a protection, a signal listener)."""
    if signals.pre_delete.has_listeners(model) or signals.post_delete.has_listeners(model):
        return None
    links = []
    # Hidden ones too (related_name="+"): Django's collector walks the same.
    for relation in get_candidate_relations_to_delete(model._meta):
        if relation.on_delete is models.SET_NULL:
            links.append(relation)
        elif relation.on_delete is not models.DO_NOTHING:
            return None
    return links


def _write_batch(kind: Kind, batch: models.QuerySet) -> int:
    """Delete or blank the rows of `batch` (a range of ids, with the kind's filters)
    in one transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
        if kind.before_write is not None:
            kind.before_write(connection)
        if kind.blank is not None:
            return batch.update(**kind.blank)
        links = _links_to_empty(batch.model)
        if links is None:
            return batch.delete()[1].get(batch.model._meta.label, 0)
        # The links emptied and the rows deleted by the range, without loading a row.
        for relation in links:
            name = relation.field.name
            relation.related_model._base_manager.filter(
                **{f"{name}__in": batch.values("pk")}
            ).update(**{name: None})
        return batch._raw_delete(batch.db)


def purge_scope(
    kind: Kind,
    scope: Scope,
    *,
    batch_size: int,
    on_batch: Callable[[Outcome], None] | None = None,
) -> Outcome:
    outcome = Outcome(kind.name, scope.app, kind.action, scope.cutoff)
    rows = expired(kind, scope).order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(rows.filter(pk__gt=last)[:batch_size])
        if not ids:
            return outcome
        # A key range: the write names two ids, not ten thousand, and takes
        # only the rows in it that are still expired (and still to blank).
        batch = expired(kind, scope).filter(pk__gte=ids[0], pk__lte=ids[-1])
        started = time.monotonic()
        try:
            outcome.rows += _write_batch(kind, batch)
        except OperationalError as error:
            # A lock a worker holds, or the database going away: the next run retries.
            outcome.gave_up = str(error).splitlines()[0]
            logger.warning(
                "retention: %s of %s left for the next run: %s", kind.name, scope.app, error
            )
            return outcome
        elapsed = time.monotonic() - started
        outcome.batches += 1
        outcome.longest_batch = max(outcome.longest_batch, elapsed)
        last = ids[-1]
        if on_batch is not None:
            on_batch(outcome)


def purge(
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int | None = None,
    kinds: Iterable[Kind] | None = None,
    on_batch: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Purge (or with dry_run, count) every expired row of every kind, per app."""
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    apps = list(ProviderApp.objects.order_by("pk"))
    outcomes = []
    for kind in kinds if kinds is not None else all_kinds():
        for scope in scopes(kind, now, apps):
            if dry_run:
                outcome = Outcome(kind.name, scope.app, kind.action, scope.cutoff)
                outcome.rows = expired(kind, scope).count()
            else:
                outcome = purge_scope(kind, scope, batch_size=batch_size, on_batch=on_batch)
                if outcome.rows:
                    logger.info(
                        "retention: %s %s rows of %s (%s batches, longest %.2fs)",
                        "deleted" if kind.action == "delete" else "blanked",
                        outcome.rows,
                        kind.name,
                        outcome.batches,
                        outcome.longest_batch,
                    )
            outcomes.append(outcome)
    return outcomes


def purge_once() -> list[Outcome] | None:
    """One purge, unless another is running (another beat schedule, another host):
    then None."""
    if not cache.add(LOCK_KEY, timezone.now().isoformat(), LOCK_SECONDS):
        logger.info("retention: a purge is already running")
        return None
    try:
        return purge()
    finally:
        cache.delete(LOCK_KEY)

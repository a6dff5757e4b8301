"""The outbox: how every outbound provider call is made exactly once.

1. A service creates a row (an `OutboxRow` subclass) in state `queued`, with
   its idempotency key, inside the caller's transaction, and calls
   `enqueue_on_commit`: the row's Celery task is published only if the row
   committed.
2. A worker `claim`s the row: one conditional UPDATE moves it `queued ->
   sending` with a lease. Only one worker can win; the lease is longer than
   the HTTP timeouts, so a live worker never loses its row.
3. The worker calls the provider and records the outcome with `finish` (or
   `retry_later` / `fail`). These are fenced by the attempt number taken at
   claim time: a worker whose lease expired and whose row was re-claimed by
   another cannot overwrite the newer attempt's outcome.
4. `sweep` (Celery beat, every few seconds) re-publishes rows whose task was
   lost: `queued` rows whose publish is overdue (a commit whose publish
   failed, a Redis restart) and `sending` rows whose lease expired (a killed
   worker). Publishing twice is harmless: the claim lets one through.

A subclass declares a `status` field whose choices include "queued" and
"sending"; its app declares the operation that sends it (its sender, its
task and its queue: `telecom.outbound`).
"""

from __future__ import annotations

import logging
import random
import threading
from collections import defaultdict
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import F, Q, prefetch_related_objects
from django.db.models.query import get_related_populators
from django.utils import timezone

from telecom.bulk_sql import PreparedStatement, numbered, update_each
from telecom.outbound import all_operations, operation_for

logger = logging.getLogger("telecom.outbox")

QUEUED, SENDING = "queued", "sending"


class OutboxRow(models.Model):
    # Relations loaded with a claimed row (the delivery reads them every time).
    claim_related: tuple[str, ...] = ()

    attempts = models.PositiveIntegerField(
        default=0, help_text="How many times a worker took this row to send it."
    )
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="While sending: when the worker's claim expires."
    )
    next_attempt_at = models.DateTimeField(
        default=timezone.now, help_text="Not sent before this time (retry backoff)."
    )
    enqueued_at = models.DateTimeField(
        default=timezone.now, help_text="When its delivery task was last published."
    )
    last_error = models.TextField(
        blank=True, help_text="The last failure, in the provider's words."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    in_doubt = models.BooleanField(
        default=False,
        help_text="Taken back from a worker that stopped answering: the provider may have "
        "acted on its attempt.",
    )
    retry_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an operator last re-queued it; retry deadlines count from here.",
    )

    class Meta:
        abstract = True

    @classmethod
    def claim_queryset(cls) -> models.QuerySet:
        """How claimed rows are loaded: with what their delivery reads."""
        return cls.objects.select_related(*cls.claim_related)

    @classmethod
    def claimed(cls, rows: list) -> None:
        """What is done with rows `claim_queryset` loaded, before their delivery."""

    @classmethod
    def outbox_indexes(cls, prefix: str) -> list[models.Index]:
        """Partial indexes that keep the sweeper's queries cheap on big tables."""
        return [
            models.Index(
                fields=["enqueued_at"], name=f"{prefix}_sweep_queued", condition=Q(status=QUEUED)
            ),
            models.Index(
                fields=["lease_until"], name=f"{prefix}_sweep_leased", condition=Q(status=SENDING)
            ),
        ]


# --- publishing ---------------------------------------------------------


def publish(
    model: type[OutboxRow], ids: list[int], *, countdown: float = 0, retry: bool = True
) -> None:
    """Publish the model's delivery task for these ids now (not waiting for a commit).
    `retry=False` where a failed publish is left to the sweeper."""
    if not ids:
        return
    ids = list(ids)
    current_app.send_task(
        operation_for(model).task,
        args=[ids],
        countdown=countdown or None,
        retry=retry,
        # Celery's saferepr of the arguments, for its logs, cost a tenth of a publish.
        argsrepr=repr([ids]),
        kwargsrepr="{}",
    )


def enqueue_on_commit(model: type[OutboxRow], ids: list[int]) -> None:
    """Publish after the current transaction commits; a lost publish is swept
    (so it is not retried in the request, where kombu's retries cost a third
    of a publish and would hold the answer up)."""
    ids = list(ids)

    def _publish():
        try:
            publish(model, ids, retry=False)
        except Exception:
            # The rows are committed and queued: the sweeper will find them.
            logger.warning(
                "publishing %s %s failed; the sweeper will retry", model, ids[:5], exc_info=True
            )

    transaction.on_commit(_publish)


# --- claiming and recording -----------------------------------------------------


def claim_many(
    model: type[OutboxRow], pks: list[int], *, fill: int = 0, async_commit: bool = False
) -> list[OutboxRow]:
    """Take the rows that are due and free, in one transaction (on PostgreSQL
    one statement that also loads them: `_claim_and_load`); the others are
    left to whoever holds them. With `fill`, up to that many other due rows,
    the longest waiting first, are taken too. The rows come back loaded as
    `claim_queryset` loads them, the asked-for ones first.

    A row taken back from an expired lease is marked `in_doubt`: its previous
    worker may have died after the provider acted, so a delivery without an
    idempotency key must not simply send it again.

    `async_commit` (PostgreSQL: `bulk_sql.execute`): the claim's commit does
    not wait for the WAL's flush. Only for rows whose sender sends a row in
    doubt again anyway: a claim lost to PostgreSQL's crash leaves the row
    queued, and the sweeper has it sent again, as it would have a row in doubt.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    pks = list(pks)
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        rows = _claim_and_load(connection, model, pks, fill, now, lease, async_commit)
    else:
        taken = _claim_portable(model, pks, fill, now, lease)
        rows = list(
            model.claim_queryset()
            .filter(pk__in=taken, status=SENDING, lease_until=lease)
            .order_by()  # sorted below; a default ordering could only join more
        )
    position = {pk: n for n, pk in enumerate(pks)}
    rows.sort(key=lambda row: (position.get(row.pk, len(pks)), row.enqueued_at, row.pk))
    model.claimed(rows)
    return rows


def _claim_and_load(connection, model, pks, fill, now, lease, async_commit) -> list[OutboxRow]:
    """`claim_many` on PostgreSQL: one statement claims the rows and selects
    them with what `claim_queryset` joins, its own transaction, prepared once
    per connection (`_Claim`). What the ORM's statements cost was half a
    delivery worker's CPU, and on a USSD reply's path the load alone was a
    third of the time from the callback's commit to the reply's request."""
    claim = _claim_for(model, connection.alias)
    params = [[int(pk) for pk in pks], now, lease, max(0, fill)]
    with connection.cursor() as cursor:
        claim.statement.execute(cursor, [*params, *claim.select_params], async_commit=async_commit)
        found = cursor.fetchall()
    return claim.instances(found, connection.alias)


class _Claim:
    """A model's claim, compiled once: the statement, and how its rows become
    instances with their related objects (as Django's `ModelIterable` makes
    them) and prefetches.

    The statement: an `UPDATE ... RETURNING` in a WITH query named as the
    table, so that the SELECT after it (`claim_queryset`'s, compiled by the
    ORM) reads the claimed rows as they now are, while the WITH queries,
    which cannot see it, read and update the table. Its values: $1 the asked
    pks, $2 now, $3 the lease's end, $4 how many more to fill with. The
    statuses are written in: a plan for any values (PostgreSQL's generic plan,
    made once) can then use the partial indexes of queued and leased rows,
    and is chosen over planning each call anew.
    """

    def __init__(self, model: type[OutboxRow], alias: str):
        queryset = model.claim_queryset().order_by()  # a default ordering could only join more
        self.compiler = queryset.query.get_compiler(using=alias)
        select, self.select_params = self.compiler.as_sql()  # fills the compiler's select
        self.prefetch = queryset._prefetch_related_lookups
        info, columns = self.compiler.klass_info, self.compiler.select
        self.model = info["model"]
        self.start, self.end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.names = [column[0].target.attname for column in columns[self.start : self.end]]
        self.related = get_related_populators(info, columns, alias)
        # Worked out once: per query, for a hundred columns, it cost more than the query.
        fields = [column[0] for column in columns[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(fields)

        quote = self.compiler.connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        names = ("status", "attempts", "lease_until", "next_attempt_at", "enqueued_at", "in_doubt")
        status, attempts, lease_until, next_attempt_at, enqueued_at, in_doubt = [
            quote(model._meta.get_field(name).column) for name in names
        ]
        queued, sending = f"'{QUEUED}'", f"'{SENDING}'"  # constants of this module
        due = f"({status} = {queued} AND {next_attempt_at} <= $2)"
        expired = f"({status} = {sending} AND {lease_until} < $2)"
        # Locked rows belong to another worker's claim in flight: SKIP LOCKED.
        # Filling takes the rows of the tasks queued behind this one (a task per
        # row makes a queue of one-row tasks), by the sweeper's partial index, so
        # it never scans sent rows; those tasks then find their rows taken.
        # `t.status` on the right of SET is the row's status before the update:
        # a row taken back from an expired lease is in doubt.
        sql = (
            f"WITH own AS (SELECT {pk} FROM {table} WHERE {pk} = ANY($1::bigint[]) "  # noqa: S608
            f"AND ({due} OR {expired}) FOR UPDATE SKIP LOCKED), "
            f"more AS (SELECT {pk} FROM {table} WHERE {due} AND {pk} <> ALL($1::bigint[]) "
            f"ORDER BY {enqueued_at} LIMIT $4 FOR UPDATE SKIP LOCKED), "
            f"{table} AS (UPDATE {table} AS t SET {status} = {sending}, {lease_until} = $3, "
            f"{attempts} = t.{attempts} + 1, {in_doubt} = (t.{status} = {sending}) "
            f"FROM (SELECT {pk} FROM own UNION ALL SELECT {pk} FROM more) AS c "
            f"WHERE t.{pk} = c.{pk} RETURNING t.*) {numbered(select, first=5)}"
        )
        self.statement = PreparedStatement(f"hatid_claim_{model._meta.db_table}", sql)

    def instances(self, rows: list[tuple], alias: str) -> list[OutboxRow]:
        found = []
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        for row in rows:
            obj = self.model.from_db(alias, self.names, row[self.start : self.end])
            for populator in self.related:
                populator.populate(row, obj)
            found.append(obj)
        if found and self.prefetch:
            prefetch_related_objects(found, *self.prefetch)
        return found


# Per thread, as Django's connections are: a compiler keeps its thread's connection.
_claims = threading.local()


def _claim_for(model: type[OutboxRow], alias: str) -> _Claim:
    compiled = _claims.__dict__.setdefault("by_model", {})
    if (model, alias) not in compiled:
        compiled[model, alias] = _Claim(model, alias)
    return compiled[model, alias]


def _claim_portable(model, pks, fill, now, lease) -> list[int]:
    """`claim_many`'s claim with the ORM (SQLite in development)."""
    due = Q(status=QUEUED, next_attempt_at__lte=now)
    expired = Q(status=SENDING, lease_until__lt=now)
    with transaction.atomic():
        # Locked rows belong to another worker's claim in flight: skip them.
        # No ordering: a model's default one (a USSD reply's by its session)
        # would join, and so lock, the rows it orders by.
        found = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(pk__in=pks)
            .order_by()
            .filter(due | expired)
            .values_list("pk", "status")
        )
        if fill:
            found += (
                model.objects.select_for_update(skip_locked=True)
                .filter(due)
                .exclude(pk__in=pks)
                .order_by("enqueued_at")
                .values_list("pk", "status")[:fill]
            )
        fresh = [pk for pk, status in found if status == QUEUED]
        doubtful = [pk for pk, status in found if status == SENDING]
        # The conditions are checked again on each row as it is updated, so a
        # concurrent claim that won first leaves nothing here to update.
        for ids, in_doubt, condition in ((fresh, False, due), (doubtful, True, expired)):
            if ids:
                model.objects.filter(condition, pk__in=ids).update(
                    status=SENDING,
                    lease_until=lease,
                    attempts=F("attempts") + 1,
                    in_doubt=in_doubt,
                )
    return [pk for pk, _ in found]


def claim(model: type[OutboxRow], pk: int) -> OutboxRow | None:
    """Take the row for sending, or None if it is not due or someone else holds it."""
    rows = claim_many(model, [pk])
    return rows[0] if rows else None


def _fenced(row: OutboxRow):
    return type(row).objects.filter(pk=row.pk, status=SENDING, attempts=row.attempts)


def lock_held(rows: list[OutboxRow]) -> set[int]:
    """Lock, until the transaction ends, the rows whose claim these attempts
    still hold; their pks. Their outcomes can then be recorded with no
    savepoint each: no other worker can take them back in the meantime."""
    model = type(rows[0])
    # Every row of the chunk locked (in pk order, as every worker does), then
    # only those of these attempts kept: an OR of (pk, attempts) pairs cost
    # more to compile than the statement takes to run.
    locked = (
        model.objects.select_for_update()
        .filter(pk__in=[row.pk for row in rows], status=SENDING)
        .order_by("pk")
        .values_list("pk", "attempts")
    )
    attempts = {row.pk: row.attempts for row in rows}
    return {pk for pk, made in locked if attempts[pk] == made}


def finish_held(finished: list[tuple[OutboxRow, dict]], status: str) -> None:
    """Record the final outcome of rows locked by this transaction (`lock_held`),
    each with its fields: one UPDATE for all rows that set the same fields."""
    now = timezone.now()
    by_fields = defaultdict(list)
    for row, fields in finished:
        values = {"status": status, "lease_until": None, "finished_at": now, **fields}
        for name, value in values.items():
            setattr(row, name, value)
        by_fields[tuple(sorted(values))].append(row)
    for names, rows in by_fields.items():
        update_each(rows, names)


def finish(row: OutboxRow, status: str, **fields) -> bool:
    """Record the final outcome of this attempt. False if the attempt lost its lease
    to another worker in the meantime (its outcome is then that worker's to record)."""
    now = timezone.now()
    updated = _fenced(row).update(status=status, lease_until=None, finished_at=now, **fields)
    if updated:
        for name, value in {"status": status, "finished_at": now, **fields}.items():
            setattr(row, name, value)
    return bool(updated)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: base * 2^(n-1), capped, times 0.5..1.5."""
    base, cap = settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS
    return min(cap, base * 2 ** max(0, attempts - 1)) * random.uniform(0.5, 1.5)  # noqa: S311


def retry_later(row: OutboxRow, error: str, *, delay: float | None = None, **fields) -> bool:
    """Put the row back in the queue for another attempt after a backoff,
    keeping its idempotency key. False if the attempt was fenced off."""
    delay = retry_delay(row.attempts) if delay is None else delay
    now = timezone.now()
    due = now + timedelta(seconds=delay)
    updated = _fenced(row).update(
        status=QUEUED,
        lease_until=None,
        next_attempt_at=due,
        enqueued_at=due,
        last_error=error[:2000],
        **fields,
    )
    if updated:
        model, pk = type(row), row.pk

        def _publish():
            try:
                publish(model, [pk], countdown=delay)
            except Exception:
                logger.warning(
                    "publishing the retry of %s %s failed; the sweeper will",
                    model,
                    pk,
                    exc_info=True,
                )

        # After commit: a worker taking the retry must find the row queued.
        transaction.on_commit(_publish)
    return bool(updated)


def give_back(rows: list[OutboxRow]) -> int:
    """Return claimed rows that were never attempted to the queue, due now, and
    publish them again. Their claim is undone (`attempts` counts attempts made),
    and only where this claim still holds them."""
    model = type(rows[0])
    now = timezone.now()
    ids = [row.pk for row in rows]
    held = Q(status=SENDING, lease_until=rows[0].lease_until, in_doubt=False)
    count = model.objects.filter(held, pk__in=ids).update(
        status=QUEUED,
        lease_until=None,
        next_attempt_at=now,
        enqueued_at=now,
        attempts=F("attempts") - 1,
    )
    enqueue_on_commit(model, ids)
    return count


def put_back(row: OutboxRow, status: str, **fields) -> bool:
    """Return a claimed row that was never attempted to `status` (queued, or a
    model's own waiting state), its claim undone; fenced like `finish`."""
    return bool(
        _fenced(row).update(status=status, lease_until=None, attempts=F("attempts") - 1, **fields)
    )


def past_deadline(row: OutboxRow, deadline_seconds: float) -> bool:
    start = row.retry_from or row.created_at
    return timezone.now() - start > timedelta(seconds=deadline_seconds)


def requeue(model: type[OutboxRow], ids: list[int], from_statuses: list[str]) -> int:
    """An operator's retry: put finished rows back in the queue with their keys."""
    now = timezone.now()
    ids = list(
        model.objects.filter(pk__in=ids, status__in=from_statuses).values_list("pk", flat=True)
    )
    count = model.objects.filter(pk__in=ids, status__in=from_statuses).update(
        status=QUEUED,
        next_attempt_at=now,
        enqueued_at=now,
        retry_from=now,
        lease_until=None,
        finished_at=None,
    )
    enqueue_on_commit(model, ids)
    return count


# --- the sweeper ------------------------------------------------------------------


def outbox_models() -> list[type[OutboxRow]]:
    return list(dict.fromkeys(operation.model for operation in all_operations()))


def task_queue(model: type[OutboxRow]) -> str:
    return operation_for(model).routed_queue()


def waiting_tasks(queue: str) -> int:
    """How many tasks wait in the broker's `queue`."""
    with current_app.connection_for_read() as connection:
        try:
            return connection.default_channel.queue_declare(queue, passive=True).message_count
        except connection.channel_errors:  # Redis drops an empty queue's key
            return 0


def sweep(batch_size: int = 500) -> dict[str, int]:
    """Re-publish rows whose task was lost. Returns how many per model.

    While tasks wait in the broker, a queued row's own task is most likely
    among them (a campaign's backlog outlasts OUTBOX_STALE_SECONDS): the row
    is presumed lost only after ten times as long, rather than published
    again and again onto that backlog."""
    now = timezone.now()
    swept: dict[str, int] = {}
    backlogs: dict[str, int] = {}
    for model in outbox_models():
        queue = task_queue(model)
        if queue not in backlogs:
            backlogs[queue] = waiting_tasks(queue)
        stale_seconds = settings.OUTBOX_STALE_SECONDS * (10 if backlogs[queue] else 1)
        stale = now - timedelta(seconds=stale_seconds)
        lost = Q(status=QUEUED, enqueued_at__lt=stale) | Q(status=SENDING, lease_until__lt=now)
        ids = list(
            model.objects.filter(lost)
            .order_by("pk")
            .values_list("pk", flat=True)[: batch_size * 20]
        )
        if not ids:
            continue
        model.objects.filter(pk__in=ids, status=QUEUED).update(enqueued_at=now)
        for start in range(0, len(ids), batch_size):
            publish(model, ids[start : start + batch_size])
        swept[model._meta.label] = len(ids)
        logger.warning("sweeper re-published %d %s row(s)", len(ids), model._meta.label)
    return swept

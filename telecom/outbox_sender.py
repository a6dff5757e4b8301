"""`OutboxSender`: sends an outbox row to its provider and records the
outcome, the bookkeeping around each attempt.

A subclass says how to send its kind of row and what the answer means; the
base class claims the row, calls `send`, and turns each outcome into the
row's next state, the same way for every kind:

- success: `record(row, result)` and the final status commit together (a
  chunk's successes in one statement);
- `ServiceError` (a precondition, e.g. no consent), `PermanentError`,
  `ProviderConfigurationError`: failed, with the reason;
- `TokenRevoked`: `on_token_revoked`, then failed;
- `TransientError` (`RateLimited`, `NotYetApplied`): retried after a backoff,
  or the error's `retry_after`, with the same idempotency key, until
  `deadline_seconds` after the row was created;
- `OutcomeUnknown`: retried when `retry_unknown` (the call is idempotent or
  read-only), else handed to `on_outcome_unknown`;
- `HeldBack` (nothing left: a campaign waiting for quiet hours to end):
  `on_held_back`, which the sender that raises it implements;
- anything else (a bug, a lost database connection): logged and retried to
  the deadline.

Subclasses set `model` and implement `send(row)`; they may declare
`done_status`, `deadline_setting` (or `default_deadline_seconds`), the
operator's options (`settled_status`, `settled_fields`, `retry_statuses`)
and override `record` and the hooks.

A chunk's rows share one lease. A row is attempted only while its attempt
can still end inside that lease (the lease less the HTTP timeouts); when a
slow provider runs the chunk past that point, the rows not yet attempted
are given back to the queue rather than lost to a lease that expires under
a live worker. So the lease can stay short, and a killed worker's rows are
swept soon after it died.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import transaction

from telecom import outbox
from telecom.errors import (
    HeldBack,
    OutcomeUnknown,
    PermanentError,
    ProviderConfigurationError,
    ServiceError,
    TokenRevoked,
    TransientError,
)
from telecom.http import collect_calls, save_calls

logger = logging.getLogger("telecom.outbox_sender")


class OutboxSender:
    model: type[outbox.OutboxRow]
    done_status = "done"
    failed_status = "failed"
    # How long after its creation (or an operator's retry) a row is retried:
    # the setting named by `deadline_setting`, read at each attempt, else
    # `default_deadline_seconds`.
    deadline_setting = ""
    default_deadline_seconds: float = 600
    retry_unknown = True
    # An operator's decisions (`telecom.services.operator_decisions`): the status
    # "it went through" sets on an unknown outcome (`done_status` if None), the
    # fields settling also clears, and the states "send again" takes rows from.
    settled_status: str | None = None
    settled_fields: dict = {}
    retry_statuses: tuple[str, ...] = ("failed",)

    @property
    def deadline_seconds(self) -> float:
        if self.deadline_setting:
            return getattr(settings, self.deadline_setting)
        return self.default_deadline_seconds

    def send(self, row):
        raise NotImplementedError

    def record(self, row, result) -> dict:
        """Fields to save with the final status (side effects go here too,
        inside the same transaction)."""
        return {}

    def prepare(self, rows: list) -> list | None:
        """Called with a chunk's claimed rows before any is attempted (to do
        for all at once what each attempt would otherwise ask for). Returns
        the rows not to attempt now (never one in doubt): they go back to the
        queue, due at once."""
        return None

    def on_token_revoked(self, row, exc: TokenRevoked) -> None:
        """The platform rejected the token used (the row's `token_used`, if set)."""

    def on_outcome_unknown(self, row, exc: OutcomeUnknown) -> None:
        self.fail(row, f"outcome unknown: {exc.reason}")

    def on_held_back(self, row, exc: HeldBack) -> None:
        """`send` refused to send the row now, before anything left."""
        raise NotImplementedError(f"{type(self).__name__} raised HeldBack without handling it")

    def on_failed(self, row) -> None:
        """Called after the row failed for good."""

    def on_settled_failed(self, row) -> None:
        """Called after an operator settled the row's unknown outcome as failed."""

    def failure_fields(self, exc: Exception) -> dict:
        """Fields to save with a failure caused by `exc` (e.g. the provider's code)."""
        return {}

    # --- the bookkeeping -------------------------------------------------

    def fail(self, row, reason: str, **fields) -> None:
        if outbox.finish(row, self.failed_status, last_error=reason[:2000], **fields):
            self.on_failed(row)

    def retry_or_fail(self, row, reason: str, delay: float | None = None) -> None:
        if outbox.past_deadline(row, self.deadline_seconds):
            self.fail(row, f"gave up after {row.attempts} attempt(s): {reason}")
        else:
            outbox.retry_later(row, reason, delay=delay)

    def run(self, pk: int):
        rows = self.run_many([pk])
        return rows[0] if rows else None

    def run_many(self, pks: list[int], chunk: int = 10, *, fill: bool = False) -> list:
        """Deliver the rows in chunks: one commit claims a chunk, one records it.
        With `fill`, a short chunk is filled with other due rows of the model."""
        done = []
        for start in range(0, len(pks), chunk):
            some = pks[start : start + chunk]
            rows = outbox.claim_many(
                self.model,
                some,
                fill=chunk - len(some) if fill else 0,
                # A claim lost to a crash of PostgreSQL's costs a row sent again,
                # which is what a sender that retries unknown outcomes does anyway.
                async_commit=self.retry_unknown,
            )
            outcomes, left = self.attempt_within_lease(rows)
            if outcomes:
                self.record_outcomes(outcomes)
            if left:
                outbox.give_back(left)
            done.extend(row for row, *_ in outcomes)
        return done

    def attempt_within_lease(self, rows: list) -> tuple[list, list]:
        """Attempt the claimed rows while an attempt can still end inside the
        lease; (the outcomes, the rows left unattempted)."""
        last_start = time.monotonic() + self.attempt_budget()
        later = {row.pk for row in self.prepare(rows) or ()}
        outcomes, left = [], []
        for row in rows:
            # A row in doubt is never given back: back in the queue it would
            # lose its doubt, and its attempt makes no request when that matters.
            if row.pk in later or (outcomes and time.monotonic() > last_start and not row.in_doubt):
                left.append(row)
            else:
                outcomes.append(self.attempt(row))
        return outcomes, left

    def attempt_budget(self) -> float:
        """Seconds after a claim during which an attempt may still start: one
        that starts later might not end inside the lease."""
        timeouts = settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT
        return settings.OUTBOX_LEASE_SECONDS - timeouts

    def attempt(self, row):
        """Send one row; (row, result, error, the requests made)."""
        result = error = None
        with collect_calls() as calls:
            if row.in_doubt and not self.retry_unknown:
                # Its last worker stopped mid-attempt: the provider may have acted.
                error = OutcomeUnknown("the previous attempt's worker stopped before recording")
            else:
                try:
                    result = self.send(row)
                except Exception as exc:
                    error = exc
        return row, result, error, calls

    def record_outcomes(self, outcomes: list) -> None:
        """Save the requests' log and the attempts' outcomes in one transaction.
        The rows are locked first, so that no other worker can take one back
        while its outcome is recorded, and the successes are saved together."""
        with transaction.atomic():
            save_calls([call for *_, calls in outcomes for call in calls])
            held = outbox.lock_held([row for row, *_ in outcomes])
            succeeded = []
            for row, result, error, _ in outcomes:
                if row.pk not in held:
                    logger.warning("%s lost its lease before recording; left to its new owner", row)
                elif error is None:
                    succeeded.append((row, {"last_error": "", **self.record(row, result)}))
                else:
                    self.settle_failure(row, error)
            outbox.finish_held(succeeded, self.done_status)

    def settle_failure(self, row, error: Exception) -> None:
        if isinstance(error, HeldBack):
            self.on_held_back(row, error)
        elif isinstance(error, ServiceError):
            self.fail(row, error.message)
        elif isinstance(error, TokenRevoked):
            self.on_token_revoked(row, error)
            self.fail(row, f"access token rejected: {error.reason}", **self.failure_fields(error))
        elif isinstance(error, TransientError):
            self.retry_or_fail(row, str(error), delay=error.retry_after)
        elif isinstance(error, OutcomeUnknown):
            if self.retry_unknown:
                self.retry_or_fail(row, str(error))
            else:
                self.on_outcome_unknown(row, error)
        elif isinstance(error, (PermanentError, ProviderConfigurationError)):
            self.fail(row, str(error), **self.failure_fields(error))
        else:
            # A bug or a lost database connection: keep the row, retry to the deadline.
            logger.error("delivering %s failed unexpectedly", row, exc_info=error)
            self.retry_or_fail(row, f"internal error: {type(error).__name__}: {error}")

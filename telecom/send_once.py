"""Sending once to a provider that has no idempotency key (Hoiio, the Voicent
gateway, Globe's rewards and Tropo's session API): the row kind
(`SentOnceRow`) and its sender (`SendOnceSender`), the one send-once path.

A request to such a provider cannot be repeated safely: a second SMS, call or
fax would really happen. So, unlike the Globe outbox rows, these follow the
rewards rule everywhere:

- `submitted_at` is committed *before* the request leaves. A later attempt
  that finds it set (its worker was killed mid-request, its lease expired and
  the sweeper published it again) does not send: the outcome is unknown.
- A transient error that certainly happened before sending (connection
  refused, a connect timeout, Hoiio's rate limit) clears it and retries.
- Everything else after sending whose meaning is unclear (a read timeout, a
  reset, a 5xx, an unreadable answer, even a bug in Hatid's own parsing) is an
  unknown outcome: the row goes `unknown` and waits to be resolved from the
  provider's own records (Hoiio's status and history, found by the row's
  `tag`; the Voicent gateway's callStatus; the rewards callback; the call's
  session) or by an operator (`telecom.services.operator_decisions`).

This is exactly what the published Hoiio SDK gets wrong: it raises while
reading the answer, after the request went out, inviting a retry.
"""

from __future__ import annotations

import logging
import secrets

from django.db import models
from django.utils import timezone

from telecom import outbox
from telecom.errors import (
    OutcomeUnknown,
    PermanentError,
    ProviderConfigurationError,
    ServiceError,
    TransientError,
)
from telecom.outbox_sender import OutboxSender
from telecom.timefmt import console_time

logger = logging.getLogger("telecom.send_once")

UNKNOWN = "unknown"


def new_tag(prefix: str) -> str:
    """A request's own reference, sent as Hoiio's `tag`: how it is found again."""
    return prefix + secrets.token_hex(10)


class SentOnceRow(outbox.OutboxRow):
    submitted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its request last left for the provider (set before sending).",
    )

    class Meta:
        abstract = True


class SendOnceSender(OutboxSender):
    """A subclass implements `submit(row)` (the one request) instead of `send`;
    a precondition that may refuse the row before anything leaves goes in an
    override of `send` that calls `super().send(row)` last. It declares the
    status an unknown outcome leaves (`unknown_status`) and the note saved
    with it (`unknown_note`)."""

    retry_unknown = False
    unknown_status = UNKNOWN
    unknown_note = "outcome unknown, not resent"

    def submit(self, row):
        raise NotImplementedError

    def send(self, row):
        if row.submitted_at is not None:
            raise OutcomeUnknown(
                f"an earlier attempt (from {console_time(row.submitted_at)}) was interrupted "
                "after its request may have left; not sent again"
            )
        now = timezone.now()
        type(row).objects.filter(pk=row.pk).update(submitted_at=now)
        row.submitted_at = now
        try:
            return self.submit(row)
        except (
            TransientError,
            OutcomeUnknown,
            PermanentError,
            ProviderConfigurationError,
            ServiceError,
        ):
            raise
        except Exception as exc:
            logger.exception("%s failed after its request may have left", row)
            raise OutcomeUnknown(
                f"failed after the request may have left: {type(exc).__name__}: {exc}"
            ) from exc

    def retry_or_fail(self, row, reason: str, delay: float | None = None) -> None:
        # Only reached for errors that certainly happened before sending.
        if outbox.past_deadline(row, self.deadline_seconds):
            self.fail(row, f"gave up after {row.attempts} attempt(s): {reason}")
        else:
            outbox.retry_later(row, reason, delay=delay, submitted_at=None)

    def on_outcome_unknown(self, row, exc: OutcomeUnknown) -> None:
        outbox.finish(row, self.unknown_status, last_error=f"{self.unknown_note}: {exc.reason}")

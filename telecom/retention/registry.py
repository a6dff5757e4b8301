"""The kinds of data retention knows: what a kind is and where they are kept.

A `Kind` names a model, the date its age is counted from, the period that
applies (one of `ProviderApp`'s retention periods, set per app; the audit
trail's and the Idempotency-Keys' periods are settings alone), how to find a
row's app, and what happens to an expired row: deleted, or, for rows money
depends on (charges, rewards, Hoiio calls and faxes), its personal fields
blanked while its codes, amounts and dates stay.

Kinds are purged in the order they were registered: a row's children (an
exchange) before the row (its session), so deleting a parent cascades to little.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from telecom.models.provider_app import RETENTION_PERIODS


@dataclass(frozen=True)
class Kind:
    """One kind of data. `name` is unique (`<app_label>.<what>`); `model` an
    "app_label.Model" label; `date` the field the age is counted from;
    `period` one of RETENTION_PERIODS (per app), or None with `fixed` giving
    the period from settings; `app` the path from the row to its ProviderApp's
    id (None: the row belongs to no app, the default period applies); `blank`
    the fields and the values they are set to (None: the row is deleted);
    `only` narrows which rows may go (e.g. finished ones)."""

    name: str
    model: str
    date: str
    label: str
    period: str | None = None
    fixed: Callable[[], timedelta | None] | None = None
    app: str | None = "app"
    blank: dict[str, Any] | None = None
    only: models.Q = field(default_factory=models.Q)
    # Runs in each batch's transaction before the write (the audit trail's SET LOCAL).
    before_write: Callable[[Any], None] | None = None

    def __post_init__(self):
        if (self.period is None) == (self.fixed is None):
            raise ValueError(f"{self.name}: give a period or a fixed one, not both")
        if self.period is not None and self.period not in RETENTION_PERIODS:
            raise ValueError(f"{self.name}: unknown period {self.period!r}")

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def action(self) -> str:
        return "delete" if self.blank is None else "blank"

    def pending(self) -> models.Q:
        """Rows that still hold something to blank (all rows, for a delete)."""
        if self.blank is None:
            return models.Q()
        q = models.Q()
        for name, value in self.blank.items():
            q |= ~models.Q(**{name: value})
        return q

    def default_days(self) -> int:
        return settings.RETENTION_DEFAULT_DAYS[self.period]


_kinds: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Declare kinds; registering one again (a module imported twice) replaces it."""
    for kind in kinds:
        _kinds[kind.name] = kind


def all_kinds() -> list[Kind]:
    return list(_kinds.values())


def get(name: str) -> Kind:
    return _kinds[name]

"""What the sandbox's rows share: `SandboxRow`, `Shown`, and `attributes` to show them as JSON.

Most of the twins' rows are a log: created once, listed oldest first by the
control API. `SandboxRow` gives them that (`created_at`, ordering by id); a
subclass with its own `Meta` extends `SandboxRow.Meta` to keep the ordering.

The control API (`/_sandbox/...`) and the twins' own listings show rows as
JSON objects whose keys are mostly the model's field names. `attributes`
copies those; each view adds the few values that need converting (money,
times, related ids) beside them.
"""

from typing import ClassVar

from django.db import models


class Shown(models.Model):
    """A row that shows itself (the admin, the shell, logs) by `shown_as`: a
    `str.format` template over its attributes, `"grant #{pk} ({source})"`.
    A subclass sets `shown_as`."""

    shown_as: ClassVar[str] = "#{pk}"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.shown_as.format_map(_Attributes(self))


class _Attributes:
    """A row's attributes by name, as `str.format_map` reads them."""

    def __init__(self, row: models.Model):
        self.row = row

    def __getitem__(self, name: str):
        return getattr(self.row, name)


class SandboxRow(Shown):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Shown.Meta):
        abstract = True
        ordering = ["id"]


def attributes(row, *names: str) -> dict:
    """`{name: row.<name>}` for each of `names`, in that order."""
    return {name: getattr(row, name) for name in names}

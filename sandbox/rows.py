"""What the sandbox's rows share: `SandboxRow`, and `attributes` to show them as JSON.

Most of the twins' rows are a log: created once, listed oldest first by the
control API. `SandboxRow` gives them that (`created_at`, ordering by id); a
subclass with its own `Meta` extends `SandboxRow.Meta` to keep the ordering.

The control API (`/_sandbox/...`) and the twins' own listings show rows as
JSON objects whose keys are mostly the model's field names. `attributes`
copies those; each view adds the few values that need converting (money,
times, related ids) beside them.
"""

from django.db import models


class SandboxRow(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]


def attributes(row, *names: str) -> dict:
    """`{name: row.<name>}` for each of `names`, in that order."""
    return {name: getattr(row, name) for name in names}

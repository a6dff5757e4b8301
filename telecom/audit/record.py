"""`record(...)`: the one way an `AuditEvent` is written.

Who acted comes from the request being served (`telecom.audit.middleware` keeps
it in a context variable), unless the caller names a user or a partner. The
middleware calls it once the view has answered, outside the view's
transaction, so an action that failed and rolled back is recorded all the same,
with its outcome.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models

from telecom.models.audit import MAX_OBJECTS, AuditEvent


@dataclass
class RequestAudit:
    """What the middleware knows of the request being served, and what the
    admin's hooks learned while it ran (rows logged, field names changed)."""

    address: str | None = None
    user: object = None
    partner: object = None
    key_prefix: str = ""
    targets: list[dict] = field(default_factory=list)
    object_type: str = ""
    fields: list[str] = field(default_factory=list)
    recorded: bool = False


current: ContextVar[RequestAudit | None] = ContextVar("hatid_audit", default=None)


def object_type_of(model) -> str:
    return model._meta.label_lower


def describe(rows, limit: int = MAX_OBJECTS) -> list[dict]:
    """[{id, label}] of the first `limit` rows (model instances)."""
    return [{"id": str(row.pk), "label": str(row)[:200]} for row in list(rows)[:limit]]


def record(
    action: str,
    *,
    outcome: str = AuditEvent.Outcome.SUCCEEDED,
    rows=None,
    model=None,
    targets: list[dict] | None = None,
    object_count: int | None = None,
    detail: dict | None = None,
    user=None,
    partner=None,
    key_prefix: str | None = None,
    address: str | None = None,
) -> AuditEvent:
    """One event. `rows` (instances or a queryset) or `targets` ([{id, label}])
    name the objects, `model` their kind when `rows` cannot tell it. `detail`
    must hold no field value: names, counts, statuses."""
    context = current.get() or RequestAudit()
    user = user if user is not None else context.user
    partner = partner if partner is not None else context.partner
    if rows is not None:
        if isinstance(rows, models.QuerySet):
            model = model or rows.model
            targets = describe(rows)
        else:
            rows = list(rows)
            model = model or (type(rows[0]) if rows else None)
            targets = describe(rows)
            object_count = len(rows) if object_count is None else object_count
    targets = (targets or [])[:MAX_OBJECTS]
    if partner is not None:
        kind, actor = AuditEvent.ActorKind.PARTNER, str(partner)
        user = None
    elif user is not None and getattr(user, "is_authenticated", False):
        kind, actor = AuditEvent.ActorKind.USER, user.get_username()
    else:
        kind, actor, user = AuditEvent.ActorKind.SYSTEM, "system", None
    return AuditEvent.objects.create(
        actor_kind=kind,
        user=user,
        partner=partner,
        key_prefix=(key_prefix if key_prefix is not None else context.key_prefix)
        if partner
        else "",
        actor=actor[:200],
        action=action[:120],
        object_type=object_type_of(model) if model is not None else "",
        targets=targets,
        object_count=len(targets) if object_count is None else object_count,
        address=address if address is not None else context.address,
        outcome=outcome,
        detail=detail or {},
    )

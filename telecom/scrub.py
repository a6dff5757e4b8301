"""Scrubbing rows kept before their fields were redacted on write.

Data migrations call `scrub(model, fields)` (with the historical model) so
that what was stored before `telecom.fields.Redacted*Field` existed is as
redacted as what is stored now: each value goes through `telecom.redaction`
and the rows that change are rewritten, a batch at a time.
"""

from telecom.redaction import redact_data, redact_text


def _redacted(field, value):
    if isinstance(value, (dict, list)):
        return redact_data(value)
    if isinstance(value, str) and value:
        value = redact_text(value)
        return value[: field.max_length] if field.max_length else value
    return value


def scrub(model, fields: list[str], *, batch: int = 1000) -> int:
    """Redact `fields` of every row of `model`; return how many rows changed."""
    manager = model._default_manager
    concrete = {name: model._meta.get_field(name) for name in fields}
    changed, last = 0, None
    while True:
        rows = manager.order_by("pk").only("pk", *fields)
        if last is not None:
            rows = rows.filter(pk__gt=last)
        rows = list(rows[:batch])
        if not rows:
            return changed
        for row in rows:
            updates = {}
            for name, field in concrete.items():
                value = getattr(row, name)
                clean = _redacted(field, value)
                if clean != value:
                    updates[name] = clean
            if updates:
                manager.filter(pk=row.pk).update(**updates)
                changed += 1
        last = rows[-1].pk

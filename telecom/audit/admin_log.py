"""Django's admin logs what its forms add, change and delete (`LogEntry`);
`install()` (from `TelecomConfig.ready`) hooks those logging methods of every
ModelAdmin so the request's audit event learns the rows and the changed field
names (the form's labels, from Django's change message: never a value).

Inside a request the middleware writes the one event; a log made outside one
(a script calling the admin) is recorded here directly.
"""

import json

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION

from telecom.audit.record import current, describe, object_type_of, record

VERBS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


def field_names(message) -> list[str]:
    """The field labels a change message names ([{"changed": {"fields": [...]}}])."""
    if isinstance(message, str):
        try:
            message = json.loads(message) if message.startswith("[") else []
        except ValueError:
            return []
    names = []
    for part in message or []:
        for what in part.values():
            if isinstance(what, dict):
                names.extend(str(f) for f in what.get("fields", []))
                if "name" in what:
                    names.append(str(what["name"]))
    return names


def note(request, rows, flag: int, message="") -> None:
    rows = list(rows)
    if not rows:
        return
    audit = current.get()
    if audit is None:
        record(
            f"{rows[0]._meta.model_name}.{VERBS[flag]}",
            rows=rows,
            detail={"fields": field_names(message)} if message else {},
            user=getattr(request, "user", None),
        )
        return
    audit.object_type = audit.object_type or object_type_of(type(rows[0]))
    audit.targets.extend(describe(rows))
    audit.fields.extend(field_names(message))


def install() -> None:
    model_admin = admin.ModelAdmin
    if getattr(model_admin, "_hatid_audited", False):
        return
    log_addition, log_change = model_admin.log_addition, model_admin.log_change
    log_deletions = model_admin.log_deletions

    def audited_addition(self, request, obj, message):
        note(request, [obj], ADDITION, message)
        return log_addition(self, request, obj, message)

    def audited_change(self, request, obj, message):
        note(request, [obj], CHANGE, message)
        return log_change(self, request, obj, message)

    def audited_deletions(self, request, queryset):
        note(request, queryset, DELETION)
        return log_deletions(self, request, queryset)

    model_admin.log_addition = audited_addition
    model_admin.log_change = audited_change
    model_admin.log_deletions = audited_deletions
    model_admin._hatid_audited = True

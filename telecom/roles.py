"""Operator roles: the `Operators` and `Viewers` groups and what each may do.

The groups are created by a data migration; their permissions are kept in step
with the code after every `migrate` (permissions of models added later exist
only once their own migration ran). Viewers may look at everything in Hatid's
apps. Operators may also do what each app lists in its AppConfig's
`operator_permissions` (send, charge, reward, re-run callbacks, see phone
numbers in full...).
"""

from django.apps import apps as global_apps

OPERATORS = "Operators"
VIEWERS = "Viewers"
HATID_APPS = ("telecom", "subscribers", "voiceflows")


def operator_permission_names() -> set[str]:
    names: set[str] = set()
    for label in HATID_APPS:
        config = global_apps.get_app_config(label)
        names.update(getattr(config, "operator_permissions", ()))
    return names


def sync_role_permissions(using: str = "default", **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission
    from django.db import router

    # `migrate --database sandbox` fires post_migrate too; roles live elsewhere.
    if not router.allow_migrate_model(using, Group):
        return

    hatid = list(
        Permission.objects.filter(content_type__app_label__in=HATID_APPS).select_related(
            "content_type"
        )
    )
    # Each model's own view permission, not a custom one named alike
    # (`view_full_number` is Operators').
    view = [perm for perm in hatid if perm.codename == f"view_{perm.content_type.model}"]
    wanted = operator_permission_names()
    operator_extra = [
        perm for perm in hatid if f"{perm.content_type.app_label}.{perm.codename}" in wanted
    ]
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    operators, _ = Group.objects.get_or_create(name=OPERATORS)
    viewers.permissions.set(view)
    operators.permissions.set([*view, *operator_extra])

"""The URL shape of a partner API resource, written once.

`resource("charges", "charge", ChargeList, ChargeDetail)` is `charges/`
(`charge-list`) and `charges/<pk>/` (`charge-detail`); each keyword adds an
action on one row: `cancel=EscalationCancel` is `escalations/<pk>/cancel/`
(`escalation-cancel`). Routes that are no such shape are written as paths.
"""

from django.urls import URLPattern, path


def resource(
    prefix: str, name: str, list_view=None, detail_view=None, **actions
) -> list[URLPattern]:
    routes = []
    if list_view is not None:
        routes.append(path(f"{prefix}/", list_view.as_view(), name=f"{name}-list"))
    if detail_view is not None:
        routes.append(path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}-detail"))
    for action, view in actions.items():
        routes.append(path(f"{prefix}/<int:pk>/{action}/", view.as_view(), name=f"{name}-{action}"))
    return routes

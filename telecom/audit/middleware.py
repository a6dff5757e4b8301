"""Records each state-changing request once, after it was answered.

- The console: every POST a signed-in staff user makes under the admin
  (an action on a list, a change form, a compose, a campaign control...),
  named `<model>.<what>`: the admin action's name, `add`, `change`, `delete`,
  or the page's own name. The rows come from the selection, the URL, or what
  the admin's log hooks saw (`telecom.audit.admin_log`); changed field names
  too. A page merely shown again without errors (a preview, an action's own
  form) is no action and is not recorded.
- The partner API: every POST, PUT, PATCH and DELETE under `/api/v1/` by a
  valid API key, with the partner and the key's prefix, named
  `api:<resource>.<what>`, its outcome the HTTP status.

The outcome: an error message or a 5xx is `failed`/`error`, a form with errors
or a 400 is `invalid`, a 403/404/429 is `refused`, otherwise `succeeded`.
"""

from django.contrib import admin, messages
from django.forms import BaseForm
from django.http import QueryDict
from django.urls import Resolver404, resolve

from telecom.audit.record import RequestAudit, current, record
from telecom.callbacks.service import client_address
from telecom.models.audit import MAX_OBJECTS, AuditEvent

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Signing in and out is django-axes' to log (AccessLog), not an operator action.
NOT_ACTIONS = {"login", "logout", "jsi18n", "autocomplete"}
LIST_PARAMETERS = {"p", "o", "e", "_changelist_filters"}
Outcome = AuditEvent.Outcome


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        audit = RequestAudit(address=client_address(request), user=getattr(request, "user", None))
        token = current.set(audit)
        try:
            response = self.get_response(request)
            if request.method in WRITES and not audit.recorded:
                match = getattr(request, "resolver_match", None)
                if match is not None and "admin" in match.namespaces:
                    record_console(request, response, audit, match)
                elif match is not None and request.path.startswith("/api/"):
                    record_api(request, response, match)
        finally:
            current.reset(token)
        return response


# --- the console ---------------------------------------------------------------


def admin_models() -> dict[str, type]:
    """`<app>_<model>` of every model the admin shows, to its model."""
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def split_url_name(name: str):
    """(model, view) of an admin URL name such as `telecom_message_compose`."""
    for prefix, model in admin_models().items():
        if name.startswith(prefix + "_"):
            return model, name[len(prefix) + 1 :]
    return None, name


def queued_levels(request) -> set[int]:
    storage = getattr(request, "_messages", None)
    return {m.level for m in getattr(storage, "_queued_messages", [])}


def form_has_errors(response) -> bool:
    context = getattr(response, "context_data", None) or {}
    for value in context.values():
        if isinstance(value, BaseForm) and value.errors:
            return True
    return bool(context.get("errors"))


def console_outcome(request, response) -> str | None:
    status = response.status_code
    if status >= 500:
        return Outcome.ERROR
    if status in (400, 422):
        return Outcome.INVALID
    if status >= 400:
        return Outcome.REFUSED
    levels = queued_levels(request)
    if any(level >= messages.ERROR for level in levels):
        return Outcome.FAILED
    if levels & {messages.SUCCESS, messages.INFO}:
        return Outcome.SUCCEEDED
    if messages.WARNING in levels:
        return Outcome.REFUSED  # "No action selected.", "Items must be selected..."
    if status == 200 and not getattr(response, "streaming", False):
        # A page shown again: with errors, refused; without, a preview or an
        # action's own form, nothing done yet.
        return Outcome.INVALID if form_has_errors(response) else None
    return Outcome.SUCCEEDED


def created_object(response, model) -> list[dict]:
    """The row an add page redirected to (`.../<id>/change/`), if it did."""
    location = response.get("Location") if 300 <= response.status_code < 400 else None
    if not location or model is None:
        return []
    try:
        match = resolve(location.split("?")[0])
    except Resolver404:
        return []
    object_id = match.kwargs.get("object_id") or match.kwargs.get("pk")
    if object_id is None or not (match.url_name or "").endswith("_change"):
        return []
    row = model._default_manager.filter(pk=object_id).first()
    return [{"id": str(object_id), "label": str(row)[:200] if row else ""}]


def selected(model, ids: list[str]) -> list[dict]:
    ids = ids[:MAX_OBJECTS]
    if model is None:
        return [{"id": i, "label": ""} for i in ids]
    try:
        rows = {str(r.pk): str(r)[:200] for r in model._default_manager.filter(pk__in=ids)}
    except (ValueError, TypeError):
        rows = {}
    return [{"id": i, "label": rows.get(i, "")} for i in ids]


def filters_of(query: QueryDict) -> dict:
    return {k: v for k, v in query.items() if k not in LIST_PARAMETERS}


def record_console(request, response, audit: RequestAudit, match) -> None:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_staff):
        return
    if match.url_name in NOT_ACTIONS or not match.url_name:
        return
    outcome = console_outcome(request, response)
    if (
        outcome is None
        and request.POST.get("action")
        and "cl" in (getattr(response, "context_data", None) or {})
    ):
        outcome = Outcome.REFUSED  # the list shown again: the action is not this user's
    if outcome is None:
        return
    model, view = split_url_name(match.url_name)
    kind = model._meta.model_name if model else "console"
    detail: dict = {"status": response.status_code}
    targets, count = list(audit.targets), None
    if view == "changelist" and request.POST.get("action"):
        what = request.POST["action"]
        if request.POST.get("select_across") == "1":
            detail["all_matching"] = True
            detail["filters"] = filters_of(request.GET)
        else:
            ids = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
            count = len(ids)
            targets = targets or selected(model, ids)
    else:
        what = match.kwargs.get("action") or view
        object_id = match.kwargs.get("object_id") or match.kwargs.get("pk")
        if object_id is not None and not targets:
            targets = selected(model, [str(object_id)])
        if not targets and view == "add":
            targets = created_object(response, model)
    if audit.fields:
        detail["fields"] = sorted(set(audit.fields))
    record(
        f"{kind}.{what}",
        outcome=outcome,
        model=model if targets or detail.get("all_matching") else None,
        targets=targets,
        object_count=count,
        detail=detail,
        user=user,
    )


# --- the partner API -------------------------------------------------------------

API_VERBS = {"PUT": "replace", "PATCH": "update", "DELETE": "delete"}


def api_action(match, method: str) -> str:
    name = match.url_name or "unknown"
    if match.kwargs.get("action"):
        return f"api:{name.removesuffix('-control')}.{match.kwargs['action']}"
    if name.endswith("-list") and method == "POST":
        return f"api:{name.removesuffix('-list')}.create"
    if name.endswith("-detail"):
        return f"api:{name.removesuffix('-detail')}.{API_VERBS.get(method, method.lower())}"
    return f"api:{name}.{method.lower()}"


def api_model(match):
    view = getattr(match.func, "view_class", None)
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    for name in ("output_serializer", "serializer_class"):
        meta = getattr(getattr(view, name, None), "Meta", None)
        if getattr(meta, "model", None) is not None:
            return meta.model
    return None


def api_outcome(status: int) -> str:
    if status < 400:
        return Outcome.SUCCEEDED
    if status in (400, 422):
        return Outcome.INVALID
    if status < 500:
        return Outcome.REFUSED
    return Outcome.ERROR


def record_api(request, response, match) -> None:
    key = getattr(request, "auth", None)
    partner = getattr(request, "user", None)
    if not hasattr(key, "prefix") or partner is None:
        return  # no valid key: no partner to name (the 401 is the throttle's)
    object_id = match.kwargs.get("pk")
    data = getattr(response, "data", None)
    if object_id is None and response.status_code == 201 and isinstance(data, dict):
        object_id = data.get("id")
    record(
        api_action(match, request.method),
        outcome=api_outcome(response.status_code),
        model=api_model(match),
        targets=[{"id": str(object_id), "label": ""}] if object_id is not None else [],
        detail={"status": response.status_code, "method": request.method},
        partner=partner,
        key_prefix=key.prefix,
    )

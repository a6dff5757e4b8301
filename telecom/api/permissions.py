"""Scope checks: a view names the scope each method needs in `required_scopes`."""

from rest_framework import permissions


class HasScopes(permissions.BasePermission):
    """Authenticated by an API key holding the scope the view requires for the method.

    `required_scopes` on the view is either one scope for every method or a
    mapping of method to scope; a method missing from the mapping is refused.
    """

    message = "this API key lacks the scope this request needs"

    def has_permission(self, request, view) -> bool:
        if request.auth is None:
            return False
        required = getattr(view, "required_scopes", None)
        if required is None:
            return True
        scope = required if isinstance(required, str) else required.get(request.method)
        if scope is None:
            return request.method in ("HEAD", "OPTIONS") and "GET" in required
        granted = set(request.auth.scopes)
        if scope in granted:
            return True
        self.message = f"this API key lacks the {scope!r} scope"
        return False

"""Scope checks: a view names the scope each method needs in `required_scopes`."""

from rest_framework import permissions

# HEAD is GET without the body: its headers (Content-Length, the pagination's
# cursor links) tell as much as the body would, so it needs what GET needs.
# OPTIONS describes the view; it is asked of the same scope as reading it.
READ_ALIKE = ("HEAD", "OPTIONS")


class HasScopes(permissions.BasePermission):
    """Authenticated by an API key holding the scope the view requires for the method.

    `required_scopes` on the view is either one scope for every method or a
    mapping of method to scope; a method missing from the mapping is refused.
    HEAD and OPTIONS need the GET scope (refused where there is no GET).
    """

    message = "this API key lacks the scope this request needs"

    def has_permission(self, request, view) -> bool:
        if request.auth is None:
            return False
        required = getattr(view, "required_scopes", None)
        if required is None:
            return True
        method = "GET" if request.method in READ_ALIKE else request.method
        scope = required if isinstance(required, str) else required.get(method)
        if scope is None:
            return False
        granted = set(request.auth.scopes)
        if scope in granted:
            return True
        self.message = f"this API key lacks the {scope!r} scope"
        return False

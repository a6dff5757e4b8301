"""The sandbox's two HTML pages (the handset, the consent dialog) under Hatid's
Content-Security-Policy.

The sandbox process runs no middleware (sandbox/wsgi.py keeps the
platform twin fast), so the pages take django-csp's middleware as a view
decorator: the header, and the nonce their inline script and style carry
(they are served without static files).
"""

from csp.decorators import csp_update
from csp.middleware import CSPMiddleware
from django.utils.decorators import decorator_from_middleware

with_csp = decorator_from_middleware(CSPMiddleware)


def with_csp_leaving_to(view):
    """The consent dialog, like Globe Labs' own, ends by sending the browser on
    to the app's redirect URI, wherever the app registered it: a form whose
    answer redirects elsewhere needs `form-action` to allow that origin."""
    return with_csp(csp_update({"form-action": ["http:", "https:"]})(view))

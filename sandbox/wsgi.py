"""The sandbox's WSGI application: Django, with the sandbox URLconf and nothing else.

Hatid's middleware (sessions, CSRF, auth...) is for Hatid's site; the
platform twin needs none of it, and every microsecond it does not spend is
throughput for the benchmarks. So the handler's middleware chain is built
here, by hand: set `request.urlconf`, then Django's own view dispatch.
"""

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler

URLCONF = "sandbox.urls"


class SandboxHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        dispatch = convert_exception_to_response(self._get_response)

        def sandbox_urls(request):
            request.urlconf = URLCONF
            return dispatch(request)

        self._middleware_chain = convert_exception_to_response(sandbox_urls)


def get_sandbox_application() -> SandboxHandler:
    import django

    django.setup(set_prefix=False)
    return SandboxHandler()

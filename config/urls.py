"""Hatid's URLs: the operator console, provider callbacks, the partner API, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.favicon import favicon
from config.health import healthz
from telecom.api.errors import json_bad_request, json_page_not_found, json_server_error
from telecom.callbacks.views import provider_callback

admin.site.site_header = "Hatid operator console"
admin.site.site_title = "Hatid"
admin.site.index_title = "Operations"
# Hatid has no public site: the admin's "View site" link led to a 404.
admin.site.site_url = None

urlpatterns = [
    path("admin/", admin.site.urls),
    path("callbacks/globe/<str:token>/<slug:kind>/", provider_callback, name="globe-callback"),
    path(
        "callbacks/hoiio/<str:token>/<slug:kind>/",
        provider_callback,
        {"provider": "hoiio"},
        name="hoiio-callback",
    ),
    path("consent/", include("subscribers.urls")),
    path("voice/", include("voiceflows.urls")),
    path("api/v1/", include("telecom.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]


def handler400(request, exception=None):
    if request.path.startswith(("/api/", "/callbacks/")):
        return json_bad_request(request, exception)
    from django.views.defaults import bad_request

    return bad_request(request, exception)


def handler404(request, exception=None):
    if request.path.startswith(("/api/", "/callbacks/", "/voice/")):
        return json_page_not_found(request, exception)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/voice/"):
        # The platform would drop the caller on a 500: say sorry and hang up instead.
        from voiceflows.views import fallback_answer

        return fallback_answer()
    if request.path.startswith(("/api/", "/callbacks/")):
        return json_server_error(request)
    from django.views.defaults import server_error

    return server_error(request)

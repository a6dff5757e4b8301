"""The Hoiio twin's paths: `/hoiio/open/<service>/<call>`, as the SDK's
`api_endpoint` builds them (each view names its own, see `hoiio_endpoint`),
and the documents it serves."""

from django.urls import path

from sandbox.hoiio import fax, ivr, numbers, sms, voice  # noqa: F401 (they register the paths)
from sandbox.hoiio.common import ENDPOINTS

urlpatterns = [
    *(path(f"hoiio/open/{name}", view) for name, view in ENDPOINTS.items()),
    path("hoiio/files/<str:name>", fax.document),
]

"""The Voicent gateway twin's paths, under `/voicent` so that one sandbox
process serves it beside the Globe Labs and Hoiio twins (an app reaches it
with `gateway_path_prefix` = `/voicent`)."""

from django.urls import path

from sandbox.voicent import gateway

urlpatterns = [
    path("voicent/ocall/callreqHandler.jsp", gateway.call_request),
    path("voicent/ocall/callstatusHandler.jsp", gateway.call_status),
    path("voicent/ocall/callremoveHandler.jsp", gateway.call_remove),
]

"""Routes of the voice endpoints, included in `/api/v1/`."""

from django.urls import path

from telecom.api.routes import resource
from voiceflows.api import views
from voiceflows.api.escalations import GatewayEscalationDetail

urlpatterns = [
    path("calls/sessions/", views.CallSessionList.as_view(), name="call-session-list"),
    path("calls/", views.CallList.as_view(), name="call-list"),
    path("calls/<slug:source>/<int:pk>/", views.CallDetail.as_view(), name="call-detail"),
    # Deprecated: the Globe Labs call's old address, from before calls had a source.
    path("calls/<int:pk>/", views.GlobeCallDetail.as_view(), name="globe-call-detail"),
    *resource("escalations", "escalation", views.EscalationList, views.EscalationDetail),
    path(
        "escalations/voicent/<int:pk>/",
        GatewayEscalationDetail.as_view(),
        name="voicent-gateway-escalation-detail",
    ),
]
